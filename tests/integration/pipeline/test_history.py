"""Job history on a real database: finished jobs past the retention go, with their events; work
still waiting or running, the failure ledger and the audit log stay; and the reconciler, which
reads footcast's own tables, does not queue again what the deleted jobs did."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from procrastinate import App

from footcast import demo
from footcast.clock import SimulatedClock
from footcast.config import Settings
from footcast.db import Database
from footcast.db.coordination import jobs
from footcast.pipeline import history, queue, worker
from footcast.pipeline.context import Context
from footcast.pipeline.reconcile import plan, reconcile
from season_checks import season_problems

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _scalar(database: Database, sql: str) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(sa.text(sql)).scalar_one())


def _retention(settings: Settings, retention: timedelta) -> Settings:
    return dataclasses.replace(
        settings, queue=dataclasses.replace(settings.queue, job_retention=retention)
    )


def _defer(database: Database, settings: Settings, count: int) -> list[int]:
    async def go() -> list[int]:
        app = queue.make_app(database.url, settings, periodic=False)
        async with app.open_async():
            return [
                await app.tasks["probe"].configure(lock=f"probe:x{n}").defer_async(forecaster="x")
                for n in range(count)
            ]

    return asyncio.run(go())


def _set_status(database: Database, ids: list[int], status: str) -> None:
    with database.transaction() as session:
        session.execute(
            sa.text(
                "UPDATE procrastinate_jobs SET status = CAST(:s AS procrastinate_job_status)"
                " WHERE id = ANY(:ids)"
            ),
            {"s": status, "ids": ids},
        )


def _context(database: Database, settings: Settings, *, now: datetime) -> Context:
    return Context(
        database=database,
        clock=SimulatedClock(now),
        source=worker.simulated_league(settings),
        settings=settings,
    )


def test_finished_jobs_past_the_retention_go_and_unfinished_ones_stay(
    database: Database, settings: Settings
) -> None:
    settings = _retention(settings, timedelta(days=14))
    ctx = _context(database, settings, now=T0)
    old = _defer(database, settings, 6)
    for ids, status in zip(
        ([old[0]], [old[1]], [old[2]], [old[3]], [old[4]], [old[5]]),
        ("succeeded", "failed", "cancelled", "aborted", "todo", "doing"),
        strict=True,
    ):
        _set_status(database, ids, status)
    with database.transaction() as session:
        session.execute(
            sa.text(
                "INSERT INTO audit_log (at, actor, action, target, details)"
                " VALUES (:at, 'test', 'retry', 'x', '{}')"
            ),
            {"at": T0},
        )
    assert history.prune(ctx, now=T0) == 0  # marks the ids reached; nothing is old yet
    assert history.prune(ctx, now=T0 + timedelta(minutes=30)) == 0  # no second mark in an hour
    new = _defer(database, settings, 2)
    _set_status(database, new, "succeeded")
    assert history.prune(ctx, now=T0 + timedelta(days=13)) == 0  # within the retention

    assert history.prune(ctx, now=T0 + timedelta(days=15)) == 4

    with database.engine.connect() as connection:
        left = {int(i) for (i,) in connection.execute(sa.text("SELECT id FROM procrastinate_jobs"))}
    assert left == {old[4], old[5], *new}  # waiting, running, and the recent ones
    assert _scalar(database, f"SELECT count(*) FROM procrastinate_events WHERE job_id IN"
                             f" ({', '.join(map(str, old[:4]))})") == 0  # fmt: skip
    assert _scalar(database, "SELECT count(*) FROM audit_log") == 1
    # the marks older than the one used are gone; the history stays small too
    assert _scalar(database, "SELECT count(*) FROM job_history_marks") <= 3


def test_the_reconciler_does_not_queue_again_what_deleted_jobs_did(
    database: Database, settings: Settings
) -> None:
    # a retention of a day: a 6-team season is pruned as it is replayed
    settings = _retention(settings, timedelta(days=1))
    progress = asyncio.run(demo.run_season(database, settings, standins=1, workers=1))
    assert season_problems(database) == []
    kept = _scalar(database, "SELECT count(*) FROM procrastinate_jobs")
    assert kept < progress.enqueued  # pruned during the replay

    with database.engine.connect() as connection:
        last = connection.execute(sa.text("SELECT max(kickoff_at) FROM matches")).scalar_one()
    ctx = _context(database, settings, now=last + timedelta(days=3))
    with database.transaction() as session:
        session.execute(sa.text("DELETE FROM job_history_marks"))
    history.prune(ctx, now=last + timedelta(days=1))
    assert history.prune(ctx, now=last + timedelta(days=3)) > 0
    assert _scalar(database, "SELECT count(*) FROM procrastinate_jobs WHERE task_name <> 'tick'"
                             " AND status NOT IN ('todo', 'doing')") == 0  # fmt: skip

    assert plan(ctx, now=ctx.clock.now(), since=T0 - timedelta(days=3650)).units == []

    async def again(app: App) -> int:
        found = await reconcile(ctx, app, sync_fixtures=False)
        return found.enqueued

    async def go() -> int:
        app = queue.make_app(database.url, ctx.settings, periodic=False)
        async with app.open_async():
            return await again(app)

    assert asyncio.run(go()) == 0
    with database.transaction() as session:
        assert jobs.unfinished(session) == 0
