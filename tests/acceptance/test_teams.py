"""One team is one team, whatever the source: history imported from football-data.co.uk reaches
API-Football's fixtures, and `footcast teams` lists, aliases and merges."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from commandline import run
from footcast.clock import SimulatedClock
from footcast.config import load_settings
from footcast.db import Database
from footcast.db.tables import AuditEntry, Competition, Match, Team
from footcast.db.writes import matches, snapshots
from footcast.domain import clubs
from footcast.fakes import api_football_items as items
from footcast.fakes.api_football import FakeApiFootball
from footcast.ops import data
from footcast.pipeline import analysis, fixtures, worker
from footcast.pipeline.context import Context
from footcast.sources.api_football.source import ApiFootballSource

HEADER = "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR"
# football-data.co.uk's names of six clubs, and API-Football's (id, name) of the same clubs
DATA_NAMES = ("Man United", "Man City", "Wolves", "Nott'm Forest", "Newcastle", "Brighton")
API_TEAMS = (
    (33, "Manchester United"), (50, "Manchester City"), (39, "Wolves"),
    (65, "Nottingham Forest"), (34, "Newcastle"), (51, "Brighton"),
)  # fmt: skip
NOW = datetime(2025, 8, 15, 12, tzinfo=UTC)  # the day before the new season


def _last_season(tmp_path: Path) -> Path:
    """E0 2024-25 as football-data.co.uk writes it: every pairing of the six clubs once."""
    lines = [HEADER]
    day = datetime(2025, 3, 1)
    pairs = [(h, a) for i, h in enumerate(DATA_NAMES) for a in DATA_NAMES[i + 1 :]]
    for n, (home, away) in enumerate(pairs):
        goals = (n % 3, (n + 1) % 2)
        result = "H" if goals[0] > goals[1] else "A" if goals[0] < goals[1] else "D"
        date = day + timedelta(days=3 * n)
        lines.append(f"E0,{date:%d/%m/%Y},15:00,{home},{away},{goals[0]},{goals[1]},{result}")
    path = tmp_path / "E0_2024-25.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def api() -> Iterator[FakeApiFootball]:
    start = datetime(2025, 8, 16, 15, tzinfo=UTC)
    season = [
        items.fixture_item(
            390_001 + i, kickoff=start + timedelta(days=i), home=home, away=away, season=2025
        )
        for i, (home, away) in enumerate(zip(API_TEAMS[::2], API_TEAMS[1::2], strict=True))
    ]
    with FakeApiFootball(fixtures=season) as server:
        yield server


@pytest.fixture
def ctx(database: Database, api: FakeApiFootball) -> Iterator[Context]:
    settings = load_settings(
        {},
        source="api-football", api_football_key=api.key, api_football_url=api.url,
        api_football_leagues=[39], api_football_season=2025,
    )  # fmt: skip
    context = worker.build_context(database, settings, clock=SimulatedClock(NOW))
    yield context
    assert isinstance(context.source, ApiFootballSource)
    context.source.close()


def test_imported_history_reaches_the_first_live_snapshot(
    env: dict[str, str], ctx: Context, tmp_path: Path
) -> None:
    imported = run("import", str(_last_season(tmp_path)), env=env)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert "15 matches (15 new)" in imported.stdout

    assert fixtures.sync(ctx) == 3
    with ctx.database.transaction() as session:
        first = (
            session.execute(
                sa.select(Match).where(Match.source == "api-football").order_by(Match.kickoff_at)
            )
            .scalars()
            .first()
        )
        assert first is not None
        team_count = session.execute(sa.select(sa.func.count()).select_from(Team)).scalar_one()
        codes = list(session.execute(sa.select(Competition.code)).scalars())
    assert team_count == 6  # not twelve: the API's names are the same clubs
    assert codes == ["E0"]  # AF39 is football-data's E0

    analysis.build(ctx, first.id)
    with ctx.database.transaction() as session:
        match = matches.get_match(session, first.id)
        stored = snapshots.latest_valid(session, match, lead=timedelta(days=2))
        assert stored is not None
        snapshot = analysis.assemble(ctx, session, match, as_of=NOW)
    history = stored.snapshot.history
    assert (stored.snapshot.home, stored.snapshot.away) == ("Manchester United", "Manchester City")
    assert len(history) == 15
    assert {p.season for p in history} == {"2024-25"}
    assert {p.home for p in history} | {p.away for p in history} == {
        "Manchester United", "Manchester City", "Wolverhampton Wanderers", "Nottingham Forest",
        "Newcastle United", "Brighton & Hove Albion",
    }  # fmt: skip
    assert snapshot.history == history


def test_teams_commands_list_alias_and_merge_with_an_audit_entry(
    env: dict[str, str], database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "E1.csv"  # a club the files renamed between two rows
    path.write_text(
        f"{HEADER}\nE1,05/08/2023,15:00,Ashcombe Utd,Leeds,2,2,D\n"
        "E1,12/08/2023,15:00,Leeds,Ashcombe United,0,1,A\n"
    )
    assert run("import", str(path), env=env).returncode == 0

    listed = run("teams", "list", "--search", "ashcombe", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "Ashcombe Utd" in listed.stdout
    assert "Ashcombe United" in listed.stdout
    assert "Leeds" not in listed.stdout

    merged = run("teams", "merge", "Ashcombe Utd", "Ashcombe United", env=env)
    assert merged.returncode == 0, merged.stderr
    assert "merged Ashcombe Utd" in merged.stdout
    assert "1 match(es)" in merged.stdout

    aliased = run(
        "teams", "alias", "Ashcombe Utd", "Ashcombe U.", "--source", "openfootball", env=env
    )
    assert aliased.returncode == 0, aliased.stderr
    assert "'Ashcombe U.' is now an alias of Ashcombe United" in aliased.stdout

    listed = run("teams", "list", env=env, columns=250)
    row = next(line for line in listed.stdout.splitlines() if "Ashcombe United" in line)
    assert "football-data: Ashcombe Utd" in row
    assert "openfootball: Ashcombe U." in row
    assert (
        "Leeds United" in listed.stdout
    )  # the catalogue's canonical name of football-data's Leeds

    missing = run("teams", "merge", "Nowhere Town", "Leeds", env=env)
    assert missing.returncode == 1
    assert "Error [not_found]: no team is called 'Nowhere Town'" in missing.stderr
    same = run("teams", "merge", "Leeds", "Ashcombe United", env=env)
    assert same.returncode == 1
    assert "Error [conflict]: Leeds United and Ashcombe United play each other" in same.stderr

    with database.transaction() as session:
        actions = list(
            session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
        )
        teams_left = session.execute(sa.select(sa.func.count()).select_from(Team)).scalar_one()
    assert actions == ["import", "team.merge", "team.alias"]
    assert teams_left == 2


@pytest.mark.realdata
def test_a_real_season_is_the_history_of_the_next_one_at_api_football(
    database: Database, shared_dir: Path
) -> None:
    """The real 2020-21 Premier League from football-data.co.uk, then API-Football's 2021 season
    of the same twenty clubs under API-Football's names and ids (from the catalogue)."""
    now = datetime(2021, 8, 13, 12, tzinfo=UTC)
    season = shared_dir / "data" / "football-data" / "E0_2020-21.csv"
    report = data.import_file(database, season, strict=False, now=now, actor="test")
    assert report.stored == 380
    catalogue = clubs.catalogue()
    with database.transaction() as session:
        names = sorted(session.execute(sa.select(Team.name)).scalars())
    api_teams = []
    for name in names:
        club = catalogue.club(clubs.FOOTBALL_DATA, name)
        assert club is not None
        assert club.api_football is not None
        api_name = dict(club.aliases)[clubs.API_FOOTBALL]
        api_teams.append((club.api_football, api_name))
    start = datetime(2021, 8, 14, 14, tzinfo=UTC)
    fixtures_2021 = [
        items.fixture_item(
            710_000 + i, kickoff=start + timedelta(hours=i), home=home, away=away, season=2021
        )
        for i, (home, away) in enumerate(zip(api_teams[::2], api_teams[1::2], strict=True))
    ]
    with FakeApiFootball(fixtures=fixtures_2021) as api:
        settings = load_settings(
            {},
            source="api-football", api_football_key=api.key, api_football_url=api.url,
            api_football_leagues=[39], api_football_season=2021,
        )  # fmt: skip
        ctx = worker.build_context(database, settings, clock=SimulatedClock(now))
        try:
            assert fixtures.sync(ctx) == 10
            with database.transaction() as session:
                first = (
                    session.execute(
                        sa.select(Match.id).where(Match.source == "api-football").order_by(Match.id)
                    )
                    .scalars()
                    .first()
                )
                assert first is not None
                snapshot = analysis.assemble(
                    ctx, session, matches.get_match(session, first), as_of=now
                )
                teams_now = session.execute(sa.select(sa.func.count()).select_from(Team))
                assert teams_now.scalar_one() == 20
        finally:
            assert isinstance(ctx.source, ApiFootballSource)
            ctx.source.close()
    assert len(snapshot.history) == 380
    assert {p.season for p in snapshot.history} == {"2020-21"}
