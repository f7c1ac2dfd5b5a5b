"""Tests of footcast.forecasters.market: Shin's margin removal and the market forecast."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from footcast import errors
from footcast.domain.analysis import Odds, Snapshot
from footcast.forecasters import market, scorelines

FAVOURITE = Odds(home=1.50, draw=4.20, away=7.00)


def test_shin_sums_to_one_and_corrects_the_favourite_longshot_bias() -> None:
    shin = market.shin(FAVOURITE)
    proportional = market.proportional(FAVOURITE)
    assert math.fsum(shin) == pytest.approx(1.0, abs=1e-12)
    assert math.fsum(proportional) == pytest.approx(1.0, abs=1e-12)
    assert shin[0] > proportional[0]  # the favourite gains
    assert shin[2] < proportional[2]  # the longshot loses
    assert shin[0] == pytest.approx(0.6471, abs=1e-3)


def test_shin_solution_satisfies_shins_model() -> None:
    # Shin: pi_i^2 / B = z * p_i + (1 - z) * p_i^2 with one insider share z for all outcomes
    p = market.shin(FAVOURITE)
    implied = [1 / FAVOURITE.home, 1 / FAVOURITE.draw, 1 / FAVOURITE.away]
    booksum = sum(implied)
    shares = [(pi * pi / booksum - q * q) / (q - q * q) for pi, q in zip(implied, p, strict=True)]
    assert 0 < shares[0] < 0.1
    assert shares == pytest.approx([shares[0]] * 3, rel=1e-8)


def test_shin_without_margin_is_proportional() -> None:
    fair = Odds(home=2.0, draw=4.0, away=4.0)
    assert market.shin(fair) == pytest.approx((0.5, 0.25, 0.25))


def test_market_without_odds_names_the_match(snapshot: Callable[..., Snapshot]) -> None:
    with pytest.raises(errors.InvalidForecast, match="no odds for match 42"):
        market.MarketForecaster().predict(snapshot(match_id=42))


def test_market_forecast_follows_the_odds(snapshot: Callable[..., Snapshot]) -> None:
    forecaster = market.MarketForecaster()
    assert forecaster.name == "market"
    away_favourite = forecaster.predict(snapshot(odds=Odds(home=6.0, draw=4.0, away=1.6)))
    assert away_favourite.home_goals < away_favourite.away_goals
    p = away_favourite.probabilities
    assert p is not None
    assert (p.home, p.draw, p.away) == pytest.approx(market.shin(Odds(home=6, draw=4, away=1.6)))
    home_favourite = forecaster.predict(snapshot(odds=FAVOURITE))
    assert home_favourite.home_goals > home_favourite.away_goals


def test_market_score_comes_from_a_matching_poisson_pair(
    snapshot: Callable[..., Snapshot],
) -> None:
    odds = Odds(home=2.1, draw=3.4, away=3.6)
    home, _, away = market.shin(odds)
    means = scorelines.poisson_means_from_probabilities(home, away)
    expected = scorelines.pick_score(scorelines.score_matrix(*means))
    made = market.MarketForecaster().predict(snapshot(odds=odds))
    assert (made.home_goals, made.away_goals) == expected
