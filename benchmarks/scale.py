"""Scale: several leagues over several seasons through the real pipeline, and how it grows.

For each season count of ``--seasons`` (default 1 2 5 10), a fresh database replays ``--leagues``
simulated leagues (5) of ``--teams`` teams (20) over that many consecutive seasons (10 seasons:
5 x 380 x 10 = 19,000 matches), predicted by the 7 statistical and naive forecasters and
``--standins`` LLM stand-ins (38; 45 forecasters), with the jobs done by ``--workers`` (2)
`footcast worker` processes (concurrency 2) on the embedded PostgreSQL. Each run's driver (the
replay: clock, reconciler) is a fresh process. Per run it prints the makespan, jobs and jobs/s,
clock steps and what they cost, peak memory (VmHWM) of the driver and of each worker, CPU
seconds, the database size and its largest tables, and whether ``season_problems`` finds the
replay whole; then how each grows: makespan, jobs and database MB (beyond the migrated empty
database) per season, and each against the 1-season run (flat means linear growth). It prints
numbers and asserts nothing about speed.

    .venv/bin/python benchmarks/scale.py [--seasons 1 2 5 10] [--leagues 5] [--teams 20]
        [--standins 38] [--workers 2] [--concurrency 2] [--seed 7] [--keep]
    .venv/bin/python benchmarks/scale.py --seasons 1 2 --leagues 2 --teams 6   # a quick look
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from _checks import Checks
from footcast import demo
from footcast.config import Settings, load_settings
from footcast.db import Database, connect, engine
from footcast.pipeline import replay

BUILTIN_FORECASTERS = 7 + 1  # the statistical and naive ones, and the consensus
REPORT = "SCALE-RUN "  # the driver process's result line starts with this
TICK = os.sysconf("SC_CLK_TCK")


@dataclasses.dataclass(kw_only=True)
class Run:
    """What one replay (one season count) measured."""

    seasons: int
    matches: int
    makespan: float  # seconds, from building the source to the last step
    jobs: int  # enqueued by the replay
    by_task: dict[str, int]  # job rows kept at the end (finished ones past the retention go)
    jobs_mb: float  # the job and event tables with their indexes, at the end
    jobs_mb_tenths: list[float]  # the same at each tenth of the simulated time
    predictions: int
    steps: int
    # steps by how many jobs they enqueued: (0-1 | 2-49 | 50+) -> (count, seconds, median ms)
    step_costs: dict[str, tuple[int, float, float]]
    driver_mb: float
    driver_cpu: float
    worker_mb: list[float]
    worker_cpu: list[float]
    busy_cores: float  # cores busy on the whole machine during the replay (other work included)
    db_mb: float
    empty_mb: float  # the database migrated, before the replay
    tables: list[tuple[str, float]]  # the largest relations, MB with indexes and TOAST
    checks_seconds: float
    problems: list[str]
    worker_restarts: list[str]  # workers that ended before the replay did (replaced at once)


def _proc_status_kb(pid: int | str, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(f"/proc/{pid}/status has no {field}")


def _proc_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


def _env_value(value: object) -> str:
    if isinstance(value, timedelta):
        return f"PT{value.total_seconds():g}S"
    return str(value)


def _overrides(args: argparse.Namespace, seasons: int) -> dict[str, object]:
    """The replay settings and simulated leagues of the driver and of every worker."""
    return {
        **demo.DEMO_OVERRIDES,
        "sim_seed": args.seed,
        "sim_teams": args.teams,
        "sim_leagues": args.leagues,
        "sim_seasons": seasons,
    }


def _settings(args: argparse.Namespace, seasons: int) -> Settings:
    return load_settings({}, **_overrides(args, seasons))


def _worker_env(overrides: dict[str, object], url: sa.URL) -> dict[str, str]:
    """The environment of a worker process: the driver's database, shared simulated clock,
    simulated leagues and replay settings (``overrides``), and no other FOOTCAST_ variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")}
    env.update({f"FOOTCAST_{n.upper()}": _env_value(v) for n, v in overrides.items()})
    env["FOOTCAST_DATABASE_URL"] = url.render_as_string(hide_password=False)
    return env


