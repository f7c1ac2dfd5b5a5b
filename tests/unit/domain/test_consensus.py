"""Tests of footcast.domain.consensus: the crowd's forecasts combined into one."""

from __future__ import annotations

import itertools

import pytest

from footcast.domain import consensus, probabilistic, scoring
from footcast.domain.forecast import Forecast


def _p(home: float, draw: float, away: float) -> probabilistic.Probabilities:
    return probabilistic.Probabilities(home=home, draw=draw, away=away)


def _f(score: str, probabilities: probabilistic.Probabilities | None = None) -> Forecast:
    home, away = (int(goals) for goals in score.split(":"))
    return Forecast(home_goals=home, away_goals=away, probabilities=probabilities)


def _s(score: str) -> scoring.Score:
    home, away = (int(goals) for goals in score.split(":"))
    return scoring.Score(home=home, away=away)


def test_consensus_mean_probabilities_of_those_that_gave_them() -> None:
    made = consensus.combine(
        [
            _f("2:1", _p(0.5, 0.3, 0.2)),
            _f("1:1"),  # no probabilities: its score counts, nothing else
            _f("2:1", _p(0.7, 0.2, 0.1)),
            _f("0:1", _p(0.3, 0.1, 0.6)),
        ]
    )
    assert made is not None
    assert made.score == _s("2:1")
    p = made.probabilities
    assert p is not None
    assert (p.home, p.draw, p.away) == pytest.approx((0.5, 0.2, 0.3), abs=1e-12)


def test_consensus_without_any_probabilities_gives_none() -> None:
    made = consensus.combine([_f("1:0"), _f("1:0"), _f("0:0")])
    assert made == Forecast(home_goals=1, away_goals=0, probabilities=None)


def test_consensus_of_nobody_is_none() -> None:
    assert consensus.combine([]) is None
    assert consensus.mean_probabilities([]) is None
    assert consensus.most_common_score([]) is None


def test_consensus_mean_probabilities_sum_to_one_for_awkward_floats() -> None:
    given = [_p(1 / 3, 1 / 3, 1 - 2 / 3), _p(0.1, 0.2, 0.7), _p(0.2, 0.7, 0.1 + 1e-7)]
    mean = consensus.mean_probabilities(given)
    assert mean is not None
    assert mean.home + mean.draw + mean.away == pytest.approx(1, abs=1e-12)
    assert mean.home == pytest.approx((1 / 3 + 0.1 + 0.2) / 3, abs=1e-7)


@pytest.mark.parametrize(
    ("scores", "expected", "why"),
    [
        (["2:1", "1:1", "2:1", "0:0"], "2:1", "the most common exact score"),
        (["1:1", "0:0", "1:1", "2:1", "3:1", "2:0"], "1:1", "more exact votes beat a tendency"),
        (["0:0", "2:1", "3:1"], "2:1", "tie: the more common tendency, though 0:0 has fewer goals"),
        (["1:0", "0:2"], "1:0", "tie, tendencies tied: fewer goals"),
        (["2:2", "1:0", "0:0", "0:1"], "0:0", "tie: the more common tendency, then fewer goals"),
        (["3:0", "2:1", "1:2"], "2:1", "tie, same tendency and goals: the narrower margin"),
        (["1:0", "0:1"], "1:0", "a mirror: the home side's"),
        (["2:3", "3:2", "0:0", "0:0", "9:9", "9:9"], "0:0", "draws tied: fewer goals"),
    ],
)
def test_consensus_most_common_score_and_its_tie_break(
    scores: list[str], expected: str, why: str
) -> None:
    assert consensus.most_common_score([_s(s) for s in scores]) == _s(expected), why


def test_consensus_does_not_depend_on_the_order_of_the_crowd() -> None:
    crowd = [
        _f("1:0", _p(0.5, 0.3, 0.2)),
        _f("0:1", _p(0.2, 0.3, 0.5)),
        _f("1:1", _p(0.3, 0.4, 0.3)),
        _f("2:1"),
        _f("1:2", _p(0.25, 0.25, 0.5)),
    ]
    made = {consensus.combine(list(order)) for order in itertools.permutations(crowd)}
    assert len(made) == 1  # the same score and, summed exactly (fsum), the same probabilities
    [one] = made
    assert one is not None
    assert one.score == _s("1:0")  # five scores, H 2, A 2, D 1: the fewest goals, the home side
