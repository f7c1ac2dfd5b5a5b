"""Helpers for footcast's SQL text: shared names rendered from ``domain.names``, never retyped."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from procrastinate.jobs import Status

from footcast.domain.names import Stage

__all__ = ["DOING", "TODO", "busy", "in_list", "pair_key", "unit_key"]

# Procrastinate's job statuses, as SQL literals
TODO, DOING = f"'{Status.TODO.value}'", f"'{Status.DOING.value}'"


def in_list(values: Iterable[StrEnum]) -> str:
    """``'a', 'b'``: the values as SQL string literals for an ``IN (...)`` (sorted, stable)."""
    return ", ".join(f"'{v.value}'" for v in sorted(values))


def unit_key(stage: Stage, match: str) -> str:
    """The SQL expression of a unit key (``'settle:' || m.id``) for the match id ``match``."""
    return f"'{stage.prefix}:' || {match}"


def busy(key: str, *, job: str = "j") -> str:
    """The condition that job row ``job`` holds unit ``key`` (a SQL expression): waiting under
    its queueing lock, or running under its lock."""
    return (
        f"(({job}.queueing_lock = {key} AND {job}.status = {TODO})"
        f" OR ({job}.lock = {key} AND {job}.status = {DOING}))"
    )


def pair_key(match: str, forecaster: str) -> str:
    """The SQL expression of a (match, forecaster) failure key, ``names.pair_key`` in SQL."""
    return f"{unit_key(Stage.PREDICTIONS, match)} || ':' || {forecaster}"
