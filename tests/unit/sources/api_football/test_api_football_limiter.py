"""Tests of footcast.sources.api_football.limiter.MemoryLimiter: the limiter policy in memory."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import anyio
import pytest

from footcast import errors
from footcast.clock import SimulatedClock
from footcast.sources.api_football.limiter import MemoryLimiter

pytestmark = pytest.mark.anyio
WINDOW = 0.1


def _limiter(clock: SimulatedClock, *, per_window: int = 3, budget: int = 100) -> MemoryLimiter:
    return MemoryLimiter(
        per_window=per_window, window_seconds=WINDOW, daily_budget=budget, clock=clock
    )


async def _request(limiter: MemoryLimiter, **usage: int) -> float:
    """One request's slot, released at once; the time it was granted."""
    ticket = await limiter.acquire()
    granted = time.monotonic()
    await limiter.release(ticket, **usage)
    return granted


async def test_window_holds_the_limit_then_frees_a_slot(clock: SimulatedClock) -> None:
    limiter = _limiter(clock)
    times = [await _request(limiter) for _ in range(6)]
    # (how fast the first three are granted is a speed: benchmarks/speeds.py measures it)
    assert times[3] - times[0] >= WINDOW  # the fourth waits for the first to leave the window
    assert all(b - a >= WINDOW for a, b in zip(times, times[3:], strict=False))


async def test_window_counts_requests_still_in_flight(clock: SimulatedClock) -> None:
    limiter = _limiter(clock, per_window=2)
    await limiter.acquire()
    await limiter.acquire()
    with anyio.move_on_after(2 * WINDOW) as scope:
        await limiter.acquire()
    assert scope.cancelled_caught


async def test_provider_limit_header_lowers_the_limit(clock: SimulatedClock) -> None:
    limiter = _limiter(clock, per_window=10)
    first = await _request(limiter, window_limit=2)
    await _request(limiter)
    assert await _request(limiter) - first >= WINDOW


async def test_provider_counting_more_fills_the_window(clock: SimulatedClock) -> None:
    limiter = _limiter(clock, per_window=5)
    first = await _request(limiter, window_limit=5, window_remaining=0)  # another user of the key
    assert await _request(limiter) - first >= WINDOW


async def test_daily_budget_refuses_once_used_up_until_the_next_day(clock: SimulatedClock) -> None:
    limiter = _limiter(clock, budget=2)
    await _request(limiter)
    await _request(limiter)
    with pytest.raises(errors.QuotaExhausted, match="budget of 2 requests is used up"):
        await limiter.acquire()
    clock.advance(timedelta(days=1))
    await _request(limiter)
    assert limiter.used_today == 1


async def test_provider_saying_none_left_stops_until_utc_midnight(clock: SimulatedClock) -> None:
    limiter = _limiter(clock)
    await _request(limiter, day_remaining=0)
    with pytest.raises(errors.QuotaExhausted, match="until 2025-08-16T00:00:00"):
        await limiter.acquire()
    clock.set(datetime(2025, 8, 16, 0, 0, tzinfo=UTC))
    await _request(limiter)
