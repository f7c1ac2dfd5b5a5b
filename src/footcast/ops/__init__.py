"""Operator actions, once each and audited, for the CLI and the admin API alike (import, replay,
backfill, retry and clear failures, disable and enable forecasters, set a result, settle, add a
forecaster); failure investigation; the long-lived pipeline objects the actions need."""

from __future__ import annotations

from footcast.ops import (
    access,
    backfill,
    data,
    failures,
    forecasters,
    investigate,
    matches,
    runtime,
    seasons,
    teams,
)

__all__ = [
    "access",
    "backfill",
    "data",
    "failures",
    "forecasters",
    "investigate",
    "matches",
    "runtime",
    "seasons",
    "teams",
]
