"""Elo ratings replayed over the snapshot's history, turned into probabilities and a score.

Ratings start at 1500; each result moves both teams by ``k * G * (S - E)``, where ``E`` is the
home side's expected score with ``home_advantage`` points added, ``S`` is 1, ½ or 0, and ``G``
is the World Football Elo goal-difference multiplier (1, 1.5, then (11 + diff) / 8).

Draw model: ``P(draw) = d * 4E(1 - E)``, largest for an even match. ``d`` is fitted so the mean
predicted draw share over the replayed history equals its draw frequency (shrunk towards 0.26
with 10 pseudo-matches, clipped to 0.15..0.45). Then ``P(home) = E - P(draw) / 2``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from footcast.domain.analysis import Need, PastMatch, Snapshot
from footcast.domain.forecast import Forecast
from footcast.forecasters import scorelines

__all__ = ["INITIAL_RATING", "EloForecaster", "Ratings", "goal_multiplier", "replay"]

INITIAL_RATING = 1500.0
_PRIOR_DRAW_RATE = 0.26
_PRIOR_MATCHES = 10.0


def goal_multiplier(goal_difference: int) -> float:
    """The weight of a result by its margin: 1 for 0 or 1 goal, 1.5 for 2, (11 + n) / 8 above."""
    margin = abs(goal_difference)
    if margin <= 1:
        return 1.0
    if margin == 2:
        return 1.5
    return (11 + margin) / 8


def _expected(rating_home: float, rating_away: float, home_advantage: float) -> float:
    return 1.0 / (1.0 + math.pow(10.0, -(rating_home + home_advantage - rating_away) / 400.0))


@dataclass(frozen=True, kw_only=True)
class Ratings:
    """Ratings after the replay, and the fitted draw factor ``d`` of the draw model."""

    ratings: dict[str, float]
    draw_factor: float
    home_advantage: float

    def rating(self, team: str) -> float:
        return self.ratings.get(team, INITIAL_RATING)

    def outcome(self, home: str, away: str) -> tuple[float, float, float]:
        """Probabilities of home win, draw and away win."""
        expected = _expected(self.rating(home), self.rating(away), self.home_advantage)
        draw = self.draw_factor * 4 * expected * (1 - expected)
        home_win = max(expected - draw / 2, 0.0)
        away_win = max(1 - expected - draw / 2, 0.0)
        return home_win, draw, away_win


def replay(
    history: Sequence[PastMatch], *, k: float = 20.0, home_advantage: float = 60.0
) -> Ratings:
    """Replay ``history`` in kickoff order and fit the draw factor on it."""
    ratings: dict[str, float] = {}
    evenness = 0.0
    draws = 0
    for past in sorted(history, key=lambda p: p.kickoff):
        home = ratings.get(past.home, INITIAL_RATING)
        away = ratings.get(past.away, INITIAL_RATING)
        expected = _expected(home, away, home_advantage)
        evenness += 4 * expected * (1 - expected)
        diff = past.home_goals - past.away_goals
        actual = 1.0 if diff > 0 else 0.5 if diff == 0 else 0.0
        draws += diff == 0
        change = k * goal_multiplier(diff) * (actual - expected)
        ratings[past.home] = home + change
        ratings[past.away] = away - change
    n = len(history)
    draw_rate = (draws + _PRIOR_DRAW_RATE * _PRIOR_MATCHES) / (n + _PRIOR_MATCHES)
    mean_evenness = (evenness + _PRIOR_MATCHES) / (n + _PRIOR_MATCHES)
    factor = min(max(draw_rate / mean_evenness, 0.15), 0.45)
    return Ratings(ratings=ratings, draw_factor=factor, home_advantage=home_advantage)


class EloForecaster:
    """Elo probabilities; the score from a Poisson pair reproducing them."""

    needs: frozenset[Need] = frozenset()
    remote: bool = False

    def __init__(self, name: str = "elo", k: float = 20.0, home_advantage: float = 60.0) -> None:
        self.name = name
        self.k = k
        self.home_advantage = home_advantage

    def predict(self, snapshot: Snapshot) -> Forecast:
        ratings = replay(snapshot.history, k=self.k, home_advantage=self.home_advantage)
        return scorelines.forecast_from_outcomes(*ratings.outcome(snapshot.home, snapshot.away))
