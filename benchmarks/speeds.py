"""Small speeds that unit tests must not assert (a busy machine fails them, not the code).

- the simulated league: building a 20-team season (the fastest of 3 builds) and listing a
  14-day window of fixtures (the fastest of 20 calls); targets ≤ 50 ms and ≤ 2 ms;
- the in-memory API-Football limiter: the first ``per_window`` requests of an empty window are
  granted at once (3 of a 3-per-window limit, fastest of 5 rounds); target ≤ 50 ms for all three.

Each figure is printed as met or missed; the script exits 1 when one is missed.

    .venv/bin/python benchmarks/speeds.py
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import anyio

from _checks import Checks
from footcast.clock import SimulatedClock
from footcast.sources.api_football.limiter import MemoryLimiter
from footcast.sources.simulated import SimulatedLeague


def _builds() -> float:
    fastest = float("inf")
    for seed in range(3):
        started = time.perf_counter()
        SimulatedLeague(seed)
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


def _window(league: SimulatedLeague) -> float:
    now = league.first_kickoff + timedelta(days=100)
    fastest = float("inf")
    for _ in range(20):
        started = time.perf_counter()
        league.fixtures(now, now + timedelta(days=14), now=now)
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


async def _three_at_once() -> float:
    fastest = float("inf")
    for _ in range(5):
        limiter = MemoryLimiter(
            per_window=3,
            window_seconds=1.0,
            daily_budget=100,
            clock=SimulatedClock(datetime(2026, 1, 1, tzinfo=UTC)),
        )
        started = time.perf_counter()
        for _ in range(3):
            await limiter.release(await limiter.acquire())
        fastest = min(fastest, time.perf_counter() - started)
    return fastest


def main() -> None:
    checks = Checks()
    build = _builds()
    checks.check("simulated league build", f"{1000 * build:.1f} ms", "≤ 50 ms", build <= 0.05)
    window = _window(SimulatedLeague(1))
    checks.check("simulated 14-day window", f"{1000 * window:.2f} ms", "≤ 2 ms", window <= 0.002)
    three = anyio.run(_three_at_once)
    checks.check(
        "limiter: three requests of an empty window", f"{1000 * three:.2f} ms", "≤ 50 ms",
        three <= 0.05,
    )  # fmt: skip
    checks.exit()


if __name__ == "__main__":
    main()
