"""Replaying a season on a simulated clock through the real reconciler, queue and workers.

The driver owns the clock. At each step it publishes the time (for worker processes) and plans
what is due; then it jumps the clock to the next moment anything becomes due: a stage window
opening, a live poll, a fixture sync. Every job it enqueues runs at the moment it was planned
for (its ``at``), so a moment's jobs need not be finished when the clock moves on:

- A moment whose work only reads facts no job in flight writes (the analysis, lineups,
  predictions and consensus of matches with nothing in flight) is enqueued and left to run
  beside the moments before it.
- Any other moment (a fixture sync, a live poll, a settlement, a probe, or a unit of a match
  whose earlier work is still in flight) first waits for every job in flight, then runs as one
  step: reconcile and wait for the queue to drain (re-queueing the jobs of dead workers),
  again at the same time until nothing new is due.

So each job sees exactly the facts it would see if every moment ran alone, and a replay's
leaderboard is the same with overlap as without (tested). With a roster's models it does not
overlap: their failures pause them for every match, so predictions keep the clock's order.
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
from footcast.domain.names import Stage
from footcast.pipeline import queue, reconcile, retry
from footcast.pipeline.context import Context

__all__ = ["Progress", "replay"]

log = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
# stages whose jobs write what other matches' work reads (matches and kickoffs, results, points,
# a model's health): their moment waits for all work in flight, and is waited for
BARRIERS = frozenset({Stage.FIXTURES, Stage.LIVE, Stage.SETTLEMENT, Stage.PROBE})
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
    overlapped: int = 0  # moments enqueued beside the work in flight, not waited for


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
    overlap: bool = True,
    on_step: Callable[[Progress], None] = lambda progress: None,
) -> Progress:
    """Run the pipeline from the clock's time to ``until``.

    ``workers``: concurrency of a worker run inside this process; 0 when worker processes run
    elsewhere (they read the time this driver publishes: ``FOOTCAST_CLOCK=simulated``).
    ``overlap``: let independent moments run beside each other (see the module's docstring);
    off, every moment drains before the clock moves. When the database goes away, the driver
    waits for it and repeats the step.
    """
    progress = Progress(start=clock.now(), until=until, now=clock.now())
    worker = queue.InProcessWorker(ctx, app, workers) if workers else None
    overlap = overlap and ctx.forecasters.llms is None
    step = _Step(ctx, app, progress, worker, drain_timeout)
    try:
        while True:
            now = clock.now()
            try:
                await step.run(now, overlap=overlap)
                if (progress.steps + 1) % ANALYZE_EVERY == 0:
                    await asyncio.to_thread(jobs.analyze, ctx.database)
                upcoming = _next_time(ctx, now)
                if upcoming is None or upcoming > until:
                    # the last moment's work, and what it makes due at the same time
                    await step.run(now, overlap=False)
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


class _Step:
    """One moment of the replay: plan, enqueue, and wait where the moment needs it."""

    def __init__(
        self,
        ctx: Context,
        app: App,
        progress: Progress,
        worker: queue.InProcessWorker | None,
        drain_timeout: float,
    ) -> None:
        self._ctx = ctx
        self._app = app
        self._progress = progress
        self._worker = worker
        self._drain_timeout = drain_timeout

    async def run(self, now: datetime, *, overlap: bool) -> None:
        """Everything due at ``now``: enqueued beside the work in flight when ``overlap`` and
        independent of it, else after it, reconciled and drained until nothing new is due."""
        ctx = self._ctx
        if self._worker is not None:
            self._worker.ensure_running()
        await asyncio.to_thread(shared_clock.set_simulated_time, ctx.database, now)
        plan = await asyncio.to_thread(reconcile.plan, ctx, now=now)
        busy = await asyncio.to_thread(_in_flight, ctx)
        if overlap and _independent(plan, busy):
            await self._carry_out(plan, prune=True)
            self._progress.overlapped += 1
            return
        if busy:
            await self._drain()
            plan = await asyncio.to_thread(reconcile.plan, ctx, now=now)
        first = True
        while True:
            # drain() recovers stalled jobs; the history is pruned once per moment
            await self._carry_out(plan, prune=first)
            first = False
            await self._drain()
            if plan.enqueued == 0:
                return
            plan = await asyncio.to_thread(reconcile.plan, ctx, now=now)

    async def _carry_out(self, plan: reconcile.Plan, *, prune: bool) -> None:
        await reconcile.carry_out(self._ctx, self._app, plan, recover=False, prune=prune,
                                  fixed=True)  # fmt: skip
        self._progress.enqueued += plan.enqueued

    async def _drain(self) -> None:
        self._progress.recovered += await reconcile.drain(
            self._ctx, self._app, timeout=self._drain_timeout, poll=0.005
        )
        if self._worker is not None:
            self._worker.ensure_running()


def _in_flight(ctx: Context) -> set[int | None]:
    with ctx.database.transaction() as session:
        return set(jobs.in_flight(session))


def _independent(plan: reconcile.Plan, busy: set[int | None]) -> bool:
    """Whether ``plan``'s work reads nothing the jobs in flight (of matches ``busy``) write."""
    if plan.fixtures_due or plan.probes or plan.dead_jobs or None in busy:
        return False
    return all(u.stage not in BARRIERS and u.match_id not in busy for u in plan.units)
