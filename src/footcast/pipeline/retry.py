"""Which failures are worth another attempt, and when: exponential backoff with jitter."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from footcast import errors

__all__ = ["MAX_DELAY_SECONDS", "RESTING_MARGIN", "Attempt", "Backoff", "is_retryable"]

MAX_DELAY_SECONDS = 300.0
RESTING_MARGIN = timedelta(milliseconds=200)  # run again just after the rest ends


@dataclass(frozen=True, kw_only=True)
class Attempt:
    """Where a run stands: ``last``, no retry follows an ordinary failure; ``last_wait``, none
    follows waiting for a resting provider either."""

    last: bool
    last_wait: bool


def is_retryable(exc: BaseException) -> bool:
    """Transient by nature: our retryable errors (a lost database connection is
    ``DatabaseUnavailable``, translated in ``db``) and the network's. Anything else (a bug, bad
    data) would fail the same way again."""
    if isinstance(exc, errors.FootcastError):
        return exc.retryable
    return isinstance(exc, ConnectionError | TimeoutError)


class Backoff(BaseRetryStrategy):
    """Retry retryable failures up to ``max_attempts`` runs in all, waiting
    ``base * 2**attempt`` seconds times a random factor in [0.5, 1.5).

    Two failures are retried past that limit: ``Resting`` (providers rest until a known time:
    the job runs again then, up to ``patience`` times ``max_attempts`` runs) and
    ``FailureUnrecorded`` (the ledger never got the reason: it always runs again)."""

    def __init__(
        self,
        *,
        max_attempts: int,
        base_seconds: float,
        patience: int = 4,
        random: Callable[[], float] = random.random,
    ) -> None:
        self.max_attempts = max_attempts
        self.base_seconds = base_seconds
        self.patience = patience
        self._random = random

    def is_last(self, attempts_before: int) -> bool:
        return attempts_before + 1 >= self.max_attempts

    def is_last_wait(self, attempts_before: int) -> bool:
        """No more waiting for resting providers after this run."""
        return attempts_before + 1 >= self.max_attempts * self.patience

    def retries(self, exception: BaseException, attempts_before: int) -> bool:
        """Whether a run that failed with ``exception`` runs again."""
        if isinstance(exception, errors.FailureUnrecorded):
            return True
        if isinstance(exception, errors.Resting):
            return not self.is_last_wait(attempts_before)
        return is_retryable(exception) and not self.is_last(attempts_before)

    def delay(self, attempts_before: int) -> float:
        return float(self.base_seconds * 2**attempts_before * (0.5 + self._random()))

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if not self.retries(exception, job.attempts):
            return None
        if isinstance(exception, errors.Resting):
            return RetryDecision(retry_at=exception.until + RESTING_MARGIN)
        seconds = min(self.delay(job.attempts), MAX_DELAY_SECONDS)
        return RetryDecision(retry_in={"milliseconds": round(seconds * 1000)})
