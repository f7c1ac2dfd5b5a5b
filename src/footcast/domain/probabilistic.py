"""Outcome probabilities and the pool-independent scores of SCORING.md §4 (RPS, Brier, log loss)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from footcast import errors
from footcast.domain import scoring

__all__ = [
    "LOG_LOSS_FLOOR",
    "PROBABILITY_TOLERANCE",
    "Probabilities",
    "brier",
    "log_loss",
    "rps",
]

PROBABILITY_TOLERANCE = 1e-6
LOG_LOSS_FLOOR = 1e-15


@dataclass(frozen=True, kw_only=True)
class Probabilities:
    """A forecaster's probabilities of home win, draw and away win; they sum to 1 (± 1e-6).

    Raises:
        errors.InvalidForecast: a value is not a number in [0, 1], or the sum is not 1.
    """

    home: float
    draw: float
    away: float

    def __post_init__(self) -> None:
        values = {"p_home": self.home, "p_draw": self.draw, "p_away": self.away}
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise errors.InvalidForecast(f"{key}={value!r} is not a real number", **values)
            if math.isnan(value):
                raise errors.InvalidForecast(f"{key}={value!r} is not a number (NaN)", **values)
            if not 0 <= value <= 1:
                raise errors.InvalidForecast(f"{key}={value!r} is outside [0, 1]", **values)
        total = math.fsum(values.values())
        if abs(total - 1) > PROBABILITY_TOLERANCE:
            raise errors.InvalidForecast(
                f"p_home + p_draw + p_away = {total:.12g} "
                f"({self.home!r} + {self.draw!r} + {self.away!r}); "
                f"must be 1 ± {PROBABILITY_TOLERANCE:g}",
                **values,
            )

    def of(self, t: scoring.Tendency) -> float:
        """Return the probability of tendency ``t``."""
        return {
            scoring.Tendency.HOME: self.home,
            scoring.Tendency.DRAW: self.draw,
            scoring.Tendency.AWAY: self.away,
        }[t]


def _one_hot(actual: scoring.Tendency) -> tuple[float, float, float]:
    return (
        float(actual is scoring.Tendency.HOME),
        float(actual is scoring.Tendency.DRAW),
        float(actual is scoring.Tendency.AWAY),
    )


def rps(p: Probabilities, actual: scoring.Tendency) -> float:
    """Return the ranked probability score (0 best, 1 worst), outcomes ordered H, D, A."""
    o_home, o_draw, _ = _one_hot(actual)
    first = p.home - o_home
    second = p.home + p.draw - o_home - o_draw
    return (first**2 + second**2) / 2


def brier(p: Probabilities, actual: scoring.Tendency) -> float:
    """Return the Brier score, the sum of squared errors over H, D, A (0 best, 2 worst)."""
    o_home, o_draw, o_away = _one_hot(actual)
    return (p.home - o_home) ** 2 + (p.draw - o_draw) ** 2 + (p.away - o_away) ** 2


def log_loss(p: Probabilities, actual: scoring.Tendency) -> float:
    """Return −ln of the probability given to the actual tendency, floored at 1e-15."""
    return -math.log(max(p.of(actual), LOG_LOSS_FLOOR))
