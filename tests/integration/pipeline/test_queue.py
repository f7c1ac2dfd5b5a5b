"""The queue on a real database: which process can run which job."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa
from procrastinate.job_context import JobContext
from procrastinate.jobs import Job

from factories import World
from footcast import errors
from footcast.clock import SimulatedClock
from footcast.config import Settings
from footcast.db import Database
from footcast.db.writes import ledger, stages
from footcast.pipeline import queue, reconcile, worker
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


@pytest.mark.parametrize(
    ("status", "recorded"),
    [("doing", ["pipeline_error"]), ("succeeded", [])],
    ids=["its-own-run", "re-run-succeeded"],
)
def test_a_late_failure_of_a_job_its_re_run_finished_stays_out_of_the_ledger(
    world: World, settings: Settings, status: str, recorded: list[str]
) -> None:
    # a worker taken for dead went on with its job while the queue ran the same job again
    # elsewhere; once the re-run has succeeded, the first run's failure is of work done
    database = world.database
    ctx = Context(
        database=database,
        clock=world.clock,
        source=worker.simulated_league(settings),
        settings=settings,
    )
    app = queue.make_app(database.url, settings, periodic=False)
    kicked_off = world.match(kickoff=world.clock.now() - timedelta(hours=1))

    async def defer() -> int:
        async with app.open_async():
            return await app.tasks["analysis"].defer_async(match_id=kicked_off)

    job_id = asyncio.run(defer())
    with database.transaction() as session:
        session.execute(
            sa.text(
                "UPDATE procrastinate_jobs SET status = CAST(:status AS procrastinate_job_status)"
                " WHERE id = :id"
            ),
            {"id": job_id, "status": status},
        )
    job = Job(
        id=job_id,
        queue=queue.QUEUE,
        lock=None,
        queueing_lock=None,
        task_name="analysis",
        task_kwargs={"match_id": kicked_off},
    )
    context = JobContext(
        app=app, job=job, start_timestamp=0.0, additional_context={"footcast": ctx},
        abort_reason=lambda: None,
    )  # fmt: skip

    with pytest.raises(errors.PipelineError, match="too late"):
        app.tasks["analysis"](context, match_id=kicked_off)

    with database.transaction() as session:
        found = ledger.listing(session, stage="analysis")
    assert [f.error_code for f in found] == recorded


@pytest.mark.parametrize("fixed", [True, False], ids=["planned-moment", "worker-clock"])
def test_a_replays_job_runs_at_the_moment_it_was_planned_for(
    database: Database, settings: Settings, fixed: bool
) -> None:
    # a replay's driver moves its clock on while a moment's jobs still wait in the queue
    league = worker.simulated_league(settings)
    planned = league.first_kickoff - timedelta(days=3)
    clock = SimulatedClock(planned)
    ctx = Context(database=database, clock=clock, source=league, settings=settings)
    app = queue.make_app(database.url, settings, periodic=False)

    async def go() -> None:
        async with app.open_async():
            plan = reconcile.plan(ctx, now=planned)  # as the replay's driver: plan, carry out
            await reconcile.carry_out(ctx, app, plan, fixed=fixed)
            assert plan.fixtures_due
            assert plan.enqueued == 1
            clock.advance(timedelta(hours=5))
            options = queue.worker_options(ctx, settings, concurrency=1, wait=False)
            await app.run_worker_async(**options)

    asyncio.run(go())
    with database.transaction() as session:
        synced = stages.last_sync(session, league.name)
    assert synced == (planned if fixed else planned + timedelta(hours=5))
