"""42 LLM forecasters × 100 matches through real `footcast worker` processes and a fake provider.

The fake OpenAI-compatible server (real HTTP on 127.0.0.1) answers each request after 200 ms and
counts every request past a provider's limit of 8 concurrent requests. Two worker processes
(concurrency 4 each, each prediction job asking its forecasters 16 at a time) share the limits
through PostgreSQL. Prints the makespan (jobs enqueued → every prediction stored), the lower
bound of the issue (requests × latency / total allowed concurrency), the bound per provider
(the busiest provider's requests × latency / its limit), their ratios, and the violations the
fake recorded. Three rosters: the reference one (35 models at one provider, 7 at the other), the
same 42 models split evenly, where both bounds agree, and ``wide``: the 42 models at one provider
allowing 200 concurrent requests (``--wide-limit``), answering in 1 s (``--wide-latency-ms``),
asked by workers of concurrency 8 fanning out 42 at a time (each job one wave; 672 requests
wanting a slot). For each it also prints the most database connections any worker process held
(sampled from ``pg_stat_activity`` by application name).

Targets (checked; the script exits 1 when one is missed): for every roster, the makespan over
the busiest provider's bound ≤ 1.15 and 0 violations; at most 10 database connections per worker
process, whatever the limit.

    .venv/bin/python benchmarks/llm_fanout.py [--matches 100] [--latency-ms 200] [--workers 2]
        [--only reference|balanced|wide] [--wide-limit 200] [--wide-latency-ms 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL

from _checks import Checks
from footcast import rosters
from footcast.config import load_settings
from footcast.db import Database, connect, engine
from footcast.db.tables import Prediction
from footcast.db.writes import matches, snapshots
from footcast.domain.analysis import Odds, Snapshot
from footcast.domain.names import MatchStatus
from footcast.fakes.openai import FakeOpenAI, Limits
from footcast.forecasters import roster
from footcast.pipeline import llms, queue, worker
from footcast.pipeline.reconcile import enqueue

LIMIT = 8
RATIO_TARGET = 1.15
CONNECTIONS_TARGET = 10


@dataclass(frozen=True, kw_only=True)
class Scenario:
    name: str
    limit: int  # max_concurrent of every provider
    latency_ms: int
    concurrency: int  # of each worker process
    fanout: int  # forecasters one prediction job asks at once
    deal: str  # "roster": as the reference roster says; "even": dealt out; "one": all at one


def roster_text(base: roster.Roster, fake: FakeOpenAI, scenario: Scenario) -> str:
    """The reference models on the fake, at the providers the scenario deals them to."""
    names = sorted(base.providers)
    lines = []
    for name in names:
        lines += [
            f"[providers.{name}]",
            f'base_url = "{fake.base_url(name)}"',
            f"max_concurrent = {scenario.limit}",
            "requests_per_minute = 100000",
            "timeout_seconds = 30",
            "",
        ]
    for n, model in enumerate(base.models):
        provider = {
            "roster": model.provider,
            "even": names[n % len(names)],
            "one": names[0],
        }[scenario.deal]
        lines += [
            "[[models]]",
            f'id = "{model.id}"',
            f'provider = "{provider}"',
            f'model = "{model.model}"',
            f"price_in = {model.price_in}",
            f"price_out = {model.price_out}",
            "",
        ]
    return "\n".join(lines)


def prepare(database: Database, count: int, models: roster.Roster) -> list[int]:
    """``count`` matches kicking off in 20 minutes, each with its analysis snapshot. They are
    the workers' simulated league's own matches (a prediction job asks its source for injuries
    and odds at prediction time), moved to now."""
    now = datetime.now(UTC)
    kickoff = now + timedelta(minutes=20)
    league = worker.simulated_league(load_settings({}))
    own = league.fixtures(league.first_kickoff, league.last_kickoff, now=league.first_kickoff)
    if len(own) < count:
        raise SystemExit(f"the simulated league has {len(own)} matches, fewer than {count}")
    fixtures = [
        dataclasses.replace(
            fixture, competition="BENCH", competition_name="Bench league", season="2026",
            kickoff=kickoff, status=MatchStatus.SCHEDULED,
        )
        for fixture in own[:count]
    ]  # fmt: skip
    llms.register(database, models, active_from=now - timedelta(days=1), now=now)
    with database.transaction() as session:
        ids = matches.sync_fixtures(session, "bench", fixtures, now=now)
        for fixture in fixtures:
            snapshots.save_snapshot(
                session,
                Snapshot(
                    match_id=ids[fixture.external_id],
                    competition="BENCH",
                    season="2026",
                    home=fixture.home,
                    away=fixture.away,
                    kickoff=kickoff,
                    as_of=now,
                    odds=Odds(home=2.0, draw=3.4, away=3.9, bookmaker="avg"),
                ),
                now=now,
            )
    return sorted(ids.values())


class _Connections:
    """Samples ``pg_stat_activity`` every 50 ms: the most connections each worker held."""

    def __init__(self, database: Database, names: list[str]) -> None:
        self._database, self._names = database, names
        self.most: dict[str, int] = dict.fromkeys(names, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        query = sa.text(
            "SELECT application_name, count(*) FROM pg_stat_activity"
            " WHERE application_name = ANY(:names) GROUP BY 1"
        )
        while not self._stop.wait(0.05):
            with self._database.engine.connect() as connection:
                for name, count in connection.execute(query, {"names": self._names}):
                    self.most[name] = max(self.most[name], int(count))

    def stop(self) -> dict[str, int]:
        self._stop.set()
        self._thread.join()
        return self.most


def _cpu_seconds(pid: int) -> float:
    """User + system CPU a running process has used (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(url: URL, args: argparse.Namespace, scenario: Scenario, checks: Checks) -> None:
    name = scenario.name
    database_url = engine.ensure_database(url, f"footcast_bench_llm_{name}", drop_first=True)
    database = connect(database_url)
    limits = {p: Limits(max_concurrent=scenario.limit) for p in ("together", "synthetic")}
    with (
        FakeOpenAI(latency_ms=scenario.latency_ms, limits=limits) as fake,
        tempfile.TemporaryDirectory() as tmp,
    ):
        path = Path(tmp) / "roster.toml"
        path.write_text(roster_text(roster.load(rosters.REFERENCE), fake, scenario))
        models = roster.load(path)
        match_ids = prepare(database, args.matches, models)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")},
            "FOOTCAST_DATABASE_URL": database_url.render_as_string(hide_password=False),
            "FOOTCAST_ROSTER": str(path),
            "FOOTCAST_PREDICT_FANOUT": str(scenario.fanout),
        }
        apps = [f"fc-bench-llm-worker-{n}" for n in range(args.workers)]
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "footcast.cli", "worker",
                 "--concurrency", str(scenario.concurrency)],
                # libpq names every connection of the process after it (pg_stat_activity)
                env={**env, "FOOTCAST_WORKER_NAME": f"bench-{n}", "PGAPPNAME": apps[n]},
                stdout=(Path(tmp) / f"worker-{n}.log").open("ab"),
                stderr=subprocess.STDOUT,
            )
            for n in range(args.workers)
        ]  # fmt: skip
        connections = _Connections(database, apps)
        try:
            time.sleep(3)  # the workers start (imports, roster, connections) before the clock
            expected = len(match_ids) * len(models.models)

            async def defer() -> None:
                app = queue.make_app(database_url, load_settings({}), periodic=False)
                async with app.open_async():
                    await enqueue(
                        app,
                        [("predictions", f"predict:{m}", {"match_id": m, "retroactive": False})
                         for m in match_ids],
                    )  # fmt: skip

            started = time.perf_counter()
            asyncio.run(defer())
            stored = 0
            while stored < expected:
                time.sleep(0.2)
                with database.transaction() as session:
                    stored = session.execute(
                        sa.select(sa.func.count()).select_from(Prediction)
                    ).scalar_one()
                if time.perf_counter() - started > args.give_up_after:
                    log = (Path(tmp) / "worker-0.log").read_text()[-3000:]
                    raise SystemExit(
                        f"{name}: only {stored} of {expected} predictions after"
                        f" {args.give_up_after:.0f} s; worker 0's log ends:\n{log}"
                    )
            makespan = time.perf_counter() - started
        finally:
            most = connections.stop()
            cpu = [_cpu_seconds(process.pid) for process in workers]
            for process in workers:
                process.terminate()
            for process in workers:
                process.wait(timeout=30)
        stats = fake.stats()
    database.dispose()

    latency = scenario.latency_ms / 1000
    per_provider: dict[str, int] = {}
    for model in models.models:
        per_provider[model.provider] = per_provider.get(model.provider, 0) + args.matches
    issue_bound = expected * latency / (scenario.limit * len(per_provider))
    provider_bound = max(per_provider.values()) * latency / scenario.limit
    print(
        f"[{name}] models per provider: {dict(sorted((p, n // args.matches) for p, n in per_provider.items()))}"
    )
    print(
        f"[{name}] {expected} predictions, {len(stats.requests)} requests, makespan {makespan:.1f} s"
    )
    print(
        f"[{name}] limit {scenario.limit} per provider, latency {scenario.latency_ms} ms, workers"
        f" {args.workers} × concurrency {scenario.concurrency} × fan-out {scenario.fanout}"
    )
    print(
        f"[{name}] lower bound (requests × latency / total concurrency): {issue_bound:.1f} s, ratio {makespan / issue_bound:.2f}"
    )
    print(
        f"[{name}] busiest provider's bound: {provider_bound:.1f} s, ratio {makespan / provider_bound:.2f}"
    )
    print(f"[{name}] max concurrency seen by the fake: {stats.max_concurrency}")
    print(f"[{name}] most database connections per worker process: {most}")
    print(
        f"[{name}] CPU of the workers: {', '.join(f'{c:.1f} s' for c in cpu)} in {makespan:.1f} s"
        f" ({sum(cpu) / makespan:.2f} cores on a machine of {os.cpu_count()})"
    )
    violations = sum(stats.violations.values())
    checks.check(f"{name}: ratio to the busiest provider's bound",
                 f"{makespan / provider_bound:.2f}", f"≤ {RATIO_TARGET}",
                 makespan / provider_bound <= RATIO_TARGET)  # fmt: skip
    checks.check(f"{name}: violations", f"{violations} {dict(stats.violations)}", "0",
                 violations == 0)  # fmt: skip
    checks.check(f"{name}: connections per worker", f"at most {max(most.values())}",
                 f"≤ {CONNECTIONS_TARGET}", max(most.values()) <= CONNECTIONS_TARGET)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--matches", type=int, default=100)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["reference", "balanced", "wide"])
    parser.add_argument("--wide-limit", type=int, default=200)
    parser.add_argument("--give-up-after", type=float, default=900, help="seconds")
    parser.add_argument("--wide-latency-ms", type=int, default=1000)
    args = parser.parse_args()
    scenarios = [
        Scenario(name="reference", limit=LIMIT, latency_ms=args.latency_ms, concurrency=4,
                 fanout=16, deal="roster"),
        Scenario(name="balanced", limit=LIMIT, latency_ms=args.latency_ms, concurrency=4,
                 fanout=16, deal="even"),
        Scenario(name="wide", limit=args.wide_limit, latency_ms=args.wide_latency_ms,
                 concurrency=8, fanout=42, deal="one"),
    ]  # fmt: skip
    server = engine.server_url_of(load_settings())
    checks = Checks()
    for scenario in scenarios:
        if args.only in (None, scenario.name):
            run(server, args, scenario, checks)
    checks.exit()


if __name__ == "__main__":
    main()
