"""Replaying played seasons as an operator action: a fresh database holds the season, its
leaderboard and the audit entry of who replayed it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from footcast import errors
from footcast.config import Settings, load_settings
from footcast.db import engine
from footcast.db.reads import leaderboard as board
from footcast.db.tables import Abstention, AuditEntry, Failure, Forecaster
from footcast.db.writes import matches as match_rows
from footcast.ops import seasons
from season_checks import season_problems, snapshot_problems

NOW = datetime(2025, 8, 15, 12, 0, tzinfo=UTC)
SEASON = [
    "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,AvgH,AvgD,AvgA",
    "E0,09/08/2019,20:00,Liverpool,Norwich,4,1,H,1.14,9.06,21.39",
    "E0,10/08/2019,12:30,West Ham,Man City,0,5,A,12.0,6.6,1.25",
    "E0,10/08/2019,15:00,Bournemouth,Sheffield Utd,1,1,D,1.9,3.6,4.0",
]


def test_replay_files_fills_a_fresh_database_and_audits_it_there(
    server_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    path = tmp_path / "E0.csv"
    path.write_text("\n".join(SEASON) + "\n")
    settings = load_settings(
        {}, database_url=server_url.render_as_string(hide_password=False), retry_base_seconds=0.02
    )
    name = str(scratch_database.database)

    done = seasons.replay_files(
        settings, [path], database=name, actor="cli:ann", now=NOW, workers=1
    )

    assert done.url.database == name
    assert done.status == {"finished": 3}
    [table] = done.boards
    assert (table.competition, table.season) == ("E0", "2019-20")
    assert table.rows
    assert all(row.settled == 3 for row in table.rows)
    replayed = engine.connect(scratch_database, upgrade=False)
    try:
        with replayed.transaction() as session:
            entries = session.execute(
                sa.select(AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.target,
                          AuditEntry.details)
            ).all()  # fmt: skip
    finally:
        replayed.dispose()
    [(at, actor, action, target, details)] = entries
    assert (at, actor, action, target) == (NOW, "cli:ann", "replay", f"database:{name}")
    assert details["source"] == "football-data"
    assert details["steps"] == done.steps


def _settings(server_url: URL) -> Settings:
    return load_settings(
        {}, database_url=server_url.render_as_string(hide_password=False), retry_base_seconds=0.02
    )


def test_replay_files_leaves_out_a_bad_odds_set_and_replays_its_match(
    server_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    path = tmp_path / "E0.csv"
    path.write_text("\n".join([*SEASON[:2], SEASON[2].replace(",12.0,", ",#N/A,"), SEASON[3]]))
    done = seasons.replay_files(
        _settings(server_url), [path], database=str(scratch_database.database),
        actor="cli:ann", now=NOW, workers=1,
    )  # fmt: skip
    assert done.status == {"finished": 3}
    [table] = done.boards
    rows = {row.forecaster: row for row in table.rows}
    assert all(row.settled == 3 for name, row in rows.items() if name != "market")
    # the match's only odds set was dropped: the market abstains from it, and from it alone
    assert (rows["market"].predicted, rows["market"].settled) == (2, 2)
    [dropped] = done.dropped
    assert (dropped.path, dropped.line, dropped.column) == (path, 3, "AvgH")


def test_replay_files_strict_refuses_a_bad_odds_cell_before_replaying(
    server_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    path = tmp_path / "E0.csv"
    path.write_text("\n".join([*SEASON[:2], SEASON[2].replace(",12.0,", ",#N/A,"), SEASON[3]]))
    with pytest.raises(errors.InvalidInput, match=r"E0.csv:3: column AvgH = '#N/A'"):
        seasons.replay_files(
            _settings(server_url), [path], database=str(scratch_database.database),
            actor="cli:ann", now=NOW, workers=1, strict=True,
        )  # fmt: skip


def test_replay_files_reads_a_football_json_season(
    server_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    path = tmp_path / "season"
    path.write_text(
        '{"name": "Premier League 2019/20", "matches": [\r\n'
        ' {"round": "Matchday 1", "date": "2019-08-09", "time": "20:00", "team1": "Liverpool FC",'
        ' "team2": "Norwich City FC", "score": {"ht": [4, 0], "ft": [4, 1]}},\r\n'
        ' {"round": "Matchday 1", "date": "2019-08-10", "time": "12:30",'
        ' "team1": "West Ham United FC", "team2": "Manchester City FC", "score": {"ft": [0, 5]}},'
        '\r\n {"round": "Matchday 1", "date": "2019-08-10", "team1": "AFC Bournemouth",'
        ' "team2": "Sheffield United FC", "score": {"ht": [0, 0], "ft": [1, 1]}}]}\r\n'
    )
    done = seasons.replay_files(
        _settings(server_url), [path], database=str(scratch_database.database),
        actor="cli:ann", now=NOW, workers=1,
    )  # fmt: skip
    assert done.status == {"finished": 3}
    [table] = done.boards
    assert (table.competition, table.season) == ("premier-league", "2019-20")
    rows = {row.forecaster: row for row in table.rows}
    assert all(row.settled == 3 for name, row in rows.items() if name != "market")
    # the file has no odds: the market abstains from every match, and nothing failed (issue 15,
    # item 3: it had 3 terminal invalid_forecast failures, 0 points and 0/3 coverage)
    assert (rows["market"].predicted, rows["market"].settled) == (0, 0)
    replayed = engine.connect(scratch_database, upgrade=False)
    try:
        with replayed.transaction() as session:
            reasons = session.execute(
                sa.select(Abstention.missing).join(Forecaster).where(Forecaster.name == "market")
            ).scalars().all()  # fmt: skip
            failures = session.execute(sa.select(sa.func.count()).select_from(Failure)).scalar()
    finally:
        replayed.dispose()
    assert reasons == [["odds"]] * 3
    assert failures == 0


def _points(url: URL) -> dict[str, int]:
    replayed = engine.connect(url, upgrade=False)
    try:
        with replayed.transaction() as session:
            return {row.forecaster: row.points for row in board.leaderboard(session)}
    finally:
        replayed.dispose()


def test_a_replay_stopped_with_until_goes_on_where_it_stopped(
    server_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    # issue 15, item 6: nothing could continue a stopped replay
    path = tmp_path / "E0.csv"
    path.write_text("\n".join(SEASON) + "\n")
    name = str(scratch_database.database)
    settings = _settings(server_url)

    first = seasons.replay_files(settings, [path], database=name, actor="cli:ann", now=NOW,
                                 workers=1, until=datetime(2019, 8, 10, tzinfo=UTC))  # fmt: skip
    assert first.continued_from is None
    assert first.status == {"finished": 1, "scheduled": 2}
    assert first.reached is not None
    assert first.reached <= datetime(2019, 8, 10, tzinfo=UTC)
    second = seasons.replay_files(settings, [path], database=name, actor="cli:ann", now=NOW,
                                  workers=1)  # fmt: skip
    assert second.continued_from == first.reached
    assert second.status == {"finished": 3}
    went_on = _points(scratch_database)

    whole = seasons.replay_files(settings, [path], database=name, actor="cli:ann", now=NOW,
                                 workers=1, fresh=True)  # fmt: skip
    assert whole.continued_from is None
    assert _points(scratch_database) == went_on  # the same table as one replay in one go
    replayed = engine.connect(scratch_database, upgrade=False)
    try:
        assert season_problems(replayed) == []
        assert snapshot_problems(replayed) == []
    finally:
        replayed.dispose()


def test_a_replay_does_not_go_on_with_other_files(
    server_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    path, other = tmp_path / "E0.csv", tmp_path / "other.csv"
    path.write_text("\n".join(SEASON) + "\n")
    other.write_text("\n".join(SEASON[:3]) + "\n")
    name = str(scratch_database.database)
    settings = _settings(server_url)
    seasons.replay_files(settings, [path], database=name, actor="cli:ann", now=NOW, workers=1,
                         until=datetime(2019, 8, 10, tzinfo=UTC))  # fmt: skip

    with pytest.raises(errors.Conflict, match=r"holds a replay of other files .*--fresh"):
        seasons.replay_files(settings, [other], database=name, actor="cli:ann", now=NOW,
                             workers=1)  # fmt: skip

    assert _points(scratch_database)  # what it held is still there
    done = seasons.replay_files(settings, [other], database=name, actor="cli:ann", now=NOW,
                                workers=1, fresh=True)  # fmt: skip
    assert done.status == {"finished": 2}


def test_a_replay_does_not_go_into_a_database_of_other_matches(
    server_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    path = tmp_path / "E0.csv"
    path.write_text("\n".join(SEASON) + "\n")
    target = engine.connect(engine.ensure_database(server_url, str(scratch_database.database)))
    try:
        with target.transaction() as session:
            competition = match_rows.upsert_competition(session, code="X", name="X")
            home, away = (match_rows.upsert_team(session, name=n) for n in ("A", "B"))
            match_rows.upsert_match(
                session, source="test", external_id="1", competition_id=competition,
                home_team_id=home, away_team_id=away, kickoff_at=NOW, now=NOW,
            )  # fmt: skip
    finally:
        target.dispose()

    with pytest.raises(errors.Conflict, match=r"holds 1 matches but no replay"):
        seasons.replay_files(_settings(server_url), [path], actor="cli:ann", now=NOW,
                             database=str(scratch_database.database), workers=1)  # fmt: skip
