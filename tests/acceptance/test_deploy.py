"""Several machines, one database: two `footcast worker` processes with their own names share
the work of one season on a PostgreSQL reached over TCP, each job run once by one of them."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from footcast import errors
from footcast.db import connect
from footcast.db import engine as db_engine
from processes import finished, footcast, scalar, wait_for
from season_checks import season_problems

MACHINE_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
WORKERS = ("alpha", "beta")
# what `footcast worker` logs when a job has succeeded: "<unit key>: <outcome>"
DONE = re.compile(r" INFO footcast\.pipeline\.queue (\S+): ")
# no worker must look dead to the driver's stalled-job recovery on a busy machine: that would
# re-run its jobs and clear their worker_id (killed workers are test_workers.py's concern)
PATIENT = {"FOOTCAST_STALLED_AFTER_SECONDS": "60", "FOOTCAST_HEARTBEAT_SECONDS": "2"}
# the checks count every job the season made: none is pruned as history
KEEP_JOBS = {"FOOTCAST_JOB_RETENTION": "P3650D"}


@pytest.fixture
def server_url(server_url: URL) -> URL:
    """The machine's PostgreSQL on 127.0.0.1:5432 (the embedded server listens on a Unix socket
    only, which no other machine could reach); ``scratch_database`` creates its database here.
    In the suite's second pass (FOOTCAST_TEST_DATABASE_URL, that same server) it is skipped."""
    if server_url.host:  # FOOTCAST_TEST_DATABASE_URL: the suite's second pass, same server
        pytest.skip("ran against the machine's PostgreSQL in the suite's first pass already")
    url = db_engine.normalize_url(MACHINE_SERVER)
    try:
        connect(url, upgrade=False).dispose()
    except errors.DatabaseUnavailable as exc:
        pytest.skip(f"needs a PostgreSQL server reached over TCP: {exc}")
    return url


class Run(NamedTuple):
    """One job as the queue has it: its unit key, status, last worker and starts."""

    job: int
    lock: str
    status: str
    worker: int | None
    started: int


def _register(name: str, url: URL, log: Path, known: list[int]) -> subprocess.Popen[bytes]:
    """Start worker ``name`` and wait until it has registered; its worker id joins ``known``."""
    env = {
        "FOOTCAST_DATABASE_URL": url.render_as_string(hide_password=False),
        "FOOTCAST_CLOCK": "simulated",
        "FOOTCAST_WORKER_NAME": name,
        **PATIENT,
    }
    process = footcast("worker", "--concurrency", "2", env=env, log=log)
    others = ",".join(map(str, known)) or "0"
    sql = f"SELECT min(id) FROM procrastinate_workers WHERE id NOT IN ({others})"
    new = wait_for(f"worker {name} to register", lambda: scalar(url, sql), timeout=60)
    assert isinstance(new, int)
    known.append(new)
    return process


def _runs(url: URL) -> list[Run]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    """
                    SELECT j.id, j.lock, j.status::text, j.worker_id,
                           (SELECT count(*) FROM procrastinate_events e
                            WHERE e.job_id = j.id AND e.type = 'started')
                    FROM procrastinate_jobs j ORDER BY j.id
                    """
                )
            ).all()
    finally:
        engine.dispose()
    return [Run(*row) for row in rows]


def test_two_workers_on_one_database_split_the_work_and_duplicate_nothing(
    server_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    driver_log = tmp_path / "driver.log"
    logs = {name: tmp_path / f"{name}.log" for name in WORKERS}
    server = {
        "FOOTCAST_DATABASE_URL": server_url.render_as_string(hide_password=False),
        **KEEP_JOBS,
    }
    driver = footcast(
        "demo", "--database", str(scratch_database.database), "--workers", "0",
        "--standins", "4", "--standin-latency", "50", env={**server, **PATIENT}, log=driver_log,
    )  # fmt: skip
    workers: list[subprocess.Popen[bytes]] = []
    ids: list[int] = []
    try:
        # workers never migrate: they start once the driver has made the schema and the clock
        wait_for(
            "the replay to start", lambda: scalar(scratch_database, "SELECT now FROM sim_clock")
        )
        for name in WORKERS:
            workers.append(_register(name, scratch_database, logs[name], ids))
        finished(driver, driver_log)
        # read while the workers run: a worker that stops unregisters, and its jobs lose their
        # worker_id (ON DELETE SET NULL)
        runs = _runs(scratch_database)
    finally:
        for process in [driver, *workers]:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
    names = dict(zip(ids, WORKERS, strict=True))

    assert [run for run in runs if run.status != "succeeded"] == []
    # each job was started once, by one of the two workers
    assert [run for run in runs if run.started != 1 or run.worker not in names] == []
    # and each worker's own log names the units of exactly the jobs the queue gives it
    for worker_id, name in names.items():
        queued = Counter(run.lock for run in runs if run.worker == worker_id)
        logged = Counter(DONE.findall(logs[name].read_text()))
        assert (logged - queued, queued - logged) == (Counter(), Counter()), name
    shares = Counter(names[run.worker] for run in runs if run.worker is not None)
    print(f"{len(runs)} jobs: {dict(shares)}")
    for name in WORKERS:
        assert shares[name] >= len(runs) // 4, f"{name} ran {shares[name]} of {len(runs)} jobs"

    db = connect(scratch_database, upgrade=False)
    try:
        assert season_problems(db) == []
    finally:
        db.dispose()
    predictions = scalar(scratch_database, "SELECT count(*) FROM predictions")
    # 30 matches, 7 built-in forecasters, the consensus and 4 stand-ins
    assert predictions == 30 * 12
