"""Clocks: the only place footcast reads the wall clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "SimulatedClock", "SystemClock"]


class Clock(Protocol):
    """Tells the time; every component reads time only from one of these."""

    def now(self) -> datetime:
        """Return the current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """A clock for replays and tests: it moves when told to and, with ``speed`` > 0, also runs
    on its own ``speed`` times faster than real time (``speed=3600``: an hour per second)."""

    def __init__(
        self,
        start: datetime,
        *,
        speed: float = 0.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if start.tzinfo is None:
            raise ValueError(f"SimulatedClock needs an aware datetime, got {start!r}")
        if speed < 0:
            raise ValueError(f"a clock does not run backwards: speed={speed}")
        self._base = start.astimezone(UTC)
        self._speed = speed
        self._monotonic = monotonic
        self._since = monotonic()

    def now(self) -> datetime:
        if not self._speed:
            return self._base
        return self._base + timedelta(seconds=(self._monotonic() - self._since) * self._speed)

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError(f"a clock does not go backwards: {delta}")
        self._base = self.now() + delta
        self._since = self._monotonic()
        return self._base

    def set(self, when: datetime) -> datetime:
        return self.advance(when.astimezone(UTC) - self.now())
