"""Factories: a small world of competitions, matches and forecasters, built through footcast."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from footcast import demo, errors
from footcast.clock import SimulatedClock
from footcast.config import Settings, load_settings
from footcast.db import Database
from footcast.db.tables import Match
from footcast.db.writes import forecasters as forecaster_rows
from footcast.db.writes import matches as match_rows
from footcast.db.writes import snapshots
from footcast.domain import forecast, probabilistic
from footcast.domain.analysis import Injury, Lineups, Odds, Snapshot
from footcast.domain.fixture import Fixture
from footcast.pipeline import predictions


def replay_settings(**overrides: object) -> Settings:
    """Demo settings for a 6-team league (30 matches), short retry waits."""
    values: dict[str, object] = {
        **demo.DEMO_OVERRIDES,
        "sim_teams": 6,
        "sim_seed": 11,
        "retry_base_seconds": 0.02,
        "stalled_after_seconds": 3.0,
        "heartbeat_seconds": 1.0,
        "live_every": timedelta(minutes=45),
        # the tests count every job a season made; pipeline/test_history.py prunes
        "job_retention": timedelta(days=3650),
    }
    values.update(overrides)
    return load_settings({}, **values)


class NoFacts:
    """A source that knows the world's matches exist and nothing more about them: no odds, no
    lineups, no injuries (the pipeline's stages still run; a fixture sync finds nothing)."""

    name = "no-facts"

    def fixtures(self, start: datetime, end: datetime, *, now: datetime) -> list[Fixture]:
        return []

    def fixture(self, external_id: str, *, now: datetime) -> Fixture:
        raise errors.NotFound(f"no fixture {external_id!r}: this source knows none")

    def odds(self, external_id: str, *, now: datetime) -> Odds | None:
        return None

    def lineups(self, external_id: str, *, now: datetime) -> Lineups | None:
        return None

    def injuries(self, external_id: str, *, now: datetime) -> tuple[Injury, ...]:
        return ()

    def close(self) -> None:
        """Nothing to release."""


@dataclass
class World:
    """Builds facts through footcast's own db functions; times come from the simulated clock."""

    database: Database
    clock: SimulatedClock
    _teams: int = field(default=0)

    def match(
        self,
        *,
        kickoff: datetime | None = None,
        competition: str = "TST",
        rule: str = "quota-v1",
        season: str | None = None,
    ) -> int:
        kickoff = kickoff or self.clock.now() + timedelta(hours=2)
        self._teams += 2
        with self.database.transaction() as session:
            competition_id = match_rows.upsert_competition(
                session, code=competition, name=f"Test {competition}", scoring_rule=rule
            )
            home = match_rows.upsert_team(session, name=f"Team {self._teams - 1}")
            away = match_rows.upsert_team(session, name=f"Team {self._teams}")
            season_id = (
                None
                if season is None
                else match_rows.upsert_season(session, competition_id=competition_id, label=season)
            )
            return match_rows.upsert_match(
                session,
                source="test",
                external_id=f"m{self._teams}",
                competition_id=competition_id,
                home_team_id=home,
                away_team_id=away,
                kickoff_at=kickoff,
                now=self.clock.now(),
                season_id=season_id,
            )

    def forecasters(self, *names: str, kind: str = "naive") -> list[str]:
        with self.database.transaction() as session:
            for name in names:
                forecaster_rows.upsert_forecaster(
                    session,
                    name=name,
                    kind=kind,
                    active_from=self.clock.now() - timedelta(days=365),
                )
        return list(names)

    def predict(
        self,
        match_id: int,
        forecaster: str,
        score: str,
        *,
        probabilities: tuple[float, float, float] | None = None,
    ) -> predictions.Recorded:
        parsed = forecast.parse_score(score)
        probs = (
            None
            if probabilities is None
            else probabilistic.Probabilities(
                home=probabilities[0], draw=probabilities[1], away=probabilities[2]
            )
        )
        value = forecast.Forecast(
            home_goals=parsed.home, away_goals=parsed.away, probabilities=probs
        )
        with self.database.transaction() as session:
            return predictions.record_prediction(
                session, self.clock, match_id=match_id, forecaster=forecaster, prediction=value
            )

    def analyse(self, match_id: int) -> None:
        """Store a bare analysis snapshot of the match as of now (no history, odds or lineups),
        so its prediction-time stages may run."""
        with self.database.transaction() as session:
            match = session.get_one(Match, match_id)
            snapshots.save_snapshot(
                session,
                Snapshot(match_id=match_id, competition="TST", home="H", away="A",
                         kickoff=match.kickoff_at, as_of=self.clock.now()),
                now=self.clock.now(),
            )  # fmt: skip

    def finish(self, match_id: int, score: str) -> None:
        parsed = forecast.parse_score(score)
        with self.database.transaction() as session:
            match_rows.record_result(
                session, match_id, home=parsed.home, away=parsed.away, now=self.clock.now()
            )
