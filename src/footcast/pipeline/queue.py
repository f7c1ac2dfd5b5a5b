"""The job queue: Procrastinate on footcast's own database, the stage tasks, and workers.

Jobs are level-triggered, one per (match, stage): "make match M complete for stage S". Each job's
queueing lock and execution lock is its unit key (``predict:<match>``, ``settle:<match>``...), so
the queue holds at most one waiting job per unit and never runs one unit twice at once. A job
that fails is retried with backoff while the error is transient; every failure goes to the
failure ledger, and the last one is marked terminal. A job a replay enqueues also carries
``at``, the moment it was planned for, and runs on a clock fixed there (``_context``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import psycopg
from procrastinate import App, JobContext
from sqlalchemy.engine import URL

from footcast import errors
from footcast.clock import SimulatedClock
from footcast.config import Settings
from footcast.db import engine
from footcast.db.coordination import jobs
from footcast.db.writes import ledger
from footcast.domain import names
from footcast.domain.names import Stage
from footcast.pipeline import (
    analysis,
    consensus,
    fixtures,
    lineups,
    live,
    predict,
    probe,
    reconcile,
    settlement,
)
from footcast.pipeline.context import Context
from footcast.pipeline.retry import Attempt, Backoff, is_retryable

__all__ = [
    "QUEUE",
    "TICK_CRON",
    "InProcessWorker",
    "conninfo",
    "make_app",
    "worker_options",
]

log = logging.getLogger(__name__)

QUEUE = "footcast"
TICK_CRON = "* * * * * */10"  # the reconciler's periodic tick: every 10 seconds, cluster-wide


def conninfo(url: URL) -> str:
    """The libpq form of a SQLAlchemy URL (psycopg's pool takes it as is)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _autocommit(connection: psycopg.AsyncConnection[Any]) -> None:
    # PROCRASTINATE.md 6: autocommit through configure=, not kwargs (that breaks LISTEN)
    await connection.set_autocommit(True)


def _context(job_context: JobContext) -> Context:
    ctx = job_context.additional_context.get("footcast")
    if not isinstance(ctx, Context):
        raise RuntimeError("worker started without footcast's context (use footcast worker)")
    at = job_context.job.task_kwargs.get("at")
    if isinstance(at, str):
        # a replay's job runs at the moment it was planned for, whatever the driver's clock
        # says by the time a worker takes it (pipeline.replay overlaps moments)
        return dataclasses.replace(ctx, clock=SimulatedClock(datetime.fromisoformat(at)))
    return ctx


def _run(
    job_context: JobContext,
    stage: Stage,
    match_id: int | None,
    work: Callable[[Context, Attempt], str],
    *,
    key: str | None = None,
) -> str:
    """Run one stage job: record any failure in the ledger (terminal when no retry follows),
    resolve earlier failures of the unit on success."""
    ctx = _context(job_context)
    job = job_context.job
    strategy = job_context.task.retry_strategy if job_context.task else None
    backoff = strategy if isinstance(strategy, Backoff) else None
    attempt = Attempt(
        last=backoff is None or backoff.is_last(job.attempts),
        last_wait=backoff is None or backoff.is_last_wait(job.attempts),
    )
    if key is None:
        key = (
            names.unit_key(stage, match_id)
            if match_id is not None
            else names.unit_key(stage, ctx.source.name)
        )
    try:
        outcome = work(ctx, attempt)
    except Exception as exc:
        retry = backoff is not None and backoff.retries(exc, job.attempts)
        try:
            now = ctx.clock.now()
            with ctx.database.transaction() as session:
                # a worker taken for dead whose job ran again elsewhere and succeeded: its
                # late failure is of work already done, and would stay open for ever
                done_elsewhere = job.id is not None and jobs.succeeded(session, job.id)
                if not done_elsewhere:
                    ledger.record(
                        session,
                        stage=stage,
                        key=key,
                        error=exc,
                        now=now,
                        match_id=match_id,
                        payload={"job_id": job.id, "attempt": job.attempts + 1, **job.task_kwargs},
                        terminal=not retry,
                    )
        except Exception as unrecorded:  # the database may be what failed
            log.exception("could not record the failure of %s; it runs again", key)
            # never let the queue end a job whose reason is not in the ledger: the 43 failed
            # settlements of the old system had none
            raise errors.FailureUnrecorded(
                f"{key} failed ({type(exc).__name__}: {exc}) and the failure could not be"
                f" recorded ({type(unrecorded).__name__}); it runs again",
                key=key,
            ) from exc
        if done_elsewhere:
            log.warning("%s failed in a run given up on; a re-run has succeeded: %s", key, exc)
        else:
            log.warning("%s failed (attempt %d, retry=%s): %s", key, job.attempts + 1, retry, exc)
        raise
    try:
        with ctx.database.transaction() as session:
            ledger.resolve(session, stage=stage, keys=[key], now=ctx.clock.now())
    except Exception as unrecorded:
        raise errors.FailureUnrecorded(
            f"{key} succeeded ({outcome}) but its earlier failures could not be marked"
            f" resolved ({type(unrecorded).__name__}); it runs again",
            key=key,
        ) from unrecorded
    log.info("%s: %s", key, outcome)
    return outcome


def _fixtures(context: JobContext, source: str, at: str | None = None) -> str:
    return _run(
        context, Stage.FIXTURES, None, lambda ctx, attempt: f"{fixtures.sync(ctx)} fixtures"
    )


def _analysis(
    context: JobContext, match_id: int, retroactive: bool = False, at: str | None = None
) -> str:
    return _run(
        context,
        Stage.ANALYSIS,
        match_id,
        lambda ctx, attempt: analysis.build(ctx, match_id, retroactive=retroactive),
    )


def _lineups(
    context: JobContext, match_id: int, retroactive: bool = False, at: str | None = None
) -> str:
    return _run(context, Stage.LINEUPS, match_id, lambda ctx, attempt: lineups.fetch(ctx, match_id))


def _predictions(
    context: JobContext, match_id: int, retroactive: bool = False, at: str | None = None
) -> str:
    return _run(
        context,
        Stage.PREDICTIONS,
        match_id,
        lambda ctx, attempt: predict.predict(
            ctx, match_id, retroactive=retroactive, attempt=attempt
        ),
    )


def _consensus(
    context: JobContext, match_id: int, retroactive: bool = False, at: str | None = None
) -> str:
    return _run(
        context,
        Stage.CONSENSUS,
        match_id,
        lambda ctx, attempt: consensus.make(ctx, match_id, retroactive=retroactive),
    )


def _live(
    context: JobContext, match_id: int, retroactive: bool = False, at: str | None = None
) -> str:
    return _run(context, Stage.LIVE, match_id, lambda ctx, attempt: live.poll(ctx, match_id))


def _settlement(
    context: JobContext, match_id: int, retroactive: bool = False, at: str | None = None
) -> str:
    return _run(
        context,
        Stage.SETTLEMENT,
        match_id,
        lambda ctx, attempt: settlement.settle(ctx, match_id, last_attempt=attempt.last),
    )


def _probe(context: JobContext, forecaster: str, at: str | None = None) -> str:
    return _run(
        context, Stage.PROBE, None, lambda ctx, attempt: probe.probe(ctx, forecaster),
        key=names.unit_key(Stage.PROBE, forecaster),
    )  # fmt: skip


async def _tick(context: JobContext, timestamp: int) -> str:
    ctx = _context(context)
    plan = await reconcile.reconcile(ctx, context.app)
    return plan.summary()


_STAGE_TASKS: dict[Stage, Callable[..., str]] = {
    Stage.FIXTURES: _fixtures,
    Stage.ANALYSIS: _analysis,
    Stage.LINEUPS: _lineups,
    Stage.PREDICTIONS: _predictions,
    Stage.CONSENSUS: _consensus,
    Stage.LIVE: _live,
    Stage.SETTLEMENT: _settlement,
    Stage.PROBE: _probe,
}


def make_app(url: URL, settings: Settings, *, periodic: bool = True, pool_size: int = 4) -> App:
    """A Procrastinate app on footcast's database with every stage task registered.

    ``periodic``: also defer the reconciler's tick every 10 s (off for replays, whose driver
    reconciles, and for ``footcast worker``); every app can run a tick another deferred.
    """
    connector = engine.QueueConnector(
        conninfo=conninfo(url), min_size=1, max_size=pool_size, configure=_autocommit
    )
    app = App(connector=connector)
    backoff = Backoff(
        max_attempts=settings.queue.max_attempts, base_seconds=settings.queue.retry_base_seconds
    )
    for name, function in _STAGE_TASKS.items():
        app.task(name=name, queue=QUEUE, pass_context=True, retry=backoff)(function)
    # every worker knows the tick, whichever process deferred it: the jobs share one queue
    tick = app.task(name="tick", queue=QUEUE, pass_context=True, queueing_lock="tick")(_tick)
    if periodic:
        app.periodic(cron=TICK_CRON, periodic_id="tick")(tick)
    return app


def worker_options(
    ctx: Context, settings: Settings, *, concurrency: int, wait: bool = True
) -> dict[str, Any]:
    """Options for ``App.run_worker_async``: heartbeats and polling tuned for fast recovery of
    jobs left by a killed worker (PROCRASTINATE.md 4, 5). Procrastinate installs no signal
    handlers: the caller stops the worker by cancelling it (``footcast worker`` does so on
    SIGINT and SIGTERM, see ``pipeline.signals``)."""
    return {
        "queues": [QUEUE],
        "name": settings.queue.worker_name,
        "concurrency": concurrency,
        "wait": wait,
        "additional_context": {"footcast": ctx},
        "update_heartbeat_interval": settings.queue.heartbeat_seconds,
        "stalled_worker_timeout": settings.queue.stalled_after_seconds,
        "fetch_job_polling_interval": settings.queue.poll_seconds,
        "delete_jobs": "never",
        "install_signal_handlers": False,
    }


class InProcessWorker:
    """A worker run inside the driver's process, started again if it dies with the database."""

    def __init__(self, ctx: Context, app: App, concurrency: int) -> None:
        self._options = worker_options(ctx, ctx.settings, concurrency=concurrency)
        self._app = app
        self._task: asyncio.Task[None] | None = None

    def ensure_running(self) -> None:
        if self._task is not None and self._task.done():
            error = self._task.exception()
            if error is not None and not is_retryable(error):
                raise error
            log.warning("in-process worker stopped (%s); starting it again", error)
            self._task = None
        if self._task is None:
            self._task = asyncio.create_task(self._app.run_worker_async(**self._options))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