class _Steps:
    """``on_step`` of the replay: how long each step took and how many jobs it enqueued; a line
    on stderr at every tenth of the simulated time, with the database's size then (over 10
    seasons, a tenth is about a season: one run shows the growth, even if stopped early)."""

    def __init__(self, label: str, database: Database) -> None:
        self.label = label
        self.database = database
        self.durations: list[tuple[int, float]] = []  # (jobs enqueued, seconds) of each step
        self.started = self._last = time.perf_counter()
        self._enqueued = self._tenth = 0
        self.jobs_mb: list[float] = []  # the job tables' size at each tenth

    def __call__(self, progress: replay.Progress) -> None:
        now = time.perf_counter()
        self.durations.append((progress.enqueued - self._enqueued, now - self._last))
        self._last, self._enqueued = now, progress.enqueued
        if int(progress.fraction * 10) > self._tenth:
            self._tenth = int(progress.fraction * 10)
            self.jobs_mb.append(_jobs_mb(self.database))
            print(f"  {self.label} {self._tenth * 10}% of the simulated time after"
                  f" {now - self.started:,.0f} s, {progress.enqueued:,} jobs,"
                  f" database {_database_mb(self.database):,.1f} MB,"
                  f" job tables {self.jobs_mb[-1]:,.1f} MB",
                  file=sys.stderr, flush=True)  # fmt: skip


def _database_mb(database: Database) -> float:
    with database.engine.connect() as connection:
        size = connection.execute(sa.text("SELECT pg_database_size(current_database())"))
        return float(size.scalar_one()) / 2**20


def _jobs_mb(database: Database) -> float:
    """Procrastinate's job and event tables with their indexes: flat once the retention
    (``FOOTCAST_JOB_RETENTION``, 14 days) is past, as finished jobs are deleted."""
    with database.engine.connect() as connection:
        size = connection.execute(
            sa.text(
                "SELECT pg_total_relation_size('procrastinate_jobs')"
                " + pg_total_relation_size('procrastinate_events')"
            )
        )
        return float(size.scalar_one()) / 2**20


def _step_costs(durations: list[tuple[int, float]]) -> dict[str, tuple[int, float, float]]:
    classes = {"0-1 jobs": (0, 1), "2-49 jobs": (2, 49), "50+ jobs": (50, 10**9)}
    costs: dict[str, tuple[int, float, float]] = {}
    for label, (low, high) in classes.items():
        seconds = [d for jobs, d in durations if low <= jobs <= high]
        median = statistics.median(seconds) * 1000 if seconds else 0.0
        costs[label] = (len(seconds), sum(seconds), median)
    return costs


def _database_figures(
    database: Database,
) -> tuple[int, dict[str, int], int, float, list[tuple[str, float]]]:
    with database.engine.connect() as connection:
        by_task: dict[str, int] = dict(
            connection.execute(
                sa.text("SELECT task_name, count(*) FROM procrastinate_jobs GROUP BY 1 ORDER BY 1")
            ).all()
        )
        predictions = connection.execute(sa.text("SELECT count(*) FROM predictions")).scalar_one()
        tables = connection.execute(
            sa.text(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 2 DESC LIMIT 4"
            )
        ).all()
    return (
        sum(by_task.values()),
        {str(k): int(v) for k, v in by_task.items()},
        int(predictions),
        _database_mb(database),
        [(str(name), total / 2**20) for name, total in tables],
    )


class _Workers:
    """The ``footcast worker`` processes of one replay, logging to ``logs``. One that ends before
    the replay does is reported on stderr at once and replaced (the run then says so)."""

    def __init__(self, env: dict[str, str], *, count: int, concurrency: int, logs: Path) -> None:
        self._env, self._concurrency, self._logs = env, concurrency, logs
        self.processes = [self._start(n) for n in range(count)]
        self.restarts: list[str] = []
        self._done = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def _start(self, n: int) -> subprocess.Popen[bytes]:
        footcast = Path(sys.executable).with_name("footcast")
        with (self._logs / f"worker-{n}.log").open("a") as log:
            return subprocess.Popen(
                [str(footcast), "worker", "--concurrency", str(self._concurrency)],
                env={**self._env, "FOOTCAST_WORKER_NAME": f"scale-{n}"},
                stdout=subprocess.DEVNULL,
                stderr=log,
            )

    def _watch(self) -> None:
        while not self._done.wait(1.0):
            for n, process in enumerate(self.processes):
                code = process.poll()
                if code is None or self._done.is_set():
                    continue
                self.restarts.append(f"worker {n} ended with exit code {code}")
                tail = (self._logs / f"worker-{n}.log").read_text(errors="replace")[-1500:]
                print(f"  worker {n} (pid {process.pid}) ended with exit code {code}, replaced;"
                      f" its log ends:\n{tail}", file=sys.stderr, flush=True)  # fmt: skip
                self.processes[n] = self._start(n)

    def peaks(self) -> tuple[list[float], list[float]]:
        """Peak memory (VmHWM, MB) and CPU seconds of each worker process, read while it runs."""
        self._done.set()
        self._watcher.join()
        return (
            [_proc_status_kb(p.pid, "VmHWM") / 1024 for p in self.processes],
            [_proc_cpu_seconds(p.pid) for p in self.processes],
        )

    def stop(self) -> None:
        self._done.set()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=60)


