"""Tests of footcast.forecasters.standin: deterministic, name-dependent, history-blind."""

from __future__ import annotations

from collections.abc import Callable

from footcast.domain import scoring
from footcast.domain.analysis import PastMatch, Snapshot
from footcast.forecasters import standin


def test_standin_is_deterministic(snapshot: Callable[..., Snapshot]) -> None:
    snap = snapshot(match_id=5)
    assert standin.StandInForecaster("llm-a").predict(snap) == standin.StandInForecaster(
        "llm-a"
    ).predict(snap)


def test_standin_differs_across_names(snapshot: Callable[..., Snapshot]) -> None:
    a = [standin.StandInForecaster("llm-a").predict(snapshot(match_id=i)) for i in range(20)]
    b = [standin.StandInForecaster("llm-b").predict(snapshot(match_id=i)) for i in range(20)]
    assert a != b
    assert len({(f.home_goals, f.away_goals) for f in a}) > 3


def test_standin_ignores_history(
    past: Callable[..., PastMatch], snapshot: Callable[..., Snapshot]
) -> None:
    forecaster = standin.StandInForecaster("llm")
    history = [past(d, "X", "Y", 5, 0) for d in range(10)]
    assert forecaster.predict(snapshot(history, match_id=3)) == forecaster.predict(
        snapshot(match_id=3)
    )


def test_standin_scores_in_range_and_probabilities_agree(
    snapshot: Callable[..., Snapshot],
) -> None:
    forecaster = standin.StandInForecaster("llm")
    for match_id in range(200):
        made = forecaster.predict(snapshot(match_id=match_id))
        assert 0 <= made.home_goals <= 4
        assert 0 <= made.away_goals <= 4
        p = made.probabilities
        assert p is not None
        picked = scoring.tendency(made.home_goals, made.away_goals)
        assert p.of(picked) == max(p.home, p.draw, p.away)
