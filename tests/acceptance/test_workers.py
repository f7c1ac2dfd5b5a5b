"""Real worker processes against a real database: a worker SIGKILLed mid-job, a database restarted
mid-run, and what a worker does with a database that has no schema."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from footcast.db import connect, embedded
from footcast.db import engine as db_engine
from season_checks import season_problems

SMALL_SEASON = {
    "FOOTCAST_SIM_TEAMS": "6",
    "FOOTCAST_STALLED_AFTER_SECONDS": "3",
    "FOOTCAST_HEARTBEAT_SECONDS": "1",
}


def footcast(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")}
    return subprocess.Popen(
        [sys.executable, "-m", "footcast.cli", *args],
        env={**base, "COLUMNS": "140", **SMALL_SEASON, **env},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(what: str, check: Callable[[], object], *, timeout: float = 120) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
        except sa.exc.DBAPIError:  # not there yet, or restarting
            found = None
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def scalar(url: URL, sql: str) -> object:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def _finished(process: subprocess.Popen[bytes], log: Path, timeout: float = 240) -> None:
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError(
            f"still running after {timeout} s:\n{log.read_text()[-3000:]}"
        ) from None
    assert code == 0, log.read_text()[-3000:]


def test_a_worker_killed_mid_job_loses_nothing_and_duplicates_nothing(
    server_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    log = tmp_path / "run.log"
    server = {"FOOTCAST_DATABASE_URL": server_url.render_as_string(hide_password=False)}
    database = {
        "FOOTCAST_DATABASE_URL": scratch_database.render_as_string(hide_password=False),
        "FOOTCAST_CLOCK": "simulated",
    }
    driver = footcast(
        "demo", "--database", str(scratch_database.database), "--workers", "0",
        "--standins", "4", "--standin-latency", "250", env=server, log=log,
    )  # fmt: skip
    workers: list[subprocess.Popen[bytes]] = []
    try:
        wait_for(
            "the replay to start", lambda: scalar(scratch_database, "SELECT now FROM sim_clock")
        )
        job_id = None
        for _ in range(3):  # under load a job may finish between seeing it and the kill: again
            workers.append(footcast("worker", "--concurrency", "1", env=database, log=log))
            candidate = wait_for(
                "a predictions job in progress",
                lambda: scalar(
                    scratch_database,
                    "SELECT id FROM procrastinate_jobs WHERE task_name = 'predictions'"
                    " AND status = 'doing'",
                ),
            )
            workers[-1].send_signal(signal.SIGKILL)
            workers[-1].wait(timeout=10)
            status_sql = f"SELECT status FROM procrastinate_jobs WHERE id = {candidate}"
            if scalar(scratch_database, status_sql) == "doing":
                job_id = candidate
                break
        assert job_id is not None, "never caught a predictions job in progress"

        workers.append(footcast("worker", "--concurrency", "2", env=database, log=log))
        _finished(driver, log)
    finally:
        for process in [driver, *workers]:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)

    assert (
        scalar(scratch_database, f"SELECT status FROM procrastinate_jobs WHERE id = {job_id}")
        == "succeeded"
    )
    runs = scalar(
        scratch_database,
        f"SELECT count(*) FROM procrastinate_events WHERE job_id = {job_id} AND type = 'started'",
    )
    assert runs == 2  # the killed run and the re-run
    db = connect(scratch_database, upgrade=False)
    try:
        assert season_problems(db) == []
        with db.engine.connect() as connection:
            assert (
                connection.execute(sa.text("SELECT count(*) FROM predictions")).scalar() == 30 * 11
            )
    finally:
        db.dispose()


@pytest.fixture
def private_server() -> Iterator[Path]:
    """An embedded server of this test's own, which it may restart."""
    root = Path(f"/tmp/footcast-restart-{uuid.uuid4().hex[:8]}")
    root.mkdir(mode=0o755)
    pgdata = root / "pgdata"
    yield pgdata
    embedded.stop_embedded_server(pgdata)
    shutil.rmtree(root, ignore_errors=True)


def _in_subprocess(statement: str) -> None:
    code = f"from pathlib import Path\nfrom footcast.db import embedded\n{statement}\n"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_the_run_recovers_when_the_database_restarts_mid_run(
    private_server: Path, tmp_path: Path
) -> None:
    log = tmp_path / "run.log"
    env = {"FOOTCAST_PGDATA": str(private_server)}
    driver = footcast("demo", "--database", "fc_restart", "--workers", "2", "--standins", "2",
                      env=env, log=log)  # fmt: skip
    try:
        url = db_engine.normalize_url(embedded.embedded_server_url(private_server))
        demo_url = url.set(database="fc_restart")
        wait_for(
            "predictions of the first matches",
            lambda: (scalar(demo_url, "SELECT count(*) FROM predictions") or 0) > 20,  # type: ignore[operator]
        )
        # in other processes: pgserver keeps one server object per data directory and process
        _in_subprocess(f"assert embedded.stop_embedded_server(Path({str(private_server)!r}))")
        time.sleep(2)
        _in_subprocess(f"embedded.embedded_server_url(Path({str(private_server)!r}))")
        _finished(driver, log)
    finally:
        if driver.poll() is None:
            driver.kill()
    said = log.read_text()
    # the run noticed the restart: the driver retried a step, or a worker or pool lost its link
    assert any(sign in said for sign in ("retrying the step", "lost", "error connecting")), said
    db = connect(demo_url, upgrade=False)
    try:
        assert season_problems(db) == []
    finally:
        db.dispose()


def test_a_worker_refuses_a_database_without_the_schema(
    server_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    url = db_engine.ensure_database(server_url, str(scratch_database.database))
    log = tmp_path / "worker.log"
    env = {"FOOTCAST_DATABASE_URL": url.render_as_string(hide_password=False)}
    worker = footcast("worker", env=env, log=log)
    assert worker.wait(timeout=60) == 1
    assert "schema_missing" in log.read_text()
    assert "footcast db upgrade" in log.read_text()
    sql = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    assert scalar(url, sql) == 0
