"""Under FOOTCAST_CLOCK=simulated every command reads the replay's shared time, not the wall's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from commandline import run, seed_match
from footcast.db import connect
from footcast.db.coordination import shared_clock

REPLAY = datetime(2025, 8, 15, 12, 0, tzinfo=UTC)  # the replay's time, long before the wall's


@pytest.fixture
def simulated(env: dict[str, str]) -> dict[str, str]:
    return {**env, "FOOTCAST_CLOCK": "simulated"}


def _set_time(database_url: URL, now: datetime) -> None:
    database = connect(database_url)
    shared_clock.set_simulated_time(database, now)
    database.dispose()


def _rows(database_url: URL, query: str) -> list[tuple[Any, ...]]:
    database = connect(database_url)
    with database.engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(sa.text(query))]
    database.dispose()
    return rows


def _ok(*args: str, env: dict[str, str]) -> str:
    result = run(*args, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_forecasters_add_and_predict_read_the_replay_s_time(
    simulated: dict[str, str], database_url: URL
) -> None:
    _set_time(database_url, REPLAY)
    match_id = seed_match(database_url, REPLAY + timedelta(hours=3))

    _ok("forecasters", "add", "alice", env=simulated)
    predicted = _ok("predict", str(match_id), "alice", "1:0", env=simulated)

    assert _rows(database_url, "SELECT active_from FROM forecasters") == [(REPLAY,)]
    assert "(retroactive)" not in predicted  # three hours before kickoff, by the replay's time
    assert _rows(database_url, "SELECT created_at, retroactive FROM predictions") == [
        (REPLAY, False)
    ]


def test_result_and_settle_write_the_replay_s_time(
    simulated: dict[str, str], database_url: URL
) -> None:
    _set_time(database_url, REPLAY)
    match_id = seed_match(database_url, REPLAY + timedelta(hours=3))
    _ok("forecasters", "add", "alice", env=simulated)
    _ok("predict", str(match_id), "alice", "1:0", env=simulated)
    finished, corrected = REPLAY + timedelta(hours=6), REPLAY + timedelta(hours=8)

    _set_time(database_url, finished)
    _ok("result", str(match_id), "1:0", env=simulated)
    _ok("settle", "--pending", env=simulated)
    _set_time(database_url, corrected)
    _ok("result", str(match_id), "1:1", env=simulated)  # a correction: a second revision
    _ok("settle", "--match", str(match_id), env=simulated)
    _ok("failures", "clear", "--all", env=simulated)

    assert _rows(
        database_url, "SELECT revision, settled_at, superseded_at FROM settlements ORDER BY 1"
    ) == [(1, finished, corrected), (2, corrected, None)]
    assert _rows(database_url, "SELECT settled_at, updated_at FROM matches") == [
        (corrected, corrected)
    ]
    audited = _rows(database_url, "SELECT action, at FROM audit_log ORDER BY id")
    assert audited == [
        ("forecaster.add", REPLAY), ("match.result", finished), ("settle", finished),
        ("match.result", corrected), ("settle", corrected), ("failures.clear", corrected),
    ]  # fmt: skip


def test_commands_that_need_no_database_open_none(simulated: dict[str, str]) -> None:
    nowhere = {**simulated, "FOOTCAST_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"}

    assert "competitions" in _ok("--help", env=nowhere)
    assert "set-rule" in _ok("competitions", "--help", env=nowhere)
