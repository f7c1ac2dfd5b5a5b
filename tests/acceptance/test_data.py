"""`footcast import` as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from commandline import run
from footcast.db import Database, engine
from footcast.db.reads import leaderboard
from footcast.db.tables import Match
from season_checks import season_problems, snapshot_problems

HEADER = "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR"


def matches(database: Database) -> int:
    with database.transaction() as session:
        return int(session.execute(sa.select(sa.func.count()).select_from(Match)).scalar_one())


def test_bad_rows_are_listed_with_file_line_and_column_and_exit_1(
    env: dict[str, str], database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "E1.csv"
    path.write_text(
        f"{HEADER}\nE1,05/08/2023,15:00,Leeds,Cardiff,2,2,D\nE1,05/08/2023,15:00,Hull,Norwich,2,one,A\n"
    )
    done = run("import", str(path), env=env)
    assert done.returncode == 1, done.stderr
    assert "1 matches (1 new)" in done.stdout
    assert "E1.csv:3: column FTAG = 'one': is not a number of goals" in done.stdout
    assert matches(database) == 1

    strict = run("import", "--strict", str(path), env=env)
    assert strict.returncode == 1
    assert "Error [invalid_input]: " in strict.stderr
    assert "rejected, nothing stored" in strict.stderr


def test_a_bad_odds_cell_is_a_warning_and_the_match_is_stored(
    env: dict[str, str], database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "E1.csv"
    path.write_text(
        f"{HEADER},AvgH,AvgD,AvgA,B365C>2.5\n"
        "E1,05/08/2023,15:00,Leeds,Cardiff,2,2,D,2.1,3.4,3.6,#N/A\n"
        "E1,05/08/2023,15:00,Hull,Norwich,2,1,H,#N/A,3.4,3.6,1.9\n"
    )
    done = run("import", str(path), env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 matches (2 new), 1 odds, 1 odds sets left out" in done.stdout
    assert (
        "warning: E1.csv:3: column AvgH = '#N/A': is not decimal odds; the avg pre-match odds"
        " of this match are left out"
    ) in done.stdout
    assert matches(database) == 2

    strict = run("import", "--strict", str(path), env=env)
    assert strict.returncode == 1
    assert "rejected, nothing stored: E1.csv:3: column AvgH = '#N/A'" in strict.stderr


def test_a_football_json_file_is_imported(
    env: dict[str, str], database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "en.1.json"
    path.write_bytes(
        b'{\r\n  "name": "Premier League 2023/24",\r\n  "matches": [\r\n'
        b'    {"round": "Matchday 1", "date": "2023-08-11", "time": "20:00", "team1": "Burnley FC",'
        b' "team2": "Manchester City FC", "score": {"ht": [0, 2], "ft": [0, 3]}},\r\n'
        b'    {"round": "Matchday 1", "date": "2023-08-12", "team1": "Arsenal FC",'
        b' "team2": "Nottingham Forest FC", "score": {"ft": [2, 1]}},\r\n'
        b'    {"round": "Matchday 2", "date": "2023-08-19", "team1": "Nottingham Forest FC",'
        b' "team2": "Sheffield United FC"},\r\n'
        b'    {"round": "Matchday 2", "date": "2023-08-19", "team1": "Fulham FC"}\r\n'
        b"  ]\r\n}\r\n"
    )
    done = run("import", str(path), env=env)
    assert done.returncode == 1, done.stdout + done.stderr  # a bad entry was skipped
    assert "3 matches (3 new), 0 odds, 1 bad rows skipped" in done.stdout
    assert "en.1.json: matches[3]: team2 = '': is missing" in done.stdout
    assert matches(database) == 3


def test_a_missing_file_is_named(env: dict[str, str], tmp_path: Path) -> None:
    done = run("import", str(tmp_path / "nope.csv"), env=env)
    assert done.returncode == 1
    assert "Error [invalid_input]: " in done.stderr
    assert "nope.csv: can not be read" in done.stderr


@pytest.mark.realdata
def test_the_real_seasons_import_once(
    env: dict[str, str], database: Database, shared_dir: Path
) -> None:
    files = sorted(str(p) for p in (shared_dir / "data" / "football-data").glob("E0_*.csv"))
    first = run("import", *files, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert first.stdout.count("380 matches (380 new)") == 2
    again = run("import", *files, env=env)
    assert again.stdout.count("380 matches (0 new)") == 2
    assert matches(database) == 760


@pytest.mark.realdata
def test_replay_runs_a_real_season_through_the_pipeline(
    env: dict[str, str], scratch_database: URL, shared_dir: Path
) -> None:
    season = shared_dir / "data" / "football-data" / "E0_2019-20.csv"
    name = str(scratch_database.database)
    done = run("replay", str(season), "--until", "2019-08-26", "--database", name, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Leaderboard E0 2019-20" in done.stdout
    replayed = engine.connect(scratch_database, upgrade=False)
    try:
        assert season_problems(replayed, whole=False) == []
        assert snapshot_problems(replayed) == []
        with replayed.transaction() as session:
            rows = {r.forecaster: r for r in leaderboard.leaderboard(session, season="2019-20")}
    finally:
        replayed.dispose()
    # three rounds played by 26 August: 30 matches, each predicted by every forecaster
    assert {(r.predicted, r.settled) for r in rows.values()} == {(30, 30)}
    assert rows["market"].tendency_rate > 0.4  # it read the files' pre-match odds


def test_replay_goes_on_with_a_later_until_and_run_leaves_its_database_alone(
    env: dict[str, str], scratch_database: URL, tmp_path: Path
) -> None:
    # issue 15, item 6: a stopped replay could not go on, and `run` synced the simulated league
    # into its database
    season = tmp_path / "E0.csv"
    season.write_text(
        f"{HEADER}\nE0,09/08/2019,20:00,Liverpool,Norwich,4,1,H\n"
        "E0,10/08/2019,12:30,West Ham,Man City,0,5,A\n"
        "E0,17/08/2019,15:00,Norwich,Newcastle,3,1,H\n"
    )
    name = str(scratch_database.database)

    first = run("replay", str(season), "--until", "2019-08-11", "--database", name, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "went on from" not in first.stdout
    assert "matches: 2 finished, 1 scheduled" in first.stdout
    again = run("replay", str(season), "--database", name, env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "went on from 2019-08-1" in again.stdout
    assert "matches: 3 finished" in again.stdout

    mine = {"FOOTCAST_DATABASE_URL": scratch_database.render_as_string(hide_password=False)}
    refused = run("run", "--no-web", env=mine)
    assert refused.returncode == 1
    assert "Error [conflict]: this database holds a replay of football-data" in refused.stderr
    replayed = engine.connect(scratch_database, upgrade=False)
    try:
        assert matches(replayed) == 3  # nothing synced into it
    finally:
        replayed.dispose()
