"""Helpers for footcast's SQL text: shared names rendered from ``domain.names``, never retyped."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from footcast.domain.names import Stage

__all__ = ["PREDICT_PREFIX", "in_list", "pair_key", "unit_key"]

PREDICT_PREFIX = Stage.PREDICTIONS.prefix


def in_list(values: Iterable[StrEnum]) -> str:
    """``'a', 'b'``: the values as SQL string literals for an ``IN (...)`` (sorted, stable)."""
    return ", ".join(f"'{v.value}'" for v in sorted(values))


def unit_key(stage: Stage, match: str) -> str:
    """The SQL expression of a unit key (``'settle:' || m.id``) for the match id ``match``."""
    return f"'{stage.prefix}:' || {match}"


def pair_key(match: str, forecaster: str) -> str:
    """The SQL expression of a (match, forecaster) failure key, ``names.pair_key`` in SQL."""
    return f"{unit_key(Stage.PREDICTIONS, match)} || ':' || {forecaster}"
