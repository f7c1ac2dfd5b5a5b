"""Replaying a season on a simulated clock through the real reconciler, queue and workers.

The driver owns the clock. At each step it publishes the time (for worker processes), runs the
reconciler, and waits until the queue has drained (re-queueing the jobs of dead workers as it
waits); it repeats at the same time until nothing new is due, then jumps the clock to the next
moment anything becomes due: a stage window opening, a live poll, a fixture sync.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from procrastinate import App

from footcast import errors
from footcast.clock import SimulatedClock
from footcast.db import clock as shared_clock
from footcast.db import jobs, stages
from footcast.db import reconcile as plan_sql
from footcast.pipeline import queue
from footcast.pipeline.context import Context
from footcast.pipeline.reconcile import reconcile, recover_stalled

__all__ = ["Progress", "replay"]

log = logging.getLogger(__name__)


@dataclass(kw_only=True)
class Progress:
    now: datetime
    steps: int = 0
    enqueued: int = 0
    recovered: int = 0


async def _drain(ctx: Context, app: App, *, timeout: float, poll: float) -> int:
    """Wait until no job is waiting or running; re-queue stalled jobs meanwhile."""
    started = last_recovery = time.monotonic()
    recovered = 0
    while True:
        with ctx.database.transaction() as session:
            if jobs.unfinished(session) == 0:
                return recovered
        now = time.monotonic()
        if now - started > timeout:
            raise errors.PipelineError(
                f"the queue did not drain within {timeout:.0f} s at simulated"
                f" {ctx.clock.now().isoformat()}: is a worker running?"
            )
        if now - last_recovery >= 1.0:
            recovered += await recover_stalled(app, ctx)
            last_recovery = now
        await asyncio.sleep(poll)


def _next_time(ctx: Context, now: datetime) -> datetime | None:
    with ctx.database.transaction() as session:
        due = plan_sql.next_due(session, now=now, windows=ctx.windows)
        last_sync = stages.last_sync(session, ctx.source.name)
        live = plan_sql.running(session, now=now)
    candidates = [t for t in (due,) if t is not None]
    if last_sync is not None:
        candidates.append(last_sync + ctx.settings.fixtures_every)
    if live:
        candidates.append(now + ctx.settings.live_every)
    return min(candidates) if candidates else None


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
    elsewhere (they read the time this driver publishes: ``FOOTCAST_CLOCK=simulated``).
    """
    progress = Progress(now=clock.now())
    worker: asyncio.Task[None] | None = None
    if workers:
        options = queue.worker_options(ctx, ctx.settings, concurrency=workers)
        options["install_signal_handlers"] = False
        worker = asyncio.create_task(app.run_worker_async(**options))
    try:
        while True:
            now = clock.now()
            shared_clock.set_simulated_time(ctx.database, now)
            while True:
                plan = await reconcile(ctx, app, recover=False)  # _drain recovers
                progress.enqueued += plan.enqueued
                progress.recovered += plan.recovered
                progress.recovered += await _drain(ctx, app, timeout=drain_timeout, poll=0.005)
                if worker is not None and worker.done():
                    worker.result()  # surface the in-process worker's crash
                if plan.enqueued == 0:
                    break
            progress.steps += 1
            progress.now = now
            on_step(progress)
            upcoming = _next_time(ctx, now)
            if upcoming is None or upcoming > until:
                return progress
            clock.set(upcoming)
    finally:
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
