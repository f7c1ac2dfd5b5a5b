"""Tests of footcast.forecasters.naive: fixed scores and the history's base rates."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from footcast.domain.analysis import PastMatch, Snapshot
from footcast.forecasters import naive


def test_fixed_score_baselines(snapshot: Callable[..., Snapshot]) -> None:
    home = naive.HomeWinForecaster().predict(snapshot())
    draw = naive.DrawForecaster().predict(snapshot())
    assert (home.home_goals, home.away_goals) == (1, 0)
    assert (draw.home_goals, draw.away_goals) == (1, 1)
    assert home.probabilities is not None
    assert (home.probabilities.home, home.probabilities.draw, home.probabilities.away) == (
        pytest.approx(naive.TYPICAL_PROBABILITIES)
    )


def test_base_rates_follow_the_history(
    past: Callable[..., PastMatch], snapshot: Callable[..., Snapshot]
) -> None:
    history = [
        past(1, "A", "B", 0, 2),
        past(2, "C", "D", 1, 3),
        past(3, "B", "C", 0, 2),
        past(4, "D", "A", 2, 0),
    ]
    made = naive.BaseRatesForecaster().predict(snapshot(history))
    assert (made.home_goals, made.away_goals) == (0, 2)
    assert made.probabilities is not None
    # Laplace: (1 + 1) / 7, (0 + 1) / 7, (3 + 1) / 7
    got = (made.probabilities.home, made.probabilities.draw, made.probabilities.away)
    assert got == pytest.approx((2 / 7, 1 / 7, 4 / 7))


def test_base_rates_ties_prefer_home_and_fewer_goals(past: Callable[..., PastMatch]) -> None:
    history = [past(1, "A", "B", 3, 1), past(2, "A", "B", 1, 0), past(3, "A", "B", 1, 1)]
    probabilities, score = naive.base_rates(history)
    assert score == (1, 0)
    assert probabilities == pytest.approx((3 / 6, 2 / 6, 1 / 6))


def test_base_rates_empty_history(snapshot: Callable[..., Snapshot]) -> None:
    made = naive.BaseRatesForecaster().predict(snapshot())
    assert (made.home_goals, made.away_goals) == (1, 0)
    assert made.probabilities is not None
    assert made.probabilities.draw == pytest.approx(1 / 3)
