"""42 LLM forecasters × 100 matches through real `footcast worker` processes and a fake provider.

The fake OpenAI-compatible server (real HTTP on 127.0.0.1) answers each request after 200 ms and
counts every request past a provider's limit of 8 concurrent requests. Two worker processes
(concurrency 4 each, each prediction job asking its forecasters 16 at a time) share the limits
through PostgreSQL. Prints the makespan (jobs enqueued → every prediction stored), the lower
bound of the issue (requests × latency / total allowed concurrency), the bound per provider
(the busiest provider's requests × latency / its limit), their ratios, and the violations the
fake recorded. Two rosters: the reference one (35 models at one provider, 7 at the other), and
the same 42 models split evenly, where both bounds agree. Target: ratio ≤ 1.15, 0 violations.

    .venv/bin/python benchmarks/llm_fanout.py [--matches 100] [--latency-ms 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL

from footcast import rosters
from footcast.config import load_settings
from footcast.db import Database, connect, engine
from footcast.db.tables import Prediction
from footcast.db.writes import matches, snapshots
from footcast.domain.analysis import Odds, Snapshot
from footcast.domain.fixture import Fixture
from footcast.domain.names import MatchStatus
from footcast.fakes.openai import FakeOpenAI, Limits
from footcast.forecasters import roster
from footcast.pipeline import llms, queue
from footcast.pipeline.reconcile import enqueue

LIMIT = 8


def roster_text(base: roster.Roster, fake: FakeOpenAI, *, balanced: bool) -> str:
    """The reference models on the fake; ``balanced`` deals them out to the providers evenly."""
    names = sorted(base.providers)
    lines = []
    for name in names:
        lines += [
            f"[providers.{name}]",
            f'base_url = "{fake.base_url(name)}"',
            f"max_concurrent = {LIMIT}",
            "requests_per_minute = 100000",
            "timeout_seconds = 30",
            "",
        ]
    for n, model in enumerate(base.models):
        provider = names[n % len(names)] if balanced else model.provider
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
    """``count`` matches kicking off in 20 minutes, each with its analysis snapshot."""
    now = datetime.now(UTC)
    kickoff = now + timedelta(minutes=20)
    fixtures = [
        Fixture(
            external_id=f"bench-{n}",
            competition="BENCH",
            competition_name="Bench league",
            season="2026",
            round=None,
            home=f"Home {n}",
            away=f"Away {n}",
            kickoff=kickoff,
            status=MatchStatus.SCHEDULED,
        )
        for n in range(count)
    ]
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


def run(url: URL, args: argparse.Namespace, *, balanced: bool) -> None:
    name = "balanced" if balanced else "reference"
    database_url = engine.ensure_database(url, f"footcast_bench_llm_{name}", drop_first=True)
    database = connect(database_url)
    limits = {p: Limits(max_concurrent=LIMIT) for p in ("together", "synthetic")}
    with (
        FakeOpenAI(latency_ms=args.latency_ms, limits=limits) as fake,
        tempfile.TemporaryDirectory() as tmp,
    ):
        path = Path(tmp) / "roster.toml"
        path.write_text(roster_text(roster.load(rosters.REFERENCE), fake, balanced=balanced))
        models = roster.load(path)
        match_ids = prepare(database, args.matches, models)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")},
            "FOOTCAST_DATABASE_URL": database_url.render_as_string(hide_password=False),
            "FOOTCAST_ROSTER": str(path),
        }
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "footcast.cli", "worker", "--concurrency", "4"],
                env={**env, "FOOTCAST_WORKER_NAME": f"bench-{n}"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for n in range(args.workers)
        ]
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
                if time.perf_counter() - started > 900:
                    raise SystemExit(
                        f"{name}: only {stored} of {expected} predictions after 15 min"
                    )
            makespan = time.perf_counter() - started
        finally:
            for process in workers:
                process.terminate()
            for process in workers:
                process.wait(timeout=30)
        stats = fake.stats()
    database.dispose()

    latency = args.latency_ms / 1000
    per_provider: dict[str, int] = {}
    for model in models.models:
        per_provider[model.provider] = per_provider.get(model.provider, 0) + args.matches
    issue_bound = expected * latency / (LIMIT * len(per_provider))
    provider_bound = max(per_provider.values()) * latency / LIMIT
    print(
        f"[{name}] models per provider: {dict(sorted((p, n // args.matches) for p, n in per_provider.items()))}"
    )
    print(
        f"[{name}] {expected} predictions, {len(stats.requests)} requests, makespan {makespan:.1f} s"
    )
    print(
        f"[{name}] lower bound (requests × latency / total concurrency): {issue_bound:.1f} s, ratio {makespan / issue_bound:.2f} (target ≤ 1.15)"
    )
    print(
        f"[{name}] busiest provider's bound: {provider_bound:.1f} s, ratio {makespan / provider_bound:.2f}"
    )
    print(
        f"[{name}] max concurrency seen by the fake: {stats.max_concurrency}; violations: {dict(stats.violations) or 0}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--matches", type=int, default=100)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["reference", "balanced"])
    args = parser.parse_args()
    server = engine.server_url_of(load_settings())
    for balanced in (False, True):
        if args.only in (None, "balanced" if balanced else "reference"):
            run(server, args, balanced=balanced)


if __name__ == "__main__":
    main()
