"""Root-cause categories of recorded failures (PIPELINE.md SETTLE-01)."""

from __future__ import annotations

__all__ = ["CATEGORIES", "category"]

CATEGORIES = ("data missing", "no predictions", "provider error", "infrastructure", "bug")

_PROVIDER = {
    "source_error",
    "source_unavailable",
    "forecaster_error",
    "provider_unavailable",
    "invalid_forecast",
}
_DATA = {"not_found", "not_settleable", "pipeline_error", "conflict", "prediction_locked"}
_INFRASTRUCTURE = {"database_unavailable", "database_error", "schema_missing", "config_error"}


def category(stage: str, code: str, message: str) -> str:
    """Which of ``CATEGORIES`` a failure belongs to, from its stage, code and message."""
    if code == "not_ready":
        return "no predictions" if stage == "settlement" else "data missing"
    if code in _PROVIDER:
        return "provider error"
    if code in _DATA:
        return "data missing"
    if code in _INFRASTRUCTURE or "OperationalError" in message:
        return "infrastructure"
    return "bug"
