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


def test_simulated_clock_runs_faster_than_real_time_when_given_a_speed() -> None:
    ticks = iter([10.0, 12.5, 13.0, 13.0, 14.0])
    clock = SimulatedClock(
        datetime(2025, 1, 1, tzinfo=UTC), speed=3600, monotonic=lambda: next(ticks)
    )
    # 2.5 real seconds at 3600x: 2.5 simulated hours
    assert clock.now() == datetime(2025, 1, 1, 2, 30, tzinfo=UTC)
    # a manual jump keeps the run so far and adds to it
    assert clock.advance(timedelta(days=1)) == datetime(2025, 1, 2, 3, 0, tzinfo=UTC)
    assert clock.now() == datetime(2025, 1, 2, 4, 0, tzinfo=UTC)


def test_simulated_clock_refuses_a_negative_speed() -> None:
    with pytest.raises(ValueError, match="speed=-1"):
        SimulatedClock(datetime(2025, 1, 1, tzinfo=UTC), speed=-1)
