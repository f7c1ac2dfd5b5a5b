"""The team resolver: one canonical team per club, whatever a source calls it; merges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from footcast import errors
from footcast.db import Database
from footcast.db.tables import Lineup, Match, Team, TeamAlias
from footcast.db.writes import matches, teams
from footcast.domain import clubs
from footcast.domain.fixture import Fixture
from footcast.domain.names import MatchStatus

NOW = datetime(2025, 8, 1, tzinfo=UTC)


def _fixture(n: int, home: str, away: str, **extra: object) -> Fixture:
    values: dict[str, object] = {
        "external_id": str(n), "competition": "E0", "competition_name": "Premier League",
        "season": "2024-25", "round": None, "home": home, "away": away,
        "kickoff": NOW + timedelta(days=n), "status": MatchStatus.SCHEDULED,
    }  # fmt: skip
    values.update(extra)
    return Fixture(**values)  # type: ignore[arg-type]


def _aliases(database: Database) -> set[tuple[str, str, str]]:
    with database.transaction() as session:
        rows = session.execute(
            sa.select(TeamAlias.source, TeamAlias.name, Team.name).join(
                Team, Team.id == TeamAlias.team_id
            )
        )
        return {(r[0], r[1], r[2]) for r in rows}


def test_three_sources_name_one_team(database: Database) -> None:
    with database.transaction() as session:
        by_data = teams.resolve(session, "football-data", "Man United")
        by_api = teams.resolve(session, "api-football", "Manchester United", api_football=33)
        by_json = teams.resolve(session, "openfootball", "Manchester United FC")
        team = session.get_one(Team, by_data)
        assert (team.name, team.country, team.api_football_id) == (
            "Manchester United", "England", 33
        )  # fmt: skip
    assert by_data == by_api == by_json
    assert _aliases(database) == {
        ("football-data", "Man United", "Manchester United"),
        ("api-football", "Manchester United", "Manchester United"),
        ("openfootball", "Manchester United FC", "Manchester United"),
    }


def test_an_existing_team_under_a_source_name_is_found_by_the_catalogue(
    database: Database,
) -> None:
    """A database from before canonical teams: the team is called "Man United" (its alias)."""
    with database.transaction() as session:
        old = int(
            session.execute(
                sa.insert(Team).values(name="Man United").returning(Team.id)
            ).scalar_one()
        )
        session.execute(
            sa.insert(TeamAlias).values(source="football-data", name="Man United", team_id=old)
        )
        assert teams.resolve(session, "api-football", "Manchester United", api_football=33) == old
        assert session.get_one(Team, old).api_football_id == 33
        # and by id alone from now on, whatever the provider calls the club
        assert teams.resolve(session, "api-football", "Man Utd", api_football=33) == old


def test_an_unknown_name_becomes_a_new_team_with_its_alias(database: Database) -> None:
    with database.transaction() as session:
        first = teams.resolve(session, "simulated", "Ashcombe United")
        again = teams.resolve(session, "simulated", "Ashcombe United")
        elsewhere = teams.resolve(session, "api-football", "Ashcombe United", api_football=1001)
        other = teams.resolve(session, "simulated", "Brackenford City")
        count = session.execute(sa.select(sa.func.count()).select_from(Team)).scalar_one()
    assert first == again == elsewhere != other
    assert count == 2
    assert ("simulated", "Ashcombe United", "Ashcombe United") in _aliases(database)


def test_a_private_catalogue_can_be_passed_in(database: Database) -> None:
    catalogue = clubs.parse('[[club]]\nname = "Rovers"\nx = ["Rov"]\ny = ["The Rovers"]\n')
    with database.transaction() as session:
        a = teams.resolve(session, "x", "Rov", catalogue=catalogue)
        b = teams.resolve(session, "y", "The Rovers", catalogue=catalogue)
        assert session.get_one(Team, a).name == "Rovers"
    assert a == b


def test_imports_from_two_sources_store_one_team_per_club(database: Database) -> None:
    with database.transaction() as session:
        matches.sync_fixtures(
            session, "football-data", [_fixture(1, "Arsenal", "Man City")], now=NOW
        )
        matches.sync_fixtures(
            session,
            "openfootball",
            [_fixture(2, "Arsenal FC", "Manchester City FC", competition="premier-league")],
            now=NOW,
        )
        names = set(session.execute(sa.select(Team.name)).scalars())
        competitions = set(session.execute(sa.select(Match.competition_id)).scalars())
    assert names == {"Arsenal", "Manchester City"}
    assert len(competitions) == 1


def _two_teams_world(database: Database) -> tuple[int, int, int]:
    """One club as two teams, no catalogue knows it: "Ashcombe Utd" (openfootball) at home to
    Brackenford City, and "Ashcombe United" (football-data) away to it; returns (gone, kept,
    opponent)."""
    with database.transaction() as session:
        matches.sync_fixtures(
            session,
            "openfootball",
            [_fixture(1, "Ashcombe Utd", "Brackenford City", competition="premier-league")],
            now=NOW,
        )
        matches.sync_fixtures(
            session, "football-data", [_fixture(2, "Brackenford City", "Ashcombe United")], now=NOW
        )
        gone = teams.resolve(session, "openfootball", "Ashcombe Utd")
        kept = teams.resolve(session, "football-data", "Ashcombe United")
        opponent = teams.resolve(session, "football-data", "Brackenford City")
        match_id = session.execute(sa.select(Match.id).where(Match.external_id == "1")).scalar_one()
        session.execute(
            sa.insert(Lineup).values(
                match_id=match_id, team_id=gone, available=True, fetched_at=NOW
            )
        )
    return gone, kept, opponent


def test_a_catalogued_club_stored_under_a_source_name_is_found_again(database: Database) -> None:
    """A database from before canonical teams: openfootball's "Arsenal FC" is a team of its
    own; football-data's "Arsenal" is filed under it, not made a second team."""
    with database.transaction() as session:
        old = int(
            session.execute(
                sa.insert(Team).values(name="Arsenal FC").returning(Team.id)
            ).scalar_one()
        )
        session.execute(
            sa.insert(TeamAlias).values(source="openfootball", name="Arsenal FC", team_id=old)
        )
        assert teams.resolve(session, "football-data", "Arsenal") == old


