"""Command groups and commands of the `footcast` CLI, mounted by `footcast.cli`."""

from __future__ import annotations

from footcast.commands import (
    data,
    db,
    failures,
    forecasters,
    matches,
    models,
    pipeline,
    seasons,
    state,
    teams,
    web,
)

__all__ = [
    "data",
    "db",
    "failures",
    "forecasters",
    "matches",
    "models",
    "pipeline",
    "seasons",
    "state",
    "teams",
    "web",
]
