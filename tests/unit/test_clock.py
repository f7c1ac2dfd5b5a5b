from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from footcast.clock import SimulatedClock, SystemClock


def test_system_clock_is_aware_utc() -> None:
    assert SystemClock().now().tzinfo is UTC


def test_simulated_clock_moves_only_forward() -> None:
    clock = SimulatedClock(datetime(2025, 1, 1, tzinfo=UTC))
    assert clock.advance(timedelta(hours=2)) == datetime(2025, 1, 1, 2, tzinfo=UTC)
    assert clock.set(datetime(2025, 1, 2, tzinfo=UTC)) == clock.now()
    with pytest.raises(ValueError, match="does not go backwards"):
        clock.set(datetime(2024, 1, 1, tzinfo=UTC))


def test_simulated_clock_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="aware"):
        SimulatedClock(datetime(2025, 1, 1))
