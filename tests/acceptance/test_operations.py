"""The operator's commands on a real database: failures, gaps, backfill, run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import URL

from commandline import run
from footcast import errors
from footcast.db import connect
from footcast.db.writes import forecasters, ledger


def _failed_settlements(database_url: URL) -> list[int]:
    """Two finished matches whose settlement failed for good, as the ledger records it."""
    database = connect(database_url)
    now = datetime(2025, 9, 1, tzinfo=UTC)
    with database.transaction() as session:
        session.execute(sa.text("INSERT INTO competitions (code, name) VALUES ('T', 'Test')"))
        session.execute(sa.text("INSERT INTO teams (name) VALUES ('A'), ('B')"))
        ids = list(
            session.execute(
                sa.text(
                    "INSERT INTO matches (competition_id, home_team_id, away_team_id, source,"
                    " external_id, kickoff_at, prediction_deadline, status, home_goals, away_goals)"
                    " SELECT 1, 1, 2, 'simulated', 'x' || n, :k, :k, 'finished', 1, 0"
                    " FROM generate_series(1, 2) n RETURNING id"
                ),
                {"k": now - timedelta(days=1)},
            ).scalars()
        )
        for match_id in ids:
            ledger.record(
                session, stage="settlement", key=f"settle:{match_id}", match_id=match_id,
                error=errors.NotSettleable(f"match {match_id}: no final score"), now=now,
                terminal=True,
            )  # fmt: skip
    database.dispose()
    return ids


def _scalar(database_url: URL, sql: str) -> object:
    database = connect(database_url)
    with database.engine.connect() as connection:
        value = connection.execute(sa.text(sql)).scalar()
    database.dispose()
    return value


def test_failures_are_listed_investigated_retried_once_and_cleared(
    env: dict[str, str], database_url: URL
) -> None:
    ids = _failed_settlements(database_url)

    listed = run("failures", "list", "--stage", "settlement", env=env)
    assert listed.returncode == 0, listed.stderr
    assert f"settle:{ids[0]}" in listed.stdout
    assert "2 failure(s)" in listed.stdout

    investigated = run("failures", "investigate", env=env)
    assert investigated.returncode == 0, investigated.stderr
    assert "NotSettleable" in investigated.stdout
    assert "data missing" in investigated.stdout

    for _ in range(2):
        retried = run("failures", "retry", "--stage", "settlement", env=env)
        assert retried.returncode == 0, retried.stderr
    queued = _scalar(
        database_url,
        "SELECT count(*) FROM procrastinate_jobs"
        " WHERE task_name = 'settlement' AND status = 'todo'",
    )
    assert queued == 2  # one job per unit, however often it is retried

    cleared = run("failures", "clear", "--stage", "settlement", env=env)
    assert cleared.returncode == 0, cleared.stderr
    assert "2 failure(s) cleared" in cleared.stdout
    assert _scalar(database_url, "SELECT count(*) FROM failures WHERE state = 'cleared'") == 2
    actions = _scalar(database_url, "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log")
    assert actions == "failures.retry,failures.retry,failures.clear"


def test_failure_commands_refuse_to_act_on_nothing_in_particular(env: dict[str, str]) -> None:
    result = run("failures", "retry", env=env)
    assert result.returncode == 1
    assert "--stage" in result.stderr


def test_backfill_refuses_a_window_of_no_days_and_changes_nothing(
    env: dict[str, str], database_url: URL
) -> None:
    for days in ("0", "-3"):
        result = run("backfill", "--days", days, env=env)
        assert result.returncode == 2
        assert "--days" in result.stderr
    assert _scalar(database_url, "SELECT count(*) FROM procrastinate_jobs") == 0


def test_backfill_dry_run_shows_the_plan_and_changes_nothing(
    env: dict[str, str], database_url: URL
) -> None:
    _failed_settlements(database_url)
    simulated = {**env, "FOOTCAST_CLOCK": "system"}
    result = run("backfill", "--days", "400", "--dry-run", env=simulated)
    assert result.returncode == 0, result.stderr
    assert "dry run: nothing was changed" in result.stdout
    assert _scalar(database_url, "SELECT count(*) FROM procrastinate_jobs") == 0


def test_run_reconciles_on_start_and_works_the_jobs(env: dict[str, str], database_url: URL) -> None:
    """`footcast run` on the system clock with a season that started yesterday."""
    start = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    base = {k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "footcast.cli", "run"],
        env={
            **base,
            **env,
            "FOOTCAST_SIM_START": f"{start}T00:00:00+00:00",
            "FOOTCAST_SIM_TEAMS": "6",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            synced = _scalar(database_url, "SELECT count(*) FROM matches")
            done = _scalar(
                database_url,
                "SELECT count(*) FROM procrastinate_jobs WHERE status = 'succeeded'"
                " AND task_name IN ('fixtures', 'analysis', 'live')",
            )
            if synced and done and int(done) > 1:  # type: ignore[call-overload]
                break
            time.sleep(0.5)
        else:
            raise AssertionError("footcast run did not sync fixtures and work jobs within 60 s")
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    assert "reconciled on start" in output


def test_gaps_lists_pairs_without_prediction_or_terminal_failure(
    env: dict[str, str], database_url: URL
) -> None:
    ids = _failed_settlements(database_url)
    database = connect(database_url)
    with database.transaction() as session:
        forecasters.upsert_forecaster(
            session, name="veteran", kind="naive", active_from=datetime(2025, 1, 1, tzinfo=UTC)
        )
        forecasters.upsert_forecaster(
            session, name="newcomer", kind="naive", active_from=datetime(2026, 1, 1, tzinfo=UTC)
        )
        forecasters.upsert_forecaster(
            session, name="dora", kind="human", active_from=datetime(2025, 1, 1, tzinfo=UTC)
        )
    database.dispose()

    result = run("gaps", "--days", "3650", env=env)

    assert result.returncode == 0, result.stderr
    assert "2 gap(s) in 2 match(es)" in result.stdout
    assert "veteran" in result.stdout
    assert "newcomer" not in result.stdout  # not active at those matches' deadlines
    assert "dora" not in result.stdout  # a human is never asked: no gap
    assert str(ids[0]) in result.stdout
