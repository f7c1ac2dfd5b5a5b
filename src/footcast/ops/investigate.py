"""Root-cause categories of recorded failures (PIPELINE.md SETTLE-01)."""

from __future__ import annotations

from footcast import errors

__all__ = ["CATEGORIES", "category"]

CATEGORIES = tuple(errors.Category)


def category(stage: str, code: str, message: str) -> str:
    """Which of ``CATEGORIES`` a failure belongs to: its error class's category; a code footcast
    does not raise is a bug, unless its message shows a lost database connection."""
    if code == errors.NotReady.code and stage == "settlement":
        return errors.Category.PREDICTIONS
    kind = errors.by_code(code)
    if kind is not None:
        return kind.category
    if "OperationalError" in message:
        return errors.Category.INFRASTRUCTURE
    return errors.Category.BUG
