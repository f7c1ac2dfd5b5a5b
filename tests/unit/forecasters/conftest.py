"""Snapshots and a synthetic league for the forecaster tests; no database."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pytest

from footcast.domain.analysis import Odds, PastMatch, Snapshot

START = datetime(2024, 8, 1, 15, 0, tzinfo=UTC)
TEAMS = 20
LOG_HOME_ADVANTAGE = 0.3
LOG_BASE = 0.1


def make_snapshot(
    history: Sequence[PastMatch] = (),
    *,
    home: str = "Home",
    away: str = "Away",
    match_id: int = 1,
    odds: Odds | None = None,
    as_of: datetime | None = None,
) -> Snapshot:
    if as_of is None:
        last = max((p.kickoff for p in history), default=START)
        as_of = last + timedelta(days=1)
    return Snapshot(
        match_id=match_id,
        competition="test-league",
        home=home,
        away=away,
        kickoff=as_of + timedelta(hours=2),
        as_of=as_of,
        history=tuple(history),
        odds=odds,
    )


def result(day: float, home: str, away: str, home_goals: int, away_goals: int) -> PastMatch:
    return PastMatch(
        kickoff=START + timedelta(days=day),
        home=home,
        away=away,
        home_goals=home_goals,
        away_goals=away_goals,
    )


@pytest.fixture
def snapshot() -> Callable[..., Snapshot]:
    """``snapshot(history, home=, away=, match_id=, odds=, as_of=)``; as_of a day after the last."""
    return make_snapshot


@pytest.fixture
def past() -> Callable[..., PastMatch]:
    """``past(day, home, away, home_goals, away_goals)``, ``day`` days after the start."""
    return result


@pytest.fixture
def strengths() -> npt.NDArray[np.float64]:
    """True log-strength of team ``T00``..``T19``: both attack and defence rise with the index."""
    return np.linspace(-0.45, 0.45, TEAMS)


@pytest.fixture
def league(strengths: npt.NDArray[np.float64]) -> tuple[PastMatch, ...]:
    """A double round robin (380 results over ~285 days) drawn from known strengths (seed 7)."""
    rng = np.random.default_rng(7)
    pairs = [(i, j) for i in range(TEAMS) for j in range(TEAMS) if i != j]
    order = rng.permutation(len(pairs))
    matches = []
    for n, index in enumerate(order):
        i, j = pairs[index]
        home_mean = math.exp(LOG_BASE + LOG_HOME_ADVANTAGE + strengths[i] - strengths[j])
        away_mean = math.exp(LOG_BASE + strengths[j] - strengths[i])
        matches.append(
            result(
                n * 0.75,
                f"T{i:02d}",
                f"T{j:02d}",
                int(rng.poisson(home_mean)),
                int(rng.poisson(away_mean)),
            )
        )
    return tuple(matches)
