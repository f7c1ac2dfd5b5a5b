"""The first demo: a small league played on a simulated clock, predicted, settled and ranked.

Six teams with hidden strengths play a double round robin (30 matches). Four naive forecasters
predict before each kickoff; one more joins late and backfills retroactively; one final score is
corrected after settlement. Everything goes through footcast's real services and database.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from footcast.clock import SimulatedClock
from footcast.db import Database
from footcast.db import forecasters as forecaster_rows
from footcast.db import matches as match_rows
from footcast.domain import forecast, probabilistic, scoring
from footcast.pipeline import predictions, settlement

__all__ = ["DemoReport", "play"]

TEAMS = ("Ashford", "Bramley", "Carrow", "Dunmore", "Elmstead", "Fenwick")
START = datetime(2025, 8, 16, 15, 0, tzinfo=UTC)
COMPETITION = "DEMO"


@dataclass
class DemoReport:
    matches: int = 0
    predictions: int = 0
    retroactive: int = 0
    settlements: Counter[str] = field(default_factory=Counter)
    corrected: str = ""


@dataclass(frozen=True, kw_only=True)
class _Fixture:
    match_id: int
    home: str
    away: str
    kickoff: datetime


class _History:
    """What the naive forecasters may know: results of matches already played."""

    def __init__(self) -> None:
        self.results: list[tuple[str, str, scoring.Score]] = []

    def points_per_game(self, team: str) -> float:
        played = [(h, a, s) for h, a, s in self.results if team in (h, a)]
        if not played:
            return 1.3
        won = {scoring.Tendency.HOME: "home", scoring.Tendency.AWAY: "away"}
        points = 0
        for home, _, score in played:
            side = "home" if home == team else "away"
            result = won.get(score.tendency)
            points += 1 if result is None else (3 if result == side else 0)
        return points / len(played)


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _schedule() -> list[tuple[int, str, str]]:
    """Circle-method double round robin: (round, home, away)."""
    teams = list(TEAMS)
    rounds: list[tuple[int, str, str]] = []
    for r in range(len(teams) - 1):
        for i in range(len(teams) // 2):
            a, b = teams[i], teams[-1 - i]
            rounds.append((r, a, b) if r % 2 == 0 else (r, b, a))
        teams.insert(1, teams.pop())
    second = [(r + len(TEAMS) - 1, away, home) for r, home, away in rounds]
    return rounds + second


Pick = Callable[[_History, str, str], forecast.Forecast]


def _always(home: int, away: int) -> Pick:
    return lambda _history, _home, _away: forecast.Forecast(home_goals=home, away_goals=away)


def _base_rates(history: _History, _home: str, _away: str) -> forecast.Forecast:
    counts = Counter(score.tendency for _, _, score in history.results)
    total = sum(counts.values()) + 3
    probs = probabilistic.Probabilities(
        home=(counts[scoring.Tendency.HOME] + 1) / total,
        draw=(counts[scoring.Tendency.DRAW] + 1) / total,
        away=1 - (counts[scoring.Tendency.HOME] + counts[scoring.Tendency.DRAW] + 2) / total,
    )
    common = Counter(score for _, _, score in history.results).most_common(1)
    score = common[0][0] if common else scoring.Score(home=1, away=1)
    return forecast.Forecast(home_goals=score.home, away_goals=score.away, probabilities=probs)


def _form(history: _History, home: str, away: str) -> forecast.Forecast:
    edge = history.points_per_game(home) - history.points_per_game(away) + 0.3
    p_home = 1 / (1 + math.exp(-1.6 * edge)) * 0.75
    p_away = (1 - 1 / (1 + math.exp(-1.6 * edge))) * 0.75
    probs = probabilistic.Probabilities(home=p_home, draw=1 - p_home - p_away, away=p_away)
    if abs(edge) < 0.25:
        return forecast.Forecast(home_goals=1, away_goals=1, probabilities=probs)
    big = abs(edge) > 1.0
    if edge > 0:
        return forecast.Forecast(home_goals=3 if big else 2, away_goals=1, probabilities=probs)
    return forecast.Forecast(home_goals=1, away_goals=3 if big else 2, probabilities=probs)


FORECASTERS: dict[str, Pick] = {
    "always-1-0-home": _always(1, 0),
    "always-1-1": _always(1, 1),
    "base-rates": _base_rates,
    "form-table": _form,
}
LATE_JOINER = "form-late-joiner"


def play(
    database: Database, *, seed: int = 7, on_round: Callable[[int, int], None] | None = None
) -> DemoReport:
    """Play the season on ``database`` (an empty one) and return what happened."""
    rng = random.Random(seed)
    strength = {team: rng.uniform(0.7, 1.6) for team in TEAMS}
    clock = SimulatedClock(START - timedelta(days=7))
    report, history = DemoReport(), _History()
    fixtures = _create_fixtures(database, clock)
    report.matches = len(fixtures)
    late_joins = START + timedelta(weeks=6)
    with database.transaction() as session:
        for name in FORECASTERS:
            forecaster_rows.upsert_forecaster(
                session, name=name, kind="naive", active_from=clock.now(), reference=True
            )
        forecaster_rows.upsert_forecaster(
            session, name=LATE_JOINER, kind="naive", active_from=late_joins
        )
    rounds = sorted({f.kickoff for f in fixtures})
    for number, kickoff in enumerate(rounds, start=1):
        playing = [f for f in fixtures if f.kickoff == kickoff]
        clock.set(kickoff - timedelta(hours=1))
        predictors = dict(FORECASTERS)
        if kickoff >= late_joins:
            predictors[LATE_JOINER] = _form
        for fixture in playing:
            for name, pick in predictors.items():
                _predict(database, clock, fixture, name, pick(history, fixture.home, fixture.away))
                report.predictions += 1
        clock.set(kickoff + timedelta(hours=2))
        for fixture in playing:
            goals = (
                _poisson(rng, 1.45 * strength[fixture.home] / strength[fixture.away] ** 0.5),
                _poisson(rng, 1.1 * strength[fixture.away] / strength[fixture.home] ** 0.5),
            )
            _finish(database, clock, fixture.match_id, goals)
            history.results.append(
                (fixture.home, fixture.away, scoring.Score(home=goals[0], away=goals[1]))
            )
        if number == 4:  # the provider corrects a score of the first round after settlement
            report.corrected = _correct(database, clock, fixtures[0], history)
        _settle(database, clock, report)
        if on_round is not None:
            on_round(number, len(rounds))
    # the late joiner backfills the rounds it missed: stored as retroactive, scored, not ranked live
    for fixture in fixtures:
        if fixture.kickoff < late_joins:
            _predict(
                database, clock, fixture, LATE_JOINER, _form(_History(), fixture.home, fixture.away)
            )
            report.retroactive += 1
    _settle(database, clock, report)
    return report


def _create_fixtures(database: Database, clock: SimulatedClock) -> list[_Fixture]:
    fixtures = []
    with database.transaction() as session:
        competition = match_rows.upsert_competition(
            session, code=COMPETITION, name="footcast Demo League"
        )
        season = match_rows.upsert_season(session, competition_id=competition, label="2025-26")
        team_ids = {team: match_rows.upsert_team(session, name=team) for team in TEAMS}
        for index, (round_, home, away) in enumerate(_schedule()):
            kickoff = START + timedelta(weeks=round_)
            match_id = match_rows.upsert_match(
                session,
                source="demo",
                external_id=f"demo-{index}",
                competition_id=competition,
                season_id=season,
                home_team_id=team_ids[home],
                away_team_id=team_ids[away],
                kickoff_at=kickoff,
                round=f"Round {round_ + 1}",
                now=clock.now(),
            )
            fixtures.append(_Fixture(match_id=match_id, home=home, away=away, kickoff=kickoff))
    return fixtures


def _predict(
    database: Database,
    clock: SimulatedClock,
    fixture: _Fixture,
    name: str,
    value: forecast.Forecast,
) -> None:
    with database.transaction() as session:
        predictions.record_prediction(
            session, clock, match_id=fixture.match_id, forecaster=name, prediction=value
        )


def _finish(
    database: Database, clock: SimulatedClock, match_id: int, goals: tuple[int, int]
) -> None:
    with database.transaction() as session:
        match_rows.record_result(session, match_id, home=goals[0], away=goals[1], now=clock.now())


def _correct(
    database: Database, clock: SimulatedClock, fixture: _Fixture, history: _History
) -> str:
    home, away, old = history.results[0]
    new = scoring.Score(home=old.home + 1, away=old.away)
    _finish(database, clock, fixture.match_id, (new.home, new.away))
    history.results[0] = (home, away, new)
    return f"{home} v {away}: {old} → {new}"


def _settle(database: Database, clock: SimulatedClock, report: DemoReport) -> None:
    for result in settlement.settle_pending(database, clock, actor="demo"):
        report.settlements[result.outcome.value] += 1
