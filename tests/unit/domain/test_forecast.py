"""Tests of footcast.domain.forecast: goal validation and score parsing."""

from __future__ import annotations

import pytest

from footcast import errors
from footcast.domain import forecast, probabilistic, scoring


def test_forecast_score() -> None:
    p = probabilistic.Probabilities(home=0.5, draw=0.3, away=0.2)
    made = forecast.Forecast(home_goals=2, away_goals=1, probabilities=p)
    assert made.score == scoring.Score(home=2, away=1)
    assert made.probabilities is p


@pytest.mark.parametrize(
    ("home_goals", "away_goals"),
    [
        pytest.param(0, 0, id="zero"),
        pytest.param(forecast.MAX_GOALS, 0, id="max-home"),
        pytest.param(3, forecast.MAX_GOALS, id="max-away"),
    ],
)
def test_forecast_accepts_goals_in_range(home_goals: int, away_goals: int) -> None:
    assert forecast.Forecast(home_goals=home_goals, away_goals=away_goals).probabilities is None


@pytest.mark.parametrize(
    ("home_goals", "away_goals", "named"),
    [
        pytest.param(-1, 0, "home_goals=-1 is outside 0..20", id="negative"),
        pytest.param(21, 0, "home_goals=21 is outside 0..20", id="above-max"),
        pytest.param(1, 1.5, "away_goals=1.5 is not an integer", id="float"),
        pytest.param(True, 0, "home_goals=True is not an integer", id="bool"),
        pytest.param(1, "2", "away_goals='2' is not an integer", id="string"),
    ],
)
def test_forecast_rejects_invalid_goals(home_goals: object, away_goals: object, named: str) -> None:
    with pytest.raises(errors.InvalidForecast) as caught:
        forecast.Forecast(home_goals=home_goals, away_goals=away_goals)  # type: ignore[arg-type]
    assert caught.value.code == "invalid_forecast"
    assert caught.value.message == named


def test_forecast_rejects_non_probabilities() -> None:
    with pytest.raises(errors.InvalidForecast, match="probabilities="):
        forecast.Forecast(home_goals=1, away_goals=0, probabilities=(0.5, 0.3, 0.2))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2:1", scoring.Score(home=2, away=1), id="colon"),
        pytest.param("2-1", scoring.Score(home=2, away=1), id="dash"),
        pytest.param(" 2 : 1 ", scoring.Score(home=2, away=1), id="spaces"),
        pytest.param("0:0", scoring.Score(home=0, away=0), id="goalless"),
        pytest.param("10-12", scoring.Score(home=10, away=12), id="two-digits"),
    ],
)
def test_parse_score_accepts(text: str, expected: scoring.Score) -> None:
    assert forecast.parse_score(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("2", id="one-number"),
        pytest.param("2:1:0", id="three-numbers"),
        pytest.param("-1:2", id="negative"),
        pytest.param("2.5:1", id="decimal"),
        pytest.param("a:b", id="letters"),
        pytest.param("2 1", id="no-separator"),
        pytest.param("٢:١", id="non-ascii-digits"),
    ],
)
def test_parse_score_rejects(text: str) -> None:
    with pytest.raises(errors.InvalidForecast) as caught:
        forecast.parse_score(text)
    assert caught.value.code == "invalid_forecast"
    assert repr(text) in caught.value.message
