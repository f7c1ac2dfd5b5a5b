"""Tests of footcast.forecasters.poisson: the Dixon-Coles fit, fallbacks, cache, point in time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import numpy as np
import numpy.typing as npt
import pytest

from footcast import errors
from footcast.domain.analysis import PastMatch, Snapshot
from footcast.forecasters import poisson, scorelines


def test_dixon_coles_recovers_the_synthetic_league(
    league: tuple[PastMatch, ...],
    strengths: npt.NDArray[np.float64],
    snapshot: Callable[..., Snapshot],
) -> None:
    model = poisson.DixonColesForecaster().model(snapshot(league))
    order = [model.teams[f"T{i:02d}"] for i in range(len(strengths))]
    assert np.corrcoef(model.attack[order], strengths)[0, 1] > 0.8
    assert np.corrcoef(model.defence[order], strengths)[0, 1] > 0.8
    assert 0.1 < model.home_advantage < 0.5  # true value 0.3
    assert -0.2 <= model.rho <= 0.2
    assert abs(model.attack.sum()) < 1e-2
    assert abs(model.defence.sum()) < 1e-2


def test_dixon_coles_favours_the_stronger_team_home_and_away(
    league: tuple[PastMatch, ...], snapshot: Callable[..., Snapshot]
) -> None:
    forecaster = poisson.DixonColesForecaster()
    at_home = forecaster.predict(snapshot(league, home="T19", away="T00"))
    away = forecaster.predict(snapshot(league, home="T00", away="T19"))
    assert at_home.home_goals > at_home.away_goals
    assert away.home_goals < away.away_goals
    assert at_home.probabilities is not None
    assert away.probabilities is not None
    assert at_home.probabilities.home > 0.6
    assert away.probabilities.away > 0.5
    assert at_home.probabilities.home > away.probabilities.away  # home advantage


def test_plain_poisson_has_no_rho(
    league: tuple[PastMatch, ...], snapshot: Callable[..., Snapshot]
) -> None:
    forecaster = poisson.PoissonForecaster()
    assert forecaster.name == "poisson"
    model = forecaster.model(snapshot(league))
    assert model.rho == 0.0
    assert model.home_advantage > 0


def test_time_decay_weights_recent_form(
    past: Callable[..., PastMatch], snapshot: Callable[..., Snapshot]
) -> None:
    # "Fading" won everything a year ago and loses everything lately, home and away
    history = [
        past(d, "Fading", "Other", 3, 0) if d % 2 else past(d, "Other", "Fading", 0, 3)
        for d in range(0, 20)
    ]
    history += [
        past(d, "Fading", "Other", 0, 3) if d % 2 else past(d, "Other", "Fading", 3, 0)
        for d in range(360, 380)
    ]
    snap = snapshot(history, home="Fading", away="Other")
    short = poisson.DixonColesForecaster(half_life_days=30).model(snap)
    flat = poisson.DixonColesForecaster(half_life_days=1e9).model(snap)
    fading = short.teams["Fading"]
    assert short.attack[fading] < flat.attack[fading]
    p = poisson.DixonColesForecaster(half_life_days=30).predict(snap).probabilities
    assert p is not None
    assert p.away > p.home


def _base_rate_probabilities(home: float, away: float) -> tuple[float, float, float]:
    p = scorelines.outcome_probabilities(scorelines.score_matrix(home, away))
    return p.home, p.draw, p.away


def test_short_history_falls_back_to_base_rates(
    past: Callable[..., PastMatch], snapshot: Callable[..., Snapshot]
) -> None:
    history = [past(d, "A", "B", 2, 1) for d in range(19)]  # 19 < 20 results
    made = poisson.DixonColesForecaster().predict(snapshot(history, home="A", away="B"))
    assert made.probabilities is not None
    got = (made.probabilities.home, made.probabilities.draw, made.probabilities.away)
    assert got == pytest.approx(_base_rate_probabilities(2.0, 1.0))
    expected = scorelines.pick_score(scorelines.score_matrix(2.0, 1.0))
    assert (made.home_goals, made.away_goals) == expected


def test_empty_history_uses_default_rates(snapshot: Callable[..., Snapshot]) -> None:
    made = poisson.DixonColesForecaster().predict(snapshot())
    assert made.probabilities is not None
    got = (made.probabilities.home, made.probabilities.draw, made.probabilities.away)
    assert got == pytest.approx(_base_rate_probabilities(1.5, 1.2))


def test_unseen_team_falls_back_to_league_base_rates(
    league: tuple[PastMatch, ...], snapshot: Callable[..., Snapshot]
) -> None:
    made = poisson.DixonColesForecaster().predict(snapshot(league, home="T19", away="Promoted"))
    home = sum(p.home_goals for p in league) / len(league)
    away = sum(p.away_goals for p in league) / len(league)
    assert made.probabilities is not None
    got = (made.probabilities.home, made.probabilities.draw, made.probabilities.away)
    assert got == pytest.approx(_base_rate_probabilities(home, away))


def test_fits_are_cached_per_day_and_history_size(
    league: tuple[PastMatch, ...], snapshot: Callable[..., Snapshot]
) -> None:
    forecaster = poisson.DixonColesForecaster()
    first = snapshot(league, home="T01", away="T02", match_id=1)
    same_day = snapshot(
        league, home="T03", away="T04", match_id=2, as_of=first.as_of - timedelta(hours=3)
    )
    shorter = snapshot(league[:-1], as_of=first.as_of)
    assert forecaster.model(first) is forecaster.model(same_day)
    assert forecaster.model(shorter) is not forecaster.model(first)
    assert poisson.DixonColesForecaster().model(first) is not forecaster.model(first)


def test_forecast_depends_only_on_history(
    league: tuple[PastMatch, ...], snapshot: Callable[..., Snapshot]
) -> None:
    cut = league[:300]
    as_of = cut[-1].kickoff + timedelta(days=1)
    one = poisson.DixonColesForecaster().predict(
        snapshot(cut, home="T05", away="T10", as_of=as_of, match_id=1)
    )
    other = poisson.DixonColesForecaster().predict(
        snapshot(cut, home="T05", away="T10", as_of=as_of, match_id=99)
    )
    full = poisson.DixonColesForecaster().model(snapshot(league))
    truncated = poisson.DixonColesForecaster().model(snapshot(cut, as_of=as_of))
    assert one == other
    assert not np.allclose(full.attack[:5], truncated.attack[:5])


def test_snapshot_rejects_a_result_from_after_as_of(league: tuple[PastMatch, ...]) -> None:
    as_of = league[299].kickoff
    with pytest.raises(errors.PipelineError, match="from later"):
        Snapshot(
            match_id=1,
            competition="test-league",
            home="T01",
            away="T02",
            kickoff=as_of + timedelta(hours=2),
            as_of=as_of,
            history=league[:301],
        )
