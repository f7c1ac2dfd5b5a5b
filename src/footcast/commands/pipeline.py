"""`footcast run`, `worker`, `backfill` and `gaps`: running the pipeline and finding its holes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, TypeVar

import typer
from procrastinate import App
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table
from sqlalchemy.engine import URL

from footcast.commands.state import State, console
from footcast.commands.web import server as web_server
from footcast.db import engine
from footcast.db.reads import monitoring
from footcast.domain import gaps as gap_rules
from footcast.domain.names import FailureState, Stage
from footcast.ops import backfill as ops
from footcast.ops.runtime import Runtime
from footcast.pipeline import reconcile, signals, worker
from footcast.pipeline.context import Context
from footcast.pipeline.reconcile import Plan

__all__ = ["backfill", "gaps", "run", "with_app", "worker_command"]

T = TypeVar("T")


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.WARNING)


def _context(state: State, *, migrate: bool = True) -> Context:
    if migrate:
        return worker.build_context(state.database, state.settings, actor=state.actor)
    database = worker.open_migrated(_url(state))
    try:
        return worker.build_context(database, state.settings, actor=state.actor)
    except Exception:  # `footcast worker` tries again (patiently): no engine left behind
        database.dispose()
        raise


def _started(start: Callable[[], Context]) -> Context | None:
    """``start()``, or None when SIGINT or SIGTERM stopped it first (exit 0: a stop asked for,
    whenever it comes, is no failure)."""
    with signals.interrupt_on_sigterm():
        try:
            return start()
        except KeyboardInterrupt:
            logging.getLogger(__name__).info("stopped by a signal before starting")
            return None


def _url(state: State) -> URL:
    return engine.database_url_of(state.settings)


def with_app(runtime: Runtime, work: Callable[[App], Awaitable[T]]) -> T:
    """Run ``work`` with the runtime's open Procrastinate app, then close the runtime."""

    async def go() -> T:
        try:
            return await work(await runtime.app())
        finally:
            await runtime.close()

    return asyncio.run(go())


def worker_command(
    ctx: typer.Context,
    concurrency: Annotated[int, typer.Option(min=1, help="jobs run at once")] = 2,
) -> None:
    """Work queued jobs until stopped; run as many as you like, on any machines."""
    _logging()
    context = _started(
        lambda: worker.patiently(
            lambda: _context(ctx.obj, migrate=False),
            seconds=ctx.obj.settings.queue.start_wait_seconds,
        )
    )
    if context is None:
        return
    try:
        asyncio.run(worker.run(context, concurrency=concurrency, schedule=False))
    finally:
        context.close()


