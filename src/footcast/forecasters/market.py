"""The betting market as a forecaster: odds without the bookmaker's margin, then a score."""

from __future__ import annotations

import math

from scipy import optimize  # type: ignore[import-untyped]

from footcast import errors
from footcast.domain.analysis import Need, Odds, Snapshot
from footcast.domain.forecast import Forecast
from footcast.forecasters import scorelines

__all__ = ["MarketForecaster", "proportional", "shin"]


def proportional(odds: Odds) -> tuple[float, float, float]:
    """Implied probabilities scaled down evenly so they sum to 1."""
    implied = (1 / odds.home, 1 / odds.draw, 1 / odds.away)
    total = math.fsum(implied)
    home, draw = implied[0] / total, implied[1] / total
    return home, draw, 1.0 - home - draw


def _shin_probabilities(z: float, implied: tuple[float, ...], booksum: float) -> list[float]:
    return [(math.sqrt(z * z + 4 * (1 - z) * p * p / booksum) - z) / (2 * (1 - z)) for p in implied]


def shin(odds: Odds) -> tuple[float, float, float]:
    """Probabilities by Shin's method (insider share ``z`` solved so they sum to 1).

    Falls back to ``proportional`` when the odds carry no margin or the root is not found.
    """
    implied = (1 / odds.home, 1 / odds.draw, 1 / odds.away)
    booksum = math.fsum(implied)
    if booksum <= 1.0:
        return proportional(odds)

    def excess(z: float) -> float:
        return math.fsum(_shin_probabilities(z, implied, booksum)) - 1.0

    try:
        z = float(optimize.brentq(excess, 0.0, 0.99, xtol=1e-14, maxiter=200))
    except (ValueError, RuntimeError):
        return proportional(odds)
    values = _shin_probabilities(z, implied, booksum)
    total = math.fsum(values)
    home, draw = values[0] / total, values[1] / total
    return home, draw, 1.0 - home - draw


class MarketForecaster:
    """Shin probabilities from the snapshot's odds; the score from a Poisson pair matching them.

    Raises:
        errors.InvalidForecast: the snapshot has no odds.
    """

    needs: frozenset[Need] = frozenset({Need.ODDS})
    remote: bool = False

    def __init__(self, name: str = "market") -> None:
        self.name = name

    def predict(self, snapshot: Snapshot) -> Forecast:
        if snapshot.odds is None:
            raise errors.InvalidForecast(
                f"no odds for match {snapshot.match_id}", match_id=snapshot.match_id
            )
        return scorelines.forecast_from_outcomes(*shin(snapshot.odds))
