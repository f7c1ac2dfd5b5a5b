"""Replaying a season on a simulated clock through the real reconciler, queue and workers.

The driver owns the clock. At each step it publishes the time (for worker processes) and plans
what is due; then it jumps the clock to the next moment anything becomes due: a stage window
opening, a live poll, a fixture sync. Every job it enqueues runs at the moment it was planned
for (its ``at``), so a moment's jobs need not be finished when the clock moves on:

- A moment whose work reads nothing a job in flight writes, and writes nothing a job in flight
  reads, is enqueued and left to run beside the moments before it (``_independent``).
- Any other moment first waits for every job in flight, then runs as one step: reconcile and
  wait for the queue to drain (re-queueing the jobs of dead workers), again at the same time
  until nothing new is due.

What other matches read is their history: results, each known ``known_after`` (stuck_after)
past its kickoff. So a live poll before that moment of its match may start beside the work in
flight, and one after it waits; the next moment waits for a live poll (it is due again at the
next poll). A fixture sync (it writes kickoffs and results) and a probe (model health) always
wait.
Each job thus sees exactly the facts it would see if every moment ran alone, and a replay's
predictions and table are the same with overlap as without (tested). With a roster's models it
does not overlap: their failures pause them for every match, so predictions keep the clock's
order.
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
        poll = plan_sql.next_poll(session, now=now, every=ctx.settings.windows.live_every)
    candidates = [t for t in (due, poll) if t is not None]
    if last_sync is not None:
        candidates.append(last_sync + ctx.settings.pipeline.fixtures_every)
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
        # what is in flight first: a job that ends before the plan is read shows in the plan;
        # read the other way round, a job that ended in between would be in neither
        flying = await asyncio.to_thread(_in_flight, ctx)
        plan = await asyncio.to_thread(reconcile.plan, ctx, now=now)
        if overlap and _independent(plan, flying, ctx.known_after):
            await self._carry_out(plan, prune=True)
            self._progress.overlapped += 1
            return
        if flying:
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
        await reconcile.carry_out(
            self._ctx, self._app, plan, recover=False, prune=prune, fixed=True
        )
        self._progress.enqueued += plan.enqueued

    async def _drain(self) -> None:
        self._progress.recovered += await reconcile.drain(
            self._ctx, self._app, timeout=self._drain_timeout, poll=0.005
        )
        if self._worker is not None:
            self._worker.ensure_running()


def _in_flight(ctx: Context) -> list[jobs.InFlight]:
    with ctx.database.transaction() as session:
        return jobs.in_flight(session)


def _independent(plan: reconcile.Plan, flying: list[jobs.InFlight], known_after: timedelta) -> bool:
    """Whether ``plan``'s work and the jobs ``flying`` can run in any order with the same
    outcome: no fixture sync or probe on either side, no match on both, no live poll in flight,
    and no live poll planned that may write a result known by ``plan``'s moment (see the
    module's docstring)."""
    if plan.fixtures_due or plan.probes or plan.dead_jobs:
        return False
    now = plan.now
    # the planner leaves out a unit whose job is in flight: a live poll, due again at every
    # poll, would be skipped rather than run at its time
    if any(job.match_id is None or job.task == Stage.LIVE for job in flying):
        return False
    busy = {job.match_id for job in flying}
    return all(
        unit.match_id not in busy
        and not (unit.stage == Stage.LIVE and unit.kickoff + known_after <= now)
        for unit in plan.units
    )
