"""Naive baselines: a fixed score every match, or the history's most common outcome.

The fixed-score baselines give the same outcome probabilities every match: 0.46 / 0.26 / 0.28,
typical home win, draw and away win frequencies of the European top leagues.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from footcast.domain import scoring
from footcast.domain.analysis import Need, PastMatch, Snapshot
from footcast.domain.forecast import MAX_GOALS, Forecast
from footcast.forecasters import scorelines

__all__ = [
    "TYPICAL_PROBABILITIES",
    "BaseRatesForecaster",
    "DrawForecaster",
    "HomeWinForecaster",
    "base_rates",
]

TYPICAL_PROBABILITIES = (0.46, 0.26, 0.28)


class HomeWinForecaster:
    """Always 1:0, with the typical probabilities."""

    needs: frozenset[Need] = frozenset()
    remote: bool = False

    def __init__(self, name: str = "naive-home-1-0") -> None:
        self.name = name

    def predict(self, snapshot: Snapshot) -> Forecast:
        return Forecast(
            home_goals=1,
            away_goals=0,
            probabilities=scorelines.probabilities(*TYPICAL_PROBABILITIES),
        )


class DrawForecaster:
    """Always 1:1, with the typical probabilities."""

    needs: frozenset[Need] = frozenset()
    remote: bool = False

    def __init__(self, name: str = "naive-draw-1-1") -> None:
        self.name = name

    def predict(self, snapshot: Snapshot) -> Forecast:
        return Forecast(
            home_goals=1,
            away_goals=1,
            probabilities=scorelines.probabilities(*TYPICAL_PROBABILITIES),
        )


_ORDER = (scoring.Tendency.HOME, scoring.Tendency.DRAW, scoring.Tendency.AWAY)


def base_rates(history: Sequence[PastMatch]) -> tuple[tuple[float, float, float], tuple[int, int]]:
    """Laplace-smoothed H/D/A frequencies, and the most common score of the likeliest tendency.

    Ties go to home, then draw; among scores to the more frequent, then the lower-scoring one.
    An empty history gives 1/3 each and 1:0.
    """
    tendencies = Counter(scoring.tendency(p.home_goals, p.away_goals) for p in history)
    n = len(history)
    smoothed = tuple((tendencies[t] + 1) / (n + 3) for t in _ORDER)
    probabilities = (smoothed[0], smoothed[1], smoothed[2])
    if n == 0:
        return probabilities, (1, 0)
    best = max(_ORDER, key=lambda t: (tendencies[t], -_ORDER.index(t)))
    scores = Counter(
        (p.home_goals, p.away_goals)
        for p in history
        if scoring.tendency(p.home_goals, p.away_goals) is best
    )
    home, away = max(scores, key=lambda s: (scores[s], -(s[0] + s[1]), -s[0]))
    return probabilities, (min(home, MAX_GOALS), min(away, MAX_GOALS))


class BaseRatesForecaster:
    """The history's outcome frequencies and its most common score of the likeliest tendency."""

    needs: frozenset[Need] = frozenset()
    remote: bool = False

    def __init__(self, name: str = "naive-base-rates") -> None:
        self.name = name

    def predict(self, snapshot: Snapshot) -> Forecast:
        probabilities, (home, away) = base_rates(snapshot.history)
        return Forecast(
            home_goals=home,
            away_goals=away,
            probabilities=scorelines.probabilities(*probabilities),
        )
