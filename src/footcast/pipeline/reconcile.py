"""The reconciler: the one place that decides what runs next.

Each tick compares what every match should have by now with what exists (one SQL query, in
``db.reconcile``) and enqueues exactly the missing units in one batch. It also re-queues the jobs
of workers that died (stalled jobs), cancels the queued jobs of postponed, cancelled or abandoned
matches, and asks for a fixture sync when the last one is old. Catch-up after downtime, backfill
of the last N days, gap detection and retroactive predictions are this same computation over
other windows and flags.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from procrastinate import App, exceptions
from procrastinate.jobs import Job

from footcast import errors
from footcast.db import Database
from footcast.db.coordination import jobs, pauses
from footcast.db.reads import plan as plan_sql
from footcast.db.tables import Failure
from footcast.db.writes import matches, stages
from footcast.domain import names
from footcast.domain.names import Stage
from footcast.pipeline import history
from footcast.pipeline.context import Context

__all__ = [
    "Plan",
    "carry_out",
    "drain",
    "enqueue",
    "plan",
    "reconcile",
    "recover_stalled",
    "requeue",
]

log = logging.getLogger(__name__)

CRITICAL_WITHIN = timedelta(hours=2)  # MON-03: a match this close with overdue work is critical
OVERDUE_AFTER = timedelta(minutes=2)  # due longer than this and still missing: a gap, not news
ANALYZE_AFTER = 200  # enqueued jobs after which the planner statistics are refreshed


@dataclass(kw_only=True)
class Plan:
    """What one reconciler pass found and did."""

    now: datetime
    units: list[plan_sql.Unit] = field(default_factory=list)
    fixtures_due: bool = False
    probes: list[str] = field(default_factory=list)  # models paused for health, due a probe
    dead_jobs: list[int] = field(default_factory=list)
    enqueued: int = 0
    cancelled: int = 0
    recovered: int = 0
    pruned: int = 0  # finished jobs past the retention, deleted (pipeline.history)
    critical: list[plan_sql.Unit] = field(default_factory=list)

    def by_stage(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for unit in self.units:
            counts[unit.stage.value] = counts.get(unit.stage.value, 0) + 1
        return counts

    def summary(self) -> str:
        stages_text = ", ".join(f"{s} {n}" for s, n in sorted(self.by_stage().items())) or "none"
        return (
            f"missing: {stages_text}; fixtures due: {self.fixtures_due}; enqueued"
            f" {self.enqueued}, cancelled {self.cancelled}, stalled re-queued {self.recovered}"
        )


# stages of a match that are due before its kickoff (their delay is a critical gap)
_BEFORE_KICKOFF = (Stage.ANALYSIS, Stage.LINEUPS, Stage.PREDICTIONS)
# stages whose unit is a match (fixtures' is a source, probe's a forecaster)
MATCH_STAGES = frozenset(Stage) - {Stage.FIXTURES, Stage.PROBE}


def _due_time(unit: plan_sql.Unit, ctx: Context) -> datetime:
    leads = {
        Stage.ANALYSIS: ctx.settings.windows.analysis_lead,
        Stage.LINEUPS: ctx.settings.windows.lineups_lead,
        Stage.PREDICTIONS: ctx.settings.windows.prediction_lead,
    }
    return unit.kickoff - leads.get(unit.stage, timedelta(0))


def plan(
    ctx: Context, *, now: datetime, since: datetime | None = None, retroactive: bool = False
) -> Plan:
    """Compute the missing work (no side effects)."""
    since = since if since is not None else now - ctx.settings.pipeline.reconcile_lookback
    with ctx.database.transaction() as session:
        units = plan_sql.missing_work(
            session, now=now, since=since, windows=ctx.settings.windows, retroactive=retroactive
        )
        last_sync = stages.last_sync(session, ctx.source.name)
        dead = jobs.dead_match_jobs(session)
        syncing = jobs.busy(session, names.unit_key(Stage.FIXTURES, ctx.source.name))
        probes = [name for _, name, _ in pauses.due_probes(session, now=now)]
    fixtures_due = not syncing and (
        last_sync is None or now - last_sync >= ctx.settings.pipeline.fixtures_every
    )
    critical = [
        u
        for u in units
        if u.stage in _BEFORE_KICKOFF
        and not u.retroactive
        and now - _due_time(u, ctx) > OVERDUE_AFTER
        and u.kickoff - now < CRITICAL_WITHIN
    ]
    return Plan(
        now=now,
        units=units,
        fixtures_due=fixtures_due,
        dead_jobs=dead,
        critical=critical,
        probes=probes,
    )


async def enqueue(app: App, units: list[tuple[str, str, dict[str, object]]]) -> int:
    """Defer (task name, unit key, kwargs) jobs in one batch; a unit already queued (another
    reconciler got there first) is skipped. Returns how many were deferred."""
    if not units:
        return 0
    batch: list[Job] = [
        app.tasks[task].configure(lock=key, queueing_lock=key).make_new_job(**kwargs)  # type: ignore[arg-type]
        for task, key, kwargs in units
    ]
    try:
        await app.job_manager.batch_defer_jobs_async(batch)
        return len(batch)
    except exceptions.AlreadyEnqueued:
        deferred = 0
        for job in batch:
            try:
                await app.job_manager.defer_job_async(job)
                deferred += 1
            except exceptions.AlreadyEnqueued:
                continue
        return deferred


async def recover_stalled(app: App, ctx: Context) -> int:
    """Re-queue the jobs of workers that stopped sending heartbeats (killed, frozen, cut off).
    The re-run is safe: every stage writes idempotently."""
    seconds = ctx.settings.queue.stalled_after_seconds
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds))
    for job in stalled:
        log.warning("re-queueing job %s (%s) of a dead worker", job.id, job.queueing_lock)
        await app.job_manager.retry_job(job)
    await app.job_manager.prune_stalled_workers(seconds_since_heartbeat=seconds)
    return len(stalled)


async def reconcile(
    ctx: Context,
    app: App,
    *,
    since: datetime | None = None,
    retroactive: bool = False,
    dry_run: bool = False,
    sync_fixtures: bool = True,
    recover: bool = True,
    prune: bool = True,
) -> Plan:
    """One reconciler pass; with ``dry_run`` it only reports what it would do. ``prune``: also
    delete the finished jobs past the retention (a replay does it once per moment)."""
    now = await asyncio.to_thread(ctx.clock.now)
    result = await asyncio.to_thread(plan, ctx, now=now, since=since, retroactive=retroactive)
    if dry_run:
        _warn_critical(result)
        return result
    return await carry_out(
        ctx, app, result, sync_fixtures=sync_fixtures, recover=recover, prune=prune
    )


def _warn_critical(result: Plan) -> None:
    for unit in result.critical:
        log.error(
            "critical gap: match %s kicks off at %s and its %s is overdue (fixed now)",
            unit.match_id,
            unit.kickoff.isoformat(),
            unit.stage,
            extra={"match_id": unit.match_id, "stage": unit.stage, "severity": "critical"},
        )


async def carry_out(
    ctx: Context,
    app: App,
    result: Plan,
    *,
    sync_fixtures: bool = True,
    recover: bool = True,
    prune: bool = True,
    fixed: bool = False,
) -> Plan:
    """Do what ``plan`` found: re-queue stalled jobs, cancel dead matches' jobs, enqueue the
    missing units, prune the history. ``fixed``: every job runs at the plan's moment (its
    ``at``) instead of its worker's clock; a replay's driver sets it, so it may move its clock
    on while a moment's jobs still run."""
    _warn_critical(result)
    if recover:
        result.recovered = await recover_stalled(app, ctx)
    for job_id in result.dead_jobs:
        if await app.job_manager.cancel_job_by_id_async(job_id):
            result.cancelled += 1
    at: dict[str, object] = {"at": result.now.isoformat()} if fixed else {}
    work: list[tuple[str, str, dict[str, object]]] = [
        (u.stage, u.key, {"match_id": u.match_id, "retroactive": u.retroactive, **at})
        for u in result.units
    ]
    if result.fixtures_due and sync_fixtures:
        source = ctx.source.name
        key = names.unit_key(Stage.FIXTURES, source)
        work.insert(0, (Stage.FIXTURES, key, {"source": source, **at}))
    work += [
        (Stage.PROBE, names.unit_key(Stage.PROBE, name), {"forecaster": name, **at})
        for name in result.probes
    ]
    result.enqueued = await enqueue(app, work)
    if result.enqueued >= ANALYZE_AFTER:
        await asyncio.to_thread(jobs.analyze, ctx.database)
    if prune:
        result.pruned = await asyncio.to_thread(history.prune, ctx, now=result.now)
    return result


