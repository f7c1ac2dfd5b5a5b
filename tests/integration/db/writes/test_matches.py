"""Fixture sync: facts change, the teams of a known match never do."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from footcast import errors
from footcast.db import Database
from footcast.db.tables import Competition, Match, Team
from footcast.db.writes import matches
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


def test_sync_fixtures_keeps_a_competition_s_chosen_rule(database: Database) -> None:
    own = [dataclasses.replace(f, competition="AF9999", competition_name="Cup") for f in FIXTURES]
    with database.transaction() as session:
        matches.sync_fixtures(session, "api-football", own, now=NOW)
        session.execute(
            sa.update(Competition)
            .where(Competition.code == "AF9999")
            .values(scoring_rule="standard-v1")  # an operator chose it (competitions set-rule)
        )
    renamed = [dataclasses.replace(f, competition_name="The Cup") for f in own]

    with database.transaction() as session:
        matches.sync_fixtures(session, "api-football", renamed, now=NOW + timedelta(hours=1))

    with database.transaction() as session:
        competition = session.execute(sa.select(Competition)).scalar_one()
    assert (competition.name, competition.scoring_rule) == ("The Cup", "standard-v1")


def test_sync_fixtures_files_a_known_league_under_its_canonical_competition(
    database: Database,
) -> None:
    renamed = [dataclasses.replace(f, competition_name="The Premier League") for f in FIXTURES]
    with database.transaction() as session:
        matches.sync_fixtures(session, "api-football", FIXTURES, now=NOW)
        matches.sync_fixtures(session, "api-football", renamed, now=NOW)
        competition = session.execute(sa.select(Competition)).scalar_one()
    # AF39 is the Premier League: football-data's E0; one source's wording does not rename it
    assert (competition.code, competition.name, competition.api_football_id) == (
        "E0",
        "Premier League",
        39,
    )


def test_sync_fixtures_gives_a_new_competition_the_default_rule(database: Database) -> None:
    with database.transaction() as session:
        matches.sync_fixtures(session, "api-football", FIXTURES, now=NOW)
        rule = session.execute(sa.select(Competition.scoring_rule)).scalar_one()
    assert rule == "quota-v1"
