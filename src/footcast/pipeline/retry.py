"""Which failures are worth another attempt, and when: exponential backoff with jitter."""

from __future__ import annotations

import random
from collections.abc import Callable

import psycopg
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from sqlalchemy import exc as sa_exc

from footcast import errors

__all__ = ["Backoff", "is_retryable"]


def is_retryable(exc: BaseException) -> bool:
    """Transient by nature: our retryable errors and lost database connections. Anything else
    (a bug, bad data) would fail the same way again."""
    if isinstance(exc, errors.FootcastError):
        return exc.retryable
    if isinstance(exc, sa_exc.DBAPIError):
        return exc.connection_invalidated or isinstance(exc, sa_exc.OperationalError)
    return isinstance(exc, psycopg.OperationalError | ConnectionError | TimeoutError)


class Backoff(BaseRetryStrategy):
    """Retry retryable failures up to ``max_attempts`` runs in all, waiting
    ``base * 2**attempt`` seconds times a random factor in [0.5, 1.5)."""

    def __init__(
        self,
        *,
        max_attempts: int,
        base_seconds: float,
        random: Callable[[], float] = random.random,
    ) -> None:
        self.max_attempts = max_attempts
        self.base_seconds = base_seconds
        self._random = random

    def is_last(self, attempts_before: int) -> bool:
        return attempts_before + 1 >= self.max_attempts

    def delay(self, attempts_before: int) -> float:
        return float(self.base_seconds * 2**attempts_before * (0.5 + self._random()))

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if self.is_last(job.attempts) or not is_retryable(exception):
            return None
        milliseconds = round(self.delay(job.attempts) * 1000)
        return RetryDecision(retry_in={"milliseconds": milliseconds})