DRAIN_SLOWEST = 4  # drain's longest pause between looks, in polls


async def drain(ctx: Context, app: App, *, timeout: float, poll: float) -> int:
    """Wait until no job is waiting or running (retries included); re-queue the jobs of dead
    workers meanwhile. Returns how many were re-queued.

    Looks every ``poll`` seconds at first, then less often, up to every ``DRAIN_SLOWEST``
    polls: a short wait ends soon after its jobs, a long one does not spend the time the jobs
    need (an in-process worker shares the interpreter) on asking."""
    started = last_recovery = time.monotonic()
    recovered = 0
    wait = poll
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
        await asyncio.sleep(wait)
        wait = min(wait * 2, poll * DRAIN_SLOWEST)


async def requeue(
    database: Database, app: App, failed: list[Failure], *, now: datetime, source: str
) -> int:
    """Enqueue the units of failures an operator retries, with fresh data from the database (a
    job reads everything when it runs). One job per unit: retrying twice enqueues once.
    ``source``: the name of the fixture source whose sync failed."""
    match_ids = sorted({f.match_id for f in failed if f.match_id is not None})
    with database.transaction() as session:
        deadlines = matches.deadlines(session, match_ids)
    work: dict[str, tuple[str, str, dict[str, object]]] = {}
    for failure in failed:
        if failure.stage == Stage.FIXTURES:
            key = names.unit_key(Stage.FIXTURES, source)
            work[key] = (Stage.FIXTURES, key, {"source": source})
        elif failure.match_id is not None and failure.stage in MATCH_STAGES:
            key = names.unit_key(failure.stage, failure.match_id)
            late = now >= deadlines.get(failure.match_id, now)
            kwargs: dict[str, object] = {"match_id": failure.match_id, "retroactive": late}
            work[key] = (failure.stage, key, kwargs)
    return await enqueue(app, list(work.values()))
