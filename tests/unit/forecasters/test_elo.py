"""Tests of footcast.forecasters.elo: the replay, the draw model and the forecast."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from footcast.domain.analysis import PastMatch, Snapshot
from footcast.forecasters import elo


@pytest.mark.parametrize(
    ("difference", "multiplier"),
    [(0, 1.0), (1, 1.0), (-1, 1.0), (2, 1.5), (-2, 1.5), (3, 1.75), (5, 2.0)],
)
def test_goal_multiplier(difference: int, multiplier: float) -> None:
    assert elo.goal_multiplier(difference) == multiplier


def _champion_history(past: Callable[..., PastMatch]) -> list[PastMatch]:
    teams = ["Champ", "B", "C", "D"]
    history = []
    day = 0
    for _ in range(3):
        for home in teams:
            for away in teams:
                if home == away:
                    continue
                day += 1
                if home == "Champ":
                    history.append(past(day, home, away, 2, 0))
                elif away == "Champ":
                    history.append(past(day, home, away, 0, 1))
                else:
                    history.append(past(day, home, away, 1, 1))
    return history


def test_elo_favours_the_team_that_won_everything(
    past: Callable[..., PastMatch], snapshot: Callable[..., Snapshot]
) -> None:
    history = _champion_history(past)
    ratings = elo.replay(history)
    assert ratings.rating("Champ") == max(ratings.ratings.values())
    assert ratings.rating("Champ") > elo.INITIAL_RATING + 100
    forecaster = elo.EloForecaster()
    away = forecaster.predict(snapshot(history, home="B", away="Champ"))
    home = forecaster.predict(snapshot(history, home="Champ", away="C"))
    assert away.home_goals < away.away_goals
    assert home.home_goals > home.away_goals
    assert away.probabilities is not None
    assert away.probabilities.away > 0.5


def test_replay_follows_kickoff_order(past: Callable[..., PastMatch]) -> None:
    history = _champion_history(past)
    assert elo.replay(list(reversed(history))) == elo.replay(history)


def test_empty_history_gives_home_advantage(snapshot: Callable[..., Snapshot]) -> None:
    made = elo.EloForecaster().predict(snapshot())
    assert made.probabilities is not None
    assert made.probabilities.home > made.probabilities.away
    assert made.probabilities.draw == pytest.approx(0.26 * 4 * 0.5855 * 0.4145, rel=1e-2)


def test_draw_factor_follows_the_history(past: Callable[..., PastMatch]) -> None:
    draws = [past(d, "A", "B", 1, 1) for d in range(40)]
    wins = [past(d, "A", "B", 2, 0) for d in range(40)]
    assert elo.replay(draws).draw_factor == 0.45
    assert elo.replay(wins).draw_factor < 0.2


def test_elo_probabilities_sum_to_one(
    league: tuple[PastMatch, ...], snapshot: Callable[..., Snapshot]
) -> None:
    made = elo.EloForecaster().predict(snapshot(league, home="T00", away="T19"))
    p = made.probabilities
    assert p is not None
    assert p.home + p.draw + p.away == pytest.approx(1.0, abs=1e-9)
    assert p.away > p.home