def test_merge_moves_matches_lineups_and_aliases_and_deletes_the_row(database: Database) -> None:
    gone, kept, opponent = _two_teams_world(database)
    assert gone != kept
    with database.transaction() as session:
        merged = teams.merge(
            session, teams.find(session, "Ashcombe Utd"), teams.find(session, str(kept))
        )
        assert (merged.matches, merged.lineups) == ((1,), 1)
        pairs = {
            tuple(r) for r in session.execute(sa.select(Match.home_team_id, Match.away_team_id))
        }
        lineup_teams = set(session.execute(sa.select(Lineup.team_id)).scalars())
        assert session.get(Team, gone) is None
        # the next import of the openfootball file finds the kept team
        again = teams.resolve(session, "openfootball", "Ashcombe Utd")
    assert pairs == {(kept, opponent), (opponent, kept)}
    assert lineup_teams == {kept}
    assert again == kept
    assert ("openfootball", "Ashcombe Utd", "Ashcombe United") in _aliases(database)


def test_merge_refuses_two_teams_that_play_each_other(database: Database) -> None:
    _, kept, opponent = _two_teams_world(database)
    with (
        pytest.raises(errors.Conflict, match=r"Brackenford City and Ashcombe United play each"),
        database.transaction() as session,
    ):
        teams.merge(session, teams.find(session, str(opponent)), teams.find(session, str(kept)))
    with (
        pytest.raises(errors.Conflict, match="into itself"),
        database.transaction() as session,
    ):
        teams.merge(session, teams.find(session, "Ashcombe United"), teams.find(session, str(kept)))


def test_find_names_a_team_by_id_name_or_alias_and_says_what_is_missing(
    database: Database,
) -> None:
    with database.transaction() as session:
        team_id = teams.resolve(session, "football-data", "Wolves")
        assert teams.find(session, "Wolves").id == team_id
        assert teams.find(session, "Wolverhampton Wanderers").id == team_id
        assert teams.find(session, str(team_id)).aliases == (("football-data", "Wolves"),)
        with pytest.raises(errors.NotFound, match="no team is called 'Wolfs'"):
            teams.find(session, "Wolfs")


def test_an_alias_of_another_team_is_refused(database: Database) -> None:
    with database.transaction() as session:
        wolves = teams.find(session, str(teams.resolve(session, "football-data", "Wolves")))
        teams.resolve(session, "football-data", "Fulham")
        assert teams.add_alias(session, wolves, source="x", name="Wanderers") is True
        assert teams.add_alias(session, wolves, source="x", name="Wanderers") is False
        with pytest.raises(errors.Conflict, match="'Fulham' is an alias of team"):
            teams.add_alias(session, wolves, source="football-data", name="Fulham")


def test_a_known_match_still_refuses_other_teams_after_a_merge(database: Database) -> None:
    gone, kept, _ = _two_teams_world(database)
    with database.transaction() as session:
        teams.merge(session, teams.find(session, str(gone)), teams.find(session, str(kept)))
    with database.transaction() as session:  # the same file again: nothing changes teams
        matches.sync_fixtures(
            session,
            "openfootball",
            [_fixture(1, "Ashcombe Utd", "Brackenford City", competition="premier-league")],
            now=NOW,
        )
    with (
        pytest.raises(errors.Conflict, match="stored as Ashcombe United v Brackenford City"),
        database.transaction() as session,
    ):
        matches.sync_fixtures(
            session,
            "openfootball",
            [_fixture(1, "Everton FC", "Brackenford City", competition="premier-league")],
            now=NOW,
        )


def test_another_api_football_id_under_a_known_name_is_another_team(database: Database) -> None:
    with database.transaction() as session:
        arsenal = teams.resolve(session, "football-data", "Arsenal")
        assert teams.resolve(session, "api-football", "Arsenal", api_football=42) == arsenal
        other = teams.resolve(session, "api-football", "Arsenal", api_football=99_999)
        again = teams.resolve(session, "api-football", "Arsenal", api_football=99_999)
        real = teams.resolve(session, "api-football", "Arsenal", api_football=42)
        name = session.get_one(Team, other).name
    assert other == again != arsenal
    assert real == arsenal
    assert name == "Arsenal (api-football 99999)"
