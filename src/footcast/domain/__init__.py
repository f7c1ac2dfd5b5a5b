"""Pure domain rules: scores, forecasts, the point rules and the probabilistic scores.

Nothing here does I/O or imports anything outside the standard library, ``footcast.domain`` and
``footcast.errors``.
"""

from __future__ import annotations

from footcast.domain import forecast, probabilistic, scoring, settlement

__all__ = ["forecast", "probabilistic", "scoring", "settlement"]
