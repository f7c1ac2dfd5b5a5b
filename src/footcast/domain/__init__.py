"""Pure domain rules: scores, forecasts, the quota and standard scoring rules and probabilistic scores.

Nothing here does I/O or imports anything outside the standard library, ``footcast.domain`` and
``footcast.errors``.
"""

from __future__ import annotations

from footcast.domain import forecast, probabilistic, scoring

__all__ = ["forecast", "probabilistic", "scoring"]
