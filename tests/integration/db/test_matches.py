"""Fixture sync: facts change, the teams of a known match never do."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from footcast import errors
from footcast.db import Database, matches
from footcast.db.models import Match, Team
from footcast.domain.fixture import Fixture
from footcast.domain.names import MatchStatus

NOW = datetime(2025, 8, 1, tzinfo=UTC)
FIXTURES = [
    Fixture(
        external_id=str(n),
        competition="AF39",
        competition_name="Premier League",
        season="2025",
        round="Regular Season - 1",
        home=home,
        away=away,
        kickoff=NOW + timedelta(days=n),
        status=MatchStatus.SCHEDULED,
    )
    for n, (home, away) in enumerate([("Arsenal", "Chelsea"), ("Everton", "Fulham")], start=1)
]


def test_an_update_naming_other_teams_is_refused_and_applies_nothing(database: Database) -> None:
    with database.transaction() as session:
        matches.sync_fixtures(session, "api-football", FIXTURES, now=NOW)
    moved = dataclasses.replace(FIXTURES[0], kickoff=NOW + timedelta(days=9))
    renamed = dataclasses.replace(FIXTURES[1], home="Everton Reserves")
    with (
        pytest.raises(errors.Conflict, match=r"api-football:2 is stored as Everton v Fulham.*"
                      r"names Everton Reserves v Fulham"),
        database.transaction() as session,
    ):  # fmt: skip
        matches.sync_fixtures(session, "api-football", [moved, renamed], now=NOW)
    with database.transaction() as session:
        kickoffs = dict(session.execute(sa.select(Match.external_id, Match.kickoff_at)).all())
        teams = set(session.execute(sa.select(Team.name)).scalars())
    assert kickoffs["1"] == FIXTURES[0].kickoff  # the good update of the batch waits too
    assert "Everton Reserves" not in teams
