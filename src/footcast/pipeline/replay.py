"""Replaying a season on a simulated clock through the real reconciler, queue and workers.

The driver owns the clock. At each step it publishes the time (for worker processes), runs the
reconciler, and waits until the queue has drained (re-queueing the jobs of dead workers as it
waits); it repeats at the same time until nothing new is due, then jumps the clock to the next
moment anything becomes due: a stage window opening, a live poll, a fixture sync.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from procrastinate import App, exceptions

from footcast.clock import SimulatedClock
from footcast.db.coordination import jobs, shared_clock
from footcast.db.reads import plan as plan_sql
from footcast.db.writes import stages
from footcast.pipeline import queue, retry
from footcast.pipeline.context import Context
from footcast.pipeline.reconcile import drain, reconcile

__all__ = ["Progress", "replay"]

log = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
ANALYZE_EVERY = 100  # steps between refreshes of the planner statistics of growing tables


@dataclass(kw_only=True)
class Progress:
    start: datetime
    until: datetime
    now: datetime
    steps: int = 0

    @property
    def fraction(self) -> float:
        return (self.now - self.start) / (self.until - self.start)

    enqueued: int = 0
    recovered: int = 0


def _next_time(ctx: Context, now: datetime) -> datetime | None:
    with ctx.database.transaction() as session:
        leads = [
            ctx.settings.windows.analysis_lead,
            ctx.settings.windows.lineups_lead,
            ctx.settings.windows.prediction_lead,
            ctx.settings.windows.consensus_lead,
            timedelta(0),
        ]
        due = plan_sql.next_due(session, now=now, leads=leads)
        last_sync = stages.last_sync(session, ctx.source.name)
        live = plan_sql.running(session, now=now)
    candidates = [t for t in (due,) if t is not None]
    if last_sync is not None:
        candidates.append(last_sync + ctx.settings.pipeline.fixtures_every)
    if live:
        candidates.append(now + ctx.settings.windows.live_every)
    return min(candidates) if candidates else None


def _lost_database(exc: BaseException) -> bool:
    return retry.is_retryable(exc) or isinstance(exc, exceptions.ConnectorException)


async def replay(
    ctx: Context,
    app: App,
    clock: SimulatedClock,
    *,
    until: datetime,
    workers: int = 1,
    drain_timeout: float = 120.0,
    on_step: Callable[[Progress], None] = lambda progress: None,
) -> Progress:
    """Run the pipeline from the clock's time to ``until``.

    ``workers``: concurrency of a worker run inside this process; 0 when worker processes run
    elsewhere (they read the time this driver publishes: ``FOOTCAST_CLOCK=simulated``). When the
    database goes away, the driver waits for it and repeats the step.
    """
    progress = Progress(start=clock.now(), until=until, now=clock.now())
    worker = queue.InProcessWorker(ctx, app, workers) if workers else None
    try:
        while True:
            now = clock.now()
            try:
                await _step(ctx, app, now, progress, worker, drain_timeout)
                if (progress.steps + 1) % ANALYZE_EVERY == 0:
                    await asyncio.to_thread(jobs.analyze, ctx.database)
                upcoming = _next_time(ctx, now)
            except Exception as exc:
                if not _lost_database(exc):
                    raise
                log.warning("database lost at %s (%s); retrying the step", now.isoformat(), exc)
                if worker is not None:
                    # a fresh worker listens again: Procrastinate's LISTEN connection does not
                    # come back by itself after a failed reconnect (it would only poll)
                    await worker.stop()
                await asyncio.sleep(RETRY_SECONDS)
                continue
            progress.steps += 1
            progress.now = now
            on_step(progress)
            if upcoming is None or upcoming > until:
                return progress
            clock.set(upcoming)
    finally:
        if worker is not None:
            await worker.stop()


async def _step(
    ctx: Context,
    app: App,
    now: datetime,
    progress: Progress,
    worker: queue.InProcessWorker | None,
    drain_timeout: float,
) -> None:
    """Everything due at ``now``: reconcile and drain until nothing new is enqueued."""
    if worker is not None:
        worker.ensure_running()
    shared_clock.set_simulated_time(ctx.database, now)
    first = True
    while True:
        # drain() recovers stalled jobs; the history is pruned once per moment
        plan = await reconcile(ctx, app, recover=False, prune=first)
        first = False
        progress.enqueued += plan.enqueued
        progress.recovered += await drain(ctx, app, timeout=drain_timeout, poll=0.005)
        if worker is not None:
            worker.ensure_running()
        if plan.enqueued == 0:
            return
