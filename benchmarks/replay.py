"""Replay one full simulated season (380 matches) through the real pipeline, and compare.

42 fast deterministic LLM stand-ins plus the 7 statistical and naive forecasters predict every
match, and the consensus combines them; the reconciler and the Procrastinate queue drive the
work on the embedded PostgreSQL, done once by a worker inside the driver's process (concurrency
2) and once by each count of ``footcast worker`` processes given (concurrency 2 each). Prints
wall time, clock steps, jobs and jobs/s, and the ratio of pipeline jobs/s to raw Procrastinate
no-op jobs/s measured in the same run on the same server (batch-deferred, one worker process).

Targets (issue 18; the script exits 1 when one is missed): a season ≤ 20 s in-process and
≤ 30 s with two worker processes (other process counts are reported against 30 s too); the
ratio to no-op ≥ 0.5; the season's checks (tests/season_checks.py) find nothing.

    .venv/bin/python benchmarks/replay.py [--standins 42] [--workers 2] [--no-in-process]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time

import sqlalchemy as sa
from procrastinate import App, PsycopgConnector
from sqlalchemy.engine import URL

from _checks import Checks
from footcast import demo
from footcast.config import load_settings
from footcast.db import connect, engine
from footcast.pipeline import queue, replay

NOOP_JOBS = 3000


def _noop_worker(url: str) -> None:
    """The worker process of the baseline: a Procrastinate app whose only task does nothing."""
    app = App(connector=PsycopgConnector(conninfo=url, configure=queue._autocommit))

    @app.task(name="noop", queue="noop")
    def noop(i: int) -> None:
        return None

    async def go() -> None:
        async with app.open_async():
            await app.run_worker_async(queues=["noop"], concurrency=2, wait=False,
                                       install_signal_handlers=False)  # fmt: skip

    asyncio.run(go())


def noop_jobs_per_second(url: URL) -> float:
    """Raw Procrastinate: batch-defer no-op jobs, then time one worker process emptying the
    queue (the process start-up is excluded by timing from its first processed job)."""
    database = connect(url)  # migrated: Procrastinate's schema is part of footcast's
    conninfo = queue.conninfo(url)
    app = App(connector=PsycopgConnector(conninfo=conninfo))
    noop = app.task(name="noop", queue="noop")(lambda i: None)

    async def defer() -> None:
        async with app.open_async():
            await noop.batch_defer_async(*({"i": i} for i in range(NOOP_JOBS)))  # type: ignore[arg-type]

    asyncio.run(defer())
    with database.engine.begin() as connection:
        connection.execute(sa.text("ANALYZE procrastinate_jobs"))
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--noop-worker", conninfo], check=True)
    with database.engine.connect() as connection:
        first, last, done = connection.execute(
            sa.text(
                "SELECT min(e.at), max(e.at), count(*) FROM procrastinate_events e"
                " JOIN procrastinate_jobs j ON j.id = e.job_id"
                " WHERE j.task_name = 'noop' AND e.type = 'succeeded'"
            )
        ).one()
    database.dispose()
    assert done == NOOP_JOBS, f"only {done} of {NOOP_JOBS} no-op jobs ran"
    elapsed = (last - first).total_seconds() or (time.perf_counter() - started)
    return NOOP_JOBS / elapsed


def replay_season(
    url: URL, *, standins: int, workers: int, overlap: bool
) -> tuple[float, replay.Progress, list[str]]:
    """Replay the season into ``url``: in this process when ``workers`` is 0, else through
    that many ``footcast worker`` processes. Returns (seconds, progress, problems)."""
    settings = load_settings({}, **demo.DEMO_OVERRIDES)
    database = connect(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")}
    env.update({"FOOTCAST_DATABASE_URL": url.render_as_string(hide_password=False),
                "FOOTCAST_CLOCK": "simulated"})  # fmt: skip
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "footcast.cli", "worker", "--concurrency", "2"],
            env={**env, "FOOTCAST_WORKER_NAME": f"bench-{n}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(workers)
    ]
    try:
        started = time.perf_counter()
        in_process = 0 if workers else 2
        progress = asyncio.run(
            demo.run_season(
                database, settings, standins=standins, workers=in_process, overlap=overlap
            )
        )
        elapsed = time.perf_counter() - started
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
    from season_checks import season_problems

    problems = season_problems(database)
    database.dispose()
    return elapsed, progress, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--standins", type=int, default=42)
    parser.add_argument("--workers", type=int, nargs="*", default=[2],
                        help="runs with this many worker processes each")  # fmt: skip
    parser.add_argument("--no-in-process", action="store_true", help="skip the in-process run")
    parser.add_argument("--no-overlap", action="store_true",
                        help="every moment drains before the clock moves (the old driver)")  # fmt: skip
    parser.add_argument("--noop-worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.noop_worker:
        _noop_worker(args.noop_worker)
        return
    server = engine.server_url_of(load_settings())
    baseline = noop_jobs_per_second(
        engine.ensure_database(server, "fc_bench_noop", drop_first=True)
    )
    print(f"raw Procrastinate no-op: {baseline:,.0f} jobs/s ({NOOP_JOBS} jobs, 1 worker process,"
          " concurrency 2)")  # fmt: skip
    forecasters = args.standins + 7 + 1  # the built-in ones and the consensus
    checks = Checks()
    runs = ([] if args.no_in_process else [0]) + list(args.workers)
    for workers in runs:
        how = f"{workers} worker process(es)" if workers else "in-process worker"
        target = 30.0 if workers else 20.0
        url = engine.ensure_database(server, f"fc_bench_replay_{workers}", drop_first=True)
        elapsed, progress, problems = replay_season(
            url, standins=args.standins, workers=workers, overlap=not args.no_overlap
        )
        jobs = progress.enqueued  # finished jobs older than the retention are deleted as it runs
        rate = jobs / elapsed
        print(
            f"season, 380 matches x {forecasters} forecasters, {how}: {elapsed:.1f} s,"
            f" {progress.steps} clock steps ({1000 * elapsed / progress.steps:.0f} ms each,"
            f" {progress.overlapped} overlapped), {jobs} jobs, {rate:,.0f} jobs/s,"
            f" ratio to no-op {rate / baseline:.3f}"
        )
        checks.check(f"season time, {how}", f"{elapsed:.1f} s", f"≤ {target:g} s",
                     elapsed <= target)  # fmt: skip
        checks.check(f"ratio to no-op, {how}", f"{rate / baseline:.3f}", "≥ 0.5",
                     rate / baseline >= 0.5)  # fmt: skip
        checks.check(f"season checks, {how}",
                     f"{len(problems)} problem(s) {problems[:5]}", "none", not problems)  # fmt: skip
    checks.exit()


if __name__ == "__main__":
    main()
