"""The request limiter the client asks before every request, and an in-memory one.

The policy (the PostgreSQL limiter in ``footcast.db.coordination.limits`` shares it between
processes):

* a sliding window: at most ``per_window`` requests in any ``window_seconds``. A request holds its
  slot from ``acquire`` until it is released, and for a whole window after that, so the provider
  (which counts a request when it arrives, in windows not aligned with ours) never sees more;
* the provider's per-window headers lower the limit (``window_limit``) and, when the provider
  counts more requests than we do (``window_limit - window_remaining``), fill the window up;
* a daily budget per UTC day; a provider saying none is left (``day_remaining == 0``) stops
  requests until the next 00:00 UTC. Both refuse with ``QuotaExhausted`` before anything is sent.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

import anyio

from footcast import errors
from footcast.clock import Clock

__all__ = ["Limiter", "MemoryLimiter"]


class Limiter(Protocol):
    """Decides when a request to a provider may be sent."""

    async def acquire(self) -> int:
        """Wait for a free slot and take one request from today's budget; returns a ticket.

        Raises:
            QuotaExhausted: the daily budget is used up; nothing may be sent today.
        """
        ...

    async def release(
        self,
        ticket: int,
        *,
        window_limit: int | None = None,
        window_remaining: int | None = None,
        day_remaining: int | None = None,
    ) -> None:
        """The ticket's request is over; the provider's rate-limit headers when it answered."""
        ...


class MemoryLimiter:
    """The limiter policy for the tasks of one event loop (tests and one-process scripts)."""

    def __init__(
        self,
        *,
        per_window: int,
        window_seconds: float,
        daily_budget: int,
        clock: Clock,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_window = per_window
        self._window = window_seconds
        self._budget = daily_budget
        self._clock = clock
        self._monotonic = monotonic
        self._tickets = itertools.count(1)
        self._in_flight: set[int] = set()
        self._done: deque[float] = deque()  # when released requests (and padding) took a slot
        self._reported: int | None = None
        self._day: date | None = None
        self._used = 0
        self._blocked_until: datetime | None = None

    @property
    def used_today(self) -> int:
        return self._used if self._day == self._clock.now().date() else 0

    async def acquire(self) -> int:
        while True:
            self._check_budget()
            now = self._monotonic()
            busy, limit = self._busy(now), self._limit()
            if busy < limit:
                ticket = next(self._tickets)
                self._in_flight.add(ticket)
                self._used = self.used_today + 1
                self._day = self._clock.now().date()
                return ticket
            excess = busy - limit
            wait = (
                self._done[excess] + self._window - now
                if excess < len(self._done)
                else self._window / 20  # every slot is in flight: look again soon
            )
            await anyio.sleep(max(wait, 0.001))

    async def release(
        self,
        ticket: int,
        *,
        window_limit: int | None = None,
        window_remaining: int | None = None,
        day_remaining: int | None = None,
    ) -> None:
        self._in_flight.discard(ticket)
        now = self._monotonic()
        self._done.append(now)
        if window_limit is not None:
            self._reported = window_limit
        if window_remaining is not None:
            unseen = self._limit() - window_remaining - self._busy(now)
            self._done.extend([now] * max(0, unseen))
        if day_remaining == 0:
            today = datetime.combine(self._clock.now().date(), datetime.min.time(), UTC)
            self._blocked_until = today + timedelta(days=1)

    def _limit(self) -> int:
        return min(self._per_window, max(1, self._reported or self._per_window))

    def _busy(self, now: float) -> int:
        while self._done and self._done[0] <= now - self._window:
            self._done.popleft()
        return len(self._done) + len(self._in_flight)

    def _check_budget(self) -> None:
        now = self._clock.now()
        if self._blocked_until is not None and now < self._blocked_until:
            raise errors.QuotaExhausted(
                f"the provider reported no requests left today; none are sent until"
                f" {self._blocked_until.isoformat()}"
            )
        if self.used_today >= self._budget:
            raise errors.QuotaExhausted(
                f"the daily budget of {self._budget} requests is used up for {now.date()} (UTC)"
            )