def _drop(server: sa.URL, name: str) -> None:
    admin = sa.create_engine(engine.normalize_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def run_one(args: argparse.Namespace, seasons: int) -> Run:
    """Replay ``seasons`` seasons in a fresh database with worker processes; measure it."""
    settings = _settings(args, seasons)
    server = engine.server_url_of(load_settings())
    url = engine.ensure_database(server, f"fc_bench_scale_{seasons}", drop_first=True)
    database = connect(url)
    empty_mb = _database_mb(database)
    env = _worker_env(_overrides(args, seasons), url)
    logs = Path(tempfile.mkdtemp(prefix=f"fc-scale-{seasons}-"))
    print(f"  [{seasons} season(s)] worker logs in {logs}", file=sys.stderr, flush=True)
    workers = _Workers(env, count=args.workers, concurrency=args.concurrency, logs=logs)
    steps = _Steps(f"[{seasons} season(s)]", database)
    try:
        busy_before, total_before = _machine_ticks()
        started = steps.started = time.perf_counter()
        progress = asyncio.run(
            demo.run_season(database, settings, standins=args.standins, workers=0, on_step=steps)
        )
        makespan = time.perf_counter() - started
        busy_after, total_after = _machine_ticks()
        worker_mb, worker_cpu = workers.peaks()
    finally:
        workers.stop()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _, by_task, predictions, db_mb, tables = _database_figures(database)
    jobs_mb = _jobs_mb(database)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from season_checks import season_problems

    checks_started = time.perf_counter()
    problems = season_problems(database)
    checks_seconds = time.perf_counter() - checks_started
    database.dispose()
    if not args.keep:
        _drop(server, f"fc_bench_scale_{seasons}")
    return Run(
        seasons=seasons,
        matches=args.leagues * args.teams * (args.teams - 1) * seasons,
        makespan=makespan,
        jobs=progress.enqueued,
        by_task=by_task,
        jobs_mb=jobs_mb,
        jobs_mb_tenths=steps.jobs_mb,
        predictions=predictions,
        steps=progress.steps,
        step_costs=_step_costs(steps.durations),
        driver_mb=usage.ru_maxrss / 1024,
        driver_cpu=usage.ru_utime + usage.ru_stime,
        worker_mb=worker_mb,
        worker_cpu=worker_cpu,
        busy_cores=(busy_after - busy_before)
        / (total_after - total_before)
        * (os.cpu_count() or 1),
        db_mb=db_mb,
        empty_mb=empty_mb,
        tables=tables,
        checks_seconds=checks_seconds,
        problems=problems,
        worker_restarts=workers.restarts,
    )


def _print_run(run: Run, args: argparse.Namespace) -> None:
    forecasters = BUILTIN_FORECASTERS + args.standins
    print(
        f"{run.seasons} season(s), {args.leagues} leagues x {args.teams} teams: {run.matches:,}"
        f" matches x {forecasters} forecasters, {args.workers} worker process(es)"
    )
    print(f"  makespan {run.makespan:,.1f} s; {run.jobs:,} jobs, {run.jobs / run.makespan:,.1f}"
          f" jobs/s; {run.predictions:,} predictions")  # fmt: skip
    print("  job rows kept by task: " + ", ".join(f"{k} {v:,}" for k, v in run.by_task.items())
          + f"; job tables {run.jobs_mb:,.1f} MB")  # fmt: skip
    steps = "; ".join(
        f"{label}: {n:,} steps, {seconds:,.1f} s, median {median:,.0f} ms"
        for label, (n, seconds, median) in run.step_costs.items()
    )
    print(f"  {run.steps:,} clock steps ({steps})")
    workers = ", ".join(
        f"{mb:,.0f} MB / {cpu:,.0f} s"
        for mb, cpu in zip(run.worker_mb, run.worker_cpu, strict=True)
    )
    print(f"  peak memory / CPU: driver {run.driver_mb:,.0f} MB / {run.driver_cpu:,.0f} s;"
          f" workers {workers}; machine busy {run.busy_cores:.2f} cores (other work included)")  # fmt: skip
    tables = ", ".join(f"{name} {mb:,.1f}" for name, mb in run.tables)
    print(f"  database {run.db_mb:,.1f} MB, {run.db_mb - run.empty_mb:,.1f} MB more than migrated"
          f" and empty (largest, MB: {tables})")  # fmt: skip
    if run.worker_restarts:
        print(f"  WARNING: {len(run.worker_restarts)} worker(s) replaced during the run (their"
              f" memory and CPU are the replacement's): {run.worker_restarts}")  # fmt: skip
    checks = "pass" if not run.problems else f"FAIL {run.problems}"
    print(f"  season checks ({run.checks_seconds:.1f} s): {checks}", flush=True)


def _print_growth(runs: list[Run]) -> None:
    base = next((r for r in runs if r.seasons == 1), runs[0])
    print(f"\ngrowth per season (MB: beyond the migrated empty database; x: against the"
          f" {base.seasons}-season run; flat means linear)")  # fmt: skip
    header = (
        f"{'seasons':>7} {'matches':>8} {'makespan s':>10} {'jobs':>8} {'jobs/s':>7} {'DB MB':>9}"
        f" {'s/season':>9} {'jobs/season':>11} {'MB/season':>9} {'x s':>6} {'x jobs':>6}"
        f" {'x MB':>6} {'driver MB':>9} {'worker MB':>9}"
    )
    print(header)

    def per(run: Run) -> tuple[float, float, float]:
        data = run.db_mb - run.empty_mb
        return run.makespan / run.seasons, run.jobs / run.seasons, data / run.seasons

    reference = per(base)
    for run in runs:
        figures = per(run)
        ratios = [f / r for f, r in zip(figures, reference, strict=True)]
        print(
            f"{run.seasons:>7} {run.matches:>8,} {run.makespan:>10,.1f} {run.jobs:>8,}"
            f" {run.jobs / run.makespan:>7,.1f} {run.db_mb:>9,.1f} {figures[0]:>9,.1f}"
            f" {figures[1]:>11,.0f} {figures[2]:>9,.1f} {ratios[0]:>6.2f} {ratios[1]:>6.2f}"
            f" {ratios[2]:>6.2f} {run.driver_mb:>9,.0f} {max(run.worker_mb):>9,.0f}"
        )
    checks = Checks()
    for run in runs:
        checks.check(f"season checks ({run.seasons} season(s))",
                     "pass" if not run.problems else f"{len(run.problems)} problem(s): {run.problems[:5]}",
                     "no problem", not run.problems)  # fmt: skip
    # the job tables: flat once the retention (14 days) has passed, which the first tenth of a
    # run of three seasons or more is past (without a retention they would grow every tenth)
    longest = max(runs, key=lambda r: r.seasons)
    if longest.seasons >= 3 and longest.jobs_mb_tenths:
        first = longest.jobs_mb_tenths[0]
        largest = max([*longest.jobs_mb_tenths[1:], longest.jobs_mb])
        checks.check(f"job tables after {longest.seasons} seasons",
                     f"largest {largest:,.1f} MB after the first tenth's {first:,.1f} MB",
                     "<= 2x the first tenth's (flat after the retention)",
                     largest <= 2 * first)  # fmt: skip
    for run in runs:
        each = run.makespan / run.seasons
        checks.check(f"makespan per season ({run.seasons} season(s))",
                     f"{each:,.1f} s (x{each / (base.makespan / base.seasons):.2f})",
                     "linear growth: <= 1.5x the 1-season run's",
                     each <= 1.5 * base.makespan / base.seasons)  # fmt: skip
    checks.exit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seasons", type=int, nargs="+", default=[1, 2, 5, 10])
    parser.add_argument("--leagues", type=int, default=5)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--standins", type=int, default=38)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=2, help="of each worker process")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the databases (fc_bench_scale_N)")
    parser.add_argument("--run-one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    _settings(args, max(args.seasons))  # refuses impossible sizes before anything runs
    if args.run_one is not None:
        print(REPORT + json.dumps(dataclasses.asdict(run_one(args, args.run_one))), flush=True)
        return
    runs: list[Run] = []
    for seasons in args.seasons:
        # each run's driver is a fresh process: its peak memory is its own
        command = [sys.executable, __file__, *sys.argv[1:], "--run-one", str(seasons)]
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
        if done.returncode != 0:
            print(done.stdout[-3000:])
            raise SystemExit(f"the {seasons}-season run failed (exit code {done.returncode})")
        line = next(x for x in done.stdout.splitlines() if x.startswith(REPORT))
        values = json.loads(line.removeprefix(REPORT))
        values["tables"] = [tuple(t) for t in values["tables"]]
        values["step_costs"] = {k: tuple(v) for k, v in values["step_costs"].items()}
        runs.append(Run(**values))
        _print_run(runs[-1], args)
    _print_growth(runs)


if __name__ == "__main__":
    main()
