"""Backfill: the reconciler over the last N days, run until nothing more is missing.

Catch-up, backfill and retroactive filling are the same computation: ``--days`` widens the
window, ``--retroactive`` adds point-in-time analysis and predictions for matches past their
deadline. Each unit is its own job, so one failing match never stops the others; running it twice
creates nothing the second time (uniqueness in the database, dedupe keys in the queue).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from procrastinate import App

from footcast import errors
from footcast.db.coordination import jobs
from footcast.db.reads import report
from footcast.pipeline import queue
from footcast.pipeline.context import Context
from footcast.pipeline.reconcile import Plan, drain, plan, reconcile

__all__ = ["Result", "backfill"]


@dataclass(frozen=True, kw_only=True)
class Result:
    plan: Plan  # what was missing when the backfill started
    totals: report.Totals | None  # None for a dry run
    rounds: int


async def backfill(
    ctx: Context,
    app: App,
    *,
    days: int,
    retroactive: bool = False,
    dry_run: bool = False,
    workers: int = 2,
    on_progress: Callable[[dict[str, tuple[int, int]]], None] = lambda progress: None,
    timeout: float = 3600.0,
) -> Result:
    """Reconcile matches kicking off in the last ``days`` days (and the upcoming windows) and
    wait for the work to finish, round after round (analysis, then predictions, then
    settlement). ``workers``: concurrency of a worker inside this process; 0 relies on running
    ``footcast worker`` processes."""
    if days < 1:
        raise errors.ConfigError(f"--days must be at least 1, got {days}")
    now = await asyncio.to_thread(ctx.clock.now)
    since = now - timedelta(days=days)
    first = await asyncio.to_thread(plan, ctx, now=now, since=since, retroactive=retroactive)
    if dry_run:
        return Result(plan=first, totals=None, rounds=0)

    with ctx.database.transaction() as session:
        start = report.mark(session, now=now)
        after_job = jobs.last_id(session)

    async def watch() -> None:
        while True:
            with ctx.database.transaction() as session:
                on_progress(jobs.progress_since(session, after_job))
            await asyncio.sleep(0.2)

    worker = queue.InProcessWorker(ctx, app, workers) if workers else None
    if worker is not None:
        worker.ensure_running()
    watcher = asyncio.create_task(watch())
    rounds = 0
    try:
        while True:
            rounds += 1
            step = await reconcile(ctx, app, since=since, retroactive=retroactive)
            await drain(ctx, app, timeout=timeout, poll=0.05)
            if worker is not None:
                worker.ensure_running()
            if step.enqueued == 0:
                break
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        if worker is not None:
            await worker.stop()
    with ctx.database.transaction() as session:
        on_progress(jobs.progress_since(session, after_job))
        totals = report.totals_since(session, start)
    return Result(plan=first, totals=totals, rounds=rounds)
