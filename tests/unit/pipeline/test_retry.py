"""The retry policy of every stage job, as a table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from procrastinate.jobs import Job

from footcast import errors
from footcast.pipeline.retry import MAX_DELAY_SECONDS, RESTING_MARGIN, Backoff


def _job(attempts: int) -> Job:
    return Job(
        id=1, queue="footcast", lock=None, queueing_lock=None, task_name="settlement",
        attempts=attempts,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("error", "attempts", "retry_ms"),
    [
        (errors.NotReady(), 0, 1000),  # base 1 s × 2**0 × 1.0
        (errors.NotReady(), 3, 8000),
        (errors.NotReady(), 4, None),  # the fifth run was the last
        (errors.DatabaseUnavailable(), 1, 2000),
        (errors.InvalidOutput(), 0, None),  # permanent: no retry
        (ValueError("a bug"), 0, None),
        # a failure the ledger never got is retried past the limit, the wait capped
        (errors.FailureUnrecorded(), 4, 16000),
        (errors.FailureUnrecorded(), 40, round(MAX_DELAY_SECONDS * 1000)),
    ],
)
def test_backoff_decides_from_the_error_and_the_attempts(
    error: Exception, attempts: int, retry_ms: int | None
) -> None:
    backoff = Backoff(max_attempts=5, base_seconds=1.0, random=lambda: 0.5)
    before = datetime.now(UTC)
    decision = backoff.get_retry_decision(exception=error, job=_job(attempts))
    after = datetime.now(UTC)
    if retry_ms is None:
        assert decision is None
    else:
        assert decision is not None
        assert decision.retry_at is not None
        wait = timedelta(milliseconds=retry_ms)
        assert before + wait <= decision.retry_at <= after + wait


@pytest.mark.parametrize(("attempts", "retried"), [(0, True), (4, True), (18, True), (19, False)])
def test_backoff_waits_for_a_rest_to_end_past_the_attempt_limit(
    attempts: int, retried: bool
) -> None:
    backoff = Backoff(max_attempts=5, base_seconds=1.0, patience=4)
    until = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    decision = backoff.get_retry_decision(exception=errors.Resting(until=until), job=_job(attempts))
    if not retried:
        assert decision is None  # 20 runs: the provider's rests never end, the unit fails
    else:
        assert decision is not None
        assert decision.retry_at == until + RESTING_MARGIN