def run(
    ctx: typer.Context,
    concurrency: Annotated[int, typer.Option(min=1, help="jobs run at once")] = 2,
    web: Annotated[bool, typer.Option(help="serve the web surface too")] = True,
) -> None:
    """Scheduler, worker and web server in one process (a small install): reconcile on start
    and every 10 s, work the jobs, and serve the API and pages."""
    _logging()
    context = _started(lambda: _context(ctx.obj))
    if context is None:
        return

    async def everything() -> None:
        work = asyncio.create_task(worker.run(context, concurrency=concurrency, schedule=True))
        if not web:
            await work
            return
        # whichever stops first (both listen for SIGINT/SIGTERM) stops the other
        serving = asyncio.create_task(web_server(ctx.obj).serve())
        done, pending = await asyncio.wait({work, serving}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            task.result()

    try:
        asyncio.run(everything())
    finally:
        context.close()


def _plan_table(plan: Plan, title: str) -> Table:
    table = Table("stage", "missing units", "matches (first 8)", title=title)
    by_stage: dict[str, list[int]] = {}
    for unit in plan.units:
        by_stage.setdefault(unit.stage, []).append(unit.match_id)
    for stage, ids in sorted(by_stage.items()):
        table.add_row(stage, str(len(ids)), ", ".join(map(str, ids[:8])))
    if plan.fixtures_due:
        table.add_row(Stage.FIXTURES, "1", "(sync due)")
    return table


def backfill(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, help="reconcile matches of the last N days")],
    retroactive: Annotated[
        bool, typer.Option(help="also analyse and predict matches past their deadline")
    ] = False,
    dry_run: Annotated[bool, typer.Option(help="show the plan, change nothing")] = False,
    workers: Annotated[
        int, typer.Option(min=0, help="worker concurrency in this process; 0: use running workers")
    ] = 2,
) -> None:
    """Fill every gap of the last N days: catch-up, settlement, and with --retroactive,
    point-in-time predictions for matches already played."""
    state: State = ctx.obj
    runtime = Runtime(state.database, state.settings, actor=state.actor)
    context = runtime.context  # a refused roster stops it before any progress bar
    with Progress(
        TextColumn("{task.description:>12}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as bars:
        tasks: dict[str, TaskID] = {}

        def show(progress: dict[str, tuple[int, int]]) -> None:
            for stage, (done, total) in sorted(progress.items()):
                if stage not in tasks:
                    tasks[stage] = bars.add_task(stage, total=total)
                bars.update(tasks[stage], completed=done, total=total)

        result = with_app(
            runtime,
            lambda app: ops.run(
                context,
                app,
                actor=state.actor,
                days=days,
                retroactive=retroactive,
                dry_run=dry_run,
                workers=workers,
                on_progress=show,
            ),
        )
    console.print(_plan_table(result.plan, f"missing when the backfill started ({days} days)"))
    if result.totals is None:
        console.print("dry run: nothing was changed")
        return
    totals = result.totals
    summary = Table("", "count", title="Backfill summary")
    summary.add_row("matches predicted", str(totals.matches_predicted))
    summary.add_row("predictions made", str(totals.predictions))
    summary.add_row("  of them retroactive", str(totals.retroactive))
    summary.add_row(
        "  flagged contaminated (model may have seen the result; not on the table)",
        str(totals.contaminated),
    )
    summary.add_row(
        "settlements written", f"{totals.settlements} ({totals.matches_settled} matches)"
    )
    summary.add_row("skipped", str(len(totals.skipped)))
    summary.add_row("failed", str(len(totals.failed)))
    console.print(summary)
    if totals.skipped:
        skipped = Table("match", "stage", "reason", title="Skipped")
        for match_id, stage, reason in totals.skipped:
            skipped.add_row(str(match_id), stage, reason)
        console.print(skipped)
    if totals.failed:
        failed = Table("unit", "code", "terminal", "reason", title="Failed")
        for key, code, message, terminal in totals.failed:
            failed.add_row(key, code, "yes" if terminal else FailureState.RETRYING, message)
        console.print(failed)


def gaps(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, help="look back N days")] = gap_rules.LOOKBACK_DAYS,
    hours: Annotated[int, typer.Option(min=1, help="look ahead N hours")] = gap_rules.AHEAD_HOURS,
) -> None:
    """(match, forecaster) pairs with neither a prediction nor a terminal failure, and the work
    that is due now but missing (the same gaps as the admin's pipeline health)."""
    state: State = ctx.obj
    context = _context(state)
    now = context.clock.now()
    since = now - timedelta(days=days)
    with state.database.transaction() as session:
        found = monitoring.pipeline_gaps(
            session, now=now, since=since, until=now + timedelta(hours=hours),
            windows=context.settings.windows,
        )  # fmt: skip
    due = reconcile.plan(context, now=now, since=since)
    table = Table("match", "kickoff", "status", "severity", "missing", "forecasters", title="Gaps")
    for gap in found:
        names = ", ".join(gap.forecasters[:6]) + (" ..." if len(gap.forecasters) > 6 else "")
        missing = ", ".join(gap.missing)
        table.add_row(
            str(gap.match_id), gap.kickoff.isoformat(), gap.status, gap.severity, missing,
            f"{len(gap.forecasters)}: {names}" if gap.forecasters else "-",
        )  # fmt: skip
    console.print(table)
    pairs = sum(len(g.forecasters) for g in found)
    console.print(f"{pairs} gap(s) in {len(found)} match(es); fill them with"
                  f" `footcast backfill --days {days} --retroactive`")  # fmt: skip
    console.print(_plan_table(due, "work due now and not queued"))
