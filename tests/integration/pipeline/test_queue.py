"""The queue on a real database: which process can run which job."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import sqlalchemy as sa

from footcast.clock import SimulatedClock
from footcast.config import Settings
from footcast.db import Database
from footcast.pipeline import queue, worker
from footcast.pipeline.context import Context


def test_a_worker_without_the_schedule_runs_a_tick_the_scheduler_deferred(
    database: Database, settings: Settings
) -> None:
    # regression: `footcast worker` did not know the task, so it failed most ticks of a
    # `footcast run` elsewhere with TaskNotFound (found by the deployment test of issue 8)
    league = worker.simulated_league(settings)
    clock = SimulatedClock(league.first_kickoff - timedelta(days=3))
    ctx = Context(database=database, clock=clock, source=league, settings=settings)
    scheduler = queue.make_app(database.url, settings, periodic=True)
    jobs_only = queue.make_app(database.url, settings, periodic=False)

    async def go() -> None:
        async with scheduler.open_async():
            await scheduler.tasks["tick"].defer_async(timestamp=0)
        async with jobs_only.open_async():
            options = queue.worker_options(ctx, settings, concurrency=1, wait=False)
            await jobs_only.run_worker_async(**options)

    asyncio.run(go())
    with database.engine.connect() as connection:
        ticks = connection.execute(
            sa.text("SELECT status FROM procrastinate_jobs WHERE task_name = 'tick'")
        ).all()
        fixtures = connection.execute(
            sa.text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'fixtures'")
        ).scalar_one()
    assert [t.status for t in ticks] == ["succeeded"]
    assert fixtures == 1  # the tick reconciled: the first fixture sync was due
