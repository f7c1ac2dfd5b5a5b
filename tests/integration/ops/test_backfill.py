"""Backfill as an operator action: the effect and its audit entry, written by ops."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

import pytest
import sqlalchemy as sa
from procrastinate import App

from factories import World
from footcast import errors
from footcast.config import load_settings
from footcast.db.writes import stages
from footcast.ops import backfill
from footcast.ops.runtime import Runtime
from footcast.pipeline.context import Context

AuditLog = Callable[[], list[tuple[object, ...]]]
T = TypeVar("T")


def _with_runtime(world: World, work: Callable[[Context, App], Awaitable[T]]) -> T:
    """``work`` on a runtime over the world's database and clock; fixtures count as synced."""
    settings = load_settings({}, retry_base_seconds=0.02, sim_teams=4)
    with world.database.transaction() as session:
        stages.mark_synced(session, "simulated", now=world.clock.now(), fixtures=0)
    runtime = Runtime(world.database, settings, clock=world.clock)

    async def go() -> T:
        try:
            return await work(runtime.context, await runtime.app())
        finally:
            await runtime.close()

    return asyncio.run(go())


def _finished(world: World) -> int:
    world.forecasters("alice")
    match_id = world.match(kickoff=world.clock.now() + timedelta(minutes=30))
    world.predict(match_id, "alice", "1:0")
    world.clock.advance(timedelta(hours=3))
    world.finish(match_id, "1:0")
    return match_id


def _queued(world: World) -> set[str]:
    with world.database.transaction() as session:
        return set(
            session.execute(sa.text("SELECT queueing_lock FROM procrastinate_jobs")).scalars()
        )


def test_enqueue_queues_the_missing_units_and_audits_it(world: World, audit_log: AuditLog) -> None:
    match_id = _finished(world)
    done = _with_runtime(world, lambda ctx, app: backfill.enqueue(ctx, app, actor="admin", days=2))
    assert (done.missing, done.enqueued) == (1, 1)
    assert _queued(world) == {f"settle:{match_id}"}
    assert audit_log() == [("admin", "backfill", "days:2", {"retroactive": False, "enqueued": 1})]


def test_an_enqueue_dry_run_counts_queues_nothing_and_is_not_audited(
    world: World, audit_log: AuditLog
) -> None:
    _finished(world)
    done = _with_runtime(
        world, lambda ctx, app: backfill.enqueue(ctx, app, actor="admin", days=2, dry_run=True)
    )
    assert (done.missing, done.enqueued) == (1, 0)
    assert _queued(world) == set()
    assert audit_log() == []


def test_enqueue_refuses_a_window_of_no_days(world: World, audit_log: AuditLog) -> None:
    with pytest.raises(errors.ConfigError, match="--days must be at least 1"):
        _with_runtime(world, lambda ctx, app: backfill.enqueue(ctx, app, actor="admin", days=0))
    assert audit_log() == []


def test_run_does_the_work_and_audits_its_totals(world: World, audit_log: AuditLog) -> None:
    match_id = _finished(world)
    result = _with_runtime(
        world, lambda ctx, app: backfill.run(ctx, app, actor="cli:ann", days=2, workers=1)
    )
    assert result.totals is not None
    assert (result.totals.settlements, result.totals.matches_settled) == (1, 1)
    with world.database.transaction() as session:
        outcome = session.execute(
            sa.text("SELECT count(*) FROM settlements WHERE match_id = :m"), {"m": match_id}
        ).scalar_one()
    assert outcome == 1
    assert audit_log() == [
        ("cli:ann", "backfill", "days:2",
         {"retroactive": False, "predictions": 0, "contaminated": 0, "settlements": 1,
          "failed": 0}),
    ]  # fmt: skip


def test_a_run_dry_run_changes_nothing_and_is_not_audited(
    world: World, audit_log: AuditLog
) -> None:
    _finished(world)
    result = _with_runtime(
        world, lambda ctx, app: backfill.run(ctx, app, actor="cli:ann", days=2, dry_run=True)
    )
    assert result.totals is None
    assert [u.stage for u in result.plan.units] == ["settlement"]
    assert _queued(world) == set()
    assert audit_log() == []
