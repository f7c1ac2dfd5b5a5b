"""Real worker processes against a real database: a worker SIGKILLed mid-job, a database restarted
mid-run, and what a worker does with a database that has no schema."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from databases import clone
from footcast.db import connect, embedded, engine
from processes import finished, footcast, scalar, wait_for
from season_checks import season_problems


def test_a_worker_killed_mid_job_loses_nothing_and_duplicates_nothing(
    server_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    log = tmp_path / "run.log"
    server = {
        "FOOTCAST_DATABASE_URL": server_url.render_as_string(hide_password=False),
        "FOOTCAST_JOB_RETENTION": "P3650D",  # the checks read every job the season made
    }
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
        finished(driver, log)
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
            # 30 matches: 7 built-in forecasters, the consensus and 4 stand-ins
            predicted = connection.execute(sa.text("SELECT count(*) FROM predictions")).scalar()
            assert predicted == 30 * 12
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
        url = engine.normalize_url(embedded.embedded_server_url(private_server))
        demo_url = url.set(database="fc_restart")
        wait_for(
            "predictions of the first matches",
            lambda: (scalar(demo_url, "SELECT count(*) FROM predictions") or 0) > 20,  # type: ignore[operator]
        )
        # in other processes: pgserver keeps one server object per data directory and process
        _in_subprocess(f"assert embedded.stop_embedded_server(Path({str(private_server)!r}))")
        time.sleep(2)
        _in_subprocess(f"embedded.embedded_server_url(Path({str(private_server)!r}))")
        finished(driver, log)
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
    url = engine.ensure_database(server_url, str(scratch_database.database))
    log = tmp_path / "worker.log"
    env = {"FOOTCAST_DATABASE_URL": url.render_as_string(hide_password=False)}
    worker = footcast("worker", env=env, log=log)
    assert worker.wait(timeout=60) == 1
    assert "schema_missing" in log.read_text()
    assert "footcast db upgrade" in log.read_text()
    sql = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    assert scalar(url, sql) == 0


def _waiting_worker(database: URL, log: Path) -> subprocess.Popen[bytes]:
    """A `footcast worker` started on a database that does not exist yet, once it has said it
    will try again."""
    env = {
        "FOOTCAST_DATABASE_URL": database.render_as_string(hide_password=False),
        "FOOTCAST_START_WAIT_SECONDS": "60",
    }
    worker = footcast("worker", env=env, log=log)
    try:
        wait_for("the worker to find no database", lambda: "trying again" in log.read_text())
    except BaseException:
        worker.kill()
        raise
    return worker


def test_a_worker_started_before_its_database_answers_waits_for_it(
    server_url: URL, template_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    # regression (chaos suite): a worker started while PostgreSQL restarted exited at once
    worker = _waiting_worker(scratch_database, tmp_path / "worker.log")
    try:
        assert worker.poll() is None
        clone(template_url, str(scratch_database.database))
        wait_for(
            "the worker to register",
            lambda: scalar(scratch_database, "SELECT count(*) FROM procrastinate_workers"),
        )
        assert worker.poll() is None
    finally:
        worker.terminate()
        assert worker.wait(timeout=30) == 0


def test_a_worker_stopped_while_it_waits_for_its_database_exits_cleanly(
    scratch_database: URL, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    worker = _waiting_worker(scratch_database, log)
    worker.terminate()
    assert worker.wait(timeout=30) == 0
    assert "stopped by a signal before starting" in log.read_text()


def test_a_worker_gives_up_on_a_database_that_never_answers(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    env = {
        "FOOTCAST_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x",
        "FOOTCAST_START_WAIT_SECONDS": "2",
    }
    worker = footcast("worker", env=env, log=log)
    assert worker.wait(timeout=60) == 1
    said = log.read_text()
    assert "trying again" in said
    assert "Error [database_unavailable]: database unreachable at" in said
    assert "127.0.0.1:1/x" in said
