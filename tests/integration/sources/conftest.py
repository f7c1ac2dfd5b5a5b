"""Fixtures for sources against fake provider servers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from footcast.clock import SimulatedClock
from footcast.fakes.api_football import FakeApiFootball
from footcast.sources.api_football.limiter import MemoryLimiter


@pytest.fixture
def fake() -> Iterator[FakeApiFootball]:
    with FakeApiFootball(slow_seconds=0.5) as server:
        yield server


@pytest.fixture
def limiter(clock: SimulatedClock) -> MemoryLimiter:
    """A generous in-memory limiter with a short window (a rate limit waits 0.2 s)."""
    return MemoryLimiter(per_window=100, window_seconds=0.2, daily_budget=10_000, clock=clock)
