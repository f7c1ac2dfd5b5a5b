"""The API-Football client against the fake provider, with the shared PostgreSQL limiter.

(a) Overhead: 1,000 fixture requests through ``ApiFootballClient`` (with the PostgreSQL limiter,
    typed parsing, retries) and the same 1,000 through a raw ``httpx.AsyncClient`` (``.json()``)
    in the same process, against one fake server. Prints per-request mean/p50/p99 of both and the
    client's overhead per request. Target: ≤ 2 ms.
(b) Shared limit: worker processes, each with its own client and the PostgreSQL limiter, send
    requests to one fake server (in this process) that enforces 50 requests per 1 s window.
    Prints requests sent, the largest number the server saw in any window, and violations.
    Target: 0 violations. The script exits 1 when a target is missed.

The database is FOOTCAST_DATABASE_URL's server, or the embedded one by default.

    .venv/bin/python benchmarks/api_client.py [--requests 1000] [--workers 4] [--per-worker 60]
        [--limit 50] [--window 1.0]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from multiprocessing import get_context

import anyio
import httpx

from _checks import Checks
from footcast import errors
from footcast.config import load_settings
from footcast.db import connect, engine
from footcast.db.coordination import limits
from footcast.fakes.api_football import FakeApiFootball
from footcast.sources.api_football.client import ApiFootballClient

DAY = date(2025, 8, 16)
QUERY = {"league": "39", "season": "2025", "from": "2025-08-16", "to": "2025-08-16",
         "timezone": "UTC"}  # fmt: skip


def _stats(samples: list[float]) -> tuple[float, float, float]:
    """Mean, p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * len(ordered)))]
    return 1000 * statistics.fmean(ordered), 1000 * statistics.median(ordered), 1000 * p99


async def _through_client(client: ApiFootballClient, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        await client.fixtures(39, 2025, start=DAY, end=DAY)
        samples.append(time.perf_counter() - started)
    return samples


async def _raw(http: httpx.AsyncClient, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        (await http.get("fixtures", params=QUERY)).json()
        samples.append(time.perf_counter() - started)
    return samples


async def overhead(url: str, servers: tuple[str, str], key: str, count: int) -> float:
    """(a): the same requests through our client and through raw httpx, interleaved in blocks.

    Each talks to its own (identical) server: the raw requests are not our limiter's, and the
    server's rate-limit headers would tell the limiter about them.
    """
    database = connect(url, upgrade=False)
    policy = limits.Policy(scope="bench-overhead", per_window=1_000_000,
                           window=timedelta(seconds=60), daily_budget=1_000_000)  # fmt: skip
    limiter = limits.PostgresLimiter(database, policy)
    ours: list[float] = []
    raw: list[float] = []
    async with (
        ApiFootballClient(key, limiter=limiter, base_url=servers[0]) as client,
        httpx.AsyncClient(base_url=servers[1], headers={"x-apisports-key": key}) as http,
    ):
        await _through_client(client, 20)  # warm up connections, threads and caches
        await _raw(http, 20)
        block = 100
        for done in range(0, count, block):
            ours += await _through_client(client, min(block, count - done))
            raw += await _raw(http, min(block, count - done))
    database.dispose()
    for name, samples in (("ApiFootballClient + PostgreSQL limiter", ours), ("raw httpx", raw)):
        mean, p50, p99 = _stats(samples)
        print(f"  {name:<40} n={len(samples):,}  mean {mean:.3f} ms  p50 {p50:.3f} ms"
              f"  p99 {p99:.3f} ms")  # fmt: skip
    extra = 1000 * (statistics.fmean(ours) - statistics.fmean(raw))
    extra_p50 = 1000 * (statistics.median(ours) - statistics.median(raw))
    print(f"  client overhead per request: {extra:.3f} ms mean, {extra_p50:.3f} ms p50")
    return extra


def worker(url: str, base_url: str, key: str, policy: limits.Policy, count: int) -> dict[str, int]:
    """(b), in a worker process: ``count`` requests through its own client and limiter."""

    async def run() -> dict[str, int]:
        database = connect(url, upgrade=False)
        outcomes: dict[str, int] = {}
        limiter = limits.PostgresLimiter(database, policy)
        async with ApiFootballClient(key, limiter=limiter, base_url=base_url) as client:
            for _ in range(count):
                try:
                    await client.fixtures(39, 2025, start=DAY, end=DAY)
                    outcome = "ok"
                except errors.FootcastError as exc:
                    outcome = exc.code
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        database.dispose()
        return outcomes

    return anyio.run(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--per-worker", type=int, default=60)
    parser.add_argument("--limit", type=int, default=50, help="server limit per window")
    parser.add_argument("--window", type=float, default=1.0, help="window length in seconds")
    parser.add_argument("--database", default="footcast_bench_api_client")
    args = parser.parse_args()

    settings = load_settings()
    url = engine.ensure_database(engine.server_url_of(settings), args.database, drop_first=True)
    connect(url).dispose()  # migrated once, here
    url_text = url.render_as_string(hide_password=False)
    print(f"server: {engine.redact(url)}")

    print(f"(a) {args.requests:,} requests of /fixtures (one day, 3 fixtures), one at a time")
    with FakeApiFootball() as ours, FakeApiFootball() as theirs:
        extra = anyio.run(overhead, url_text, (ours.url, theirs.url), ours.key, args.requests)

    total = args.workers * args.per_worker
    print(f"(b) {args.workers} worker processes × {args.per_worker} requests = {total:,};"
          f" the server allows {args.limit} per {args.window:g} s window")  # fmt: skip
    policy = limits.Policy(scope="api-football", per_window=args.limit,
                           window=timedelta(seconds=args.window), daily_budget=1_000_000)  # fmt: skip
    with FakeApiFootball(per_window=args.limit, window_seconds=args.window) as fake:
        started = time.perf_counter()
        with ProcessPoolExecutor(args.workers, mp_context=get_context("spawn")) as pool:
            futures = [
                pool.submit(worker, url_text, fake.url, fake.key, policy, args.per_worker)
                for _ in range(args.workers)
            ]
            outcomes: dict[str, int] = {}
            for future in futures:
                for outcome, n in future.result().items():
                    outcomes[outcome] = outcomes.get(outcome, 0) + n
        elapsed = time.perf_counter() - started
        sent, largest, violations = len(fake.requests), fake.max_in_window, fake.violations
    span = fake.requests[-1].at - fake.requests[0].at if sent else 0.0
    least = (math.ceil(sent / args.limit) - 1) * args.window
    print(f"  requests sent: {sent:,} in {elapsed:.1f} s (incl. process start); arrivals spread"
          f" over {span:.2f} s (the limit allows no less than {least:g} s)")  # fmt: skip
    print(f"  outcomes: {dict(sorted(outcomes.items()))}")
    print(f"  largest count in any {args.window:g} s window seen by the server: {largest}"
          f" (limit {args.limit})")  # fmt: skip
    checks = Checks()
    checks.check("client overhead per request", f"{extra:.3f} ms mean", "≤ 2 ms", extra <= 2)
    checks.check("violations", f"{violations}; largest window {largest} of {args.limit}", "0",
                 not violations and largest <= args.limit)  # fmt: skip
    checks.exit()


if __name__ == "__main__":
    main()
