"""How urgent a gap is: by the time left to its match's kickoff (PIPELINE.md MON-02)."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

__all__ = [
    "AHEAD_HOURS",
    "CRITICAL_WITHIN",
    "LOOKBACK_DAYS",
    "WARNING_WITHIN",
    "Severity",
    "severity",
]

# the window gaps are looked for in by default (`footcast gaps`, the admin's pipeline health)
LOOKBACK_DAYS = 7
AHEAD_HOURS = 48
CRITICAL_WITHIN = timedelta(hours=2)
WARNING_WITHIN = timedelta(hours=6)


class Severity(StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


def severity(left: timedelta) -> Severity:
    """Critical under 2 h to kickoff (or past it), warning under 6 h, info beyond."""
    if left < CRITICAL_WITHIN:
        return Severity.CRITICAL
    return Severity.WARNING if left < WARNING_WITHIN else Severity.INFO
