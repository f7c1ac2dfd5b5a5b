"""The crowd as one forecast: the competitors' forecasts of a match combined.

The probabilities are the mean of the probabilities of those that gave them (none gave any: the
consensus gives none). The score is the most common exact score; a tie between scores goes, in
turn, to the score whose tendency more forecasts picked, then to the one with fewer goals, then
to the narrower margin, then to the home side's (1:0 before 0:1). Every score differs from
another at one of these steps, so the same forecasts give the same consensus in any order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from footcast.domain import probabilistic, scoring
from footcast.domain.forecast import Forecast

__all__ = ["combine", "mean_probabilities", "most_common_score"]


def mean_probabilities(
    given: Sequence[probabilistic.Probabilities],
) -> probabilistic.Probabilities | None:
    """The mean home, draw and away probabilities (None when none are given)."""
    if not given:
        return None
    home = math.fsum(p.home for p in given) / len(given)
    draw = math.fsum(p.draw for p in given) / len(given)
    away = math.fsum(p.away for p in given) / len(given)
    # each sums to 1 within the tolerance, and so does the mean: spread its rounding evenly
    total = home + draw + away
    home, draw = home / total, draw / total
    return probabilistic.Probabilities(home=home, draw=draw, away=max(1.0 - home - draw, 0.0))


def most_common_score(scores: Sequence[scoring.Score]) -> scoring.Score | None:
    """The most common score, ties broken as the module says (None for no scores)."""
    if not scores:
        return None
    counts = Counter(scores)
    tendencies = Counter(score.tendency for score in scores)
    return max(
        counts,
        key=lambda s: (
            counts[s],
            tendencies[s.tendency],
            -(s.home + s.away),
            -abs(s.goal_difference),
            s.home,
        ),
    )


def combine(forecasts: Sequence[Forecast]) -> Forecast | None:
    """The consensus of ``forecasts``; None when there are none to combine."""
    score = most_common_score([f.score for f in forecasts])
    if score is None:
        return None
    return Forecast(
        home_goals=score.home,
        away_goals=score.away,
        probabilities=mean_probabilities(
            [f.probabilities for f in forecasts if f.probabilities is not None]
        ),
    )
