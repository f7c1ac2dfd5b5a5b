"""Backfill as an operator action: fill every gap of the last N days, audited.

``run`` waits until the work is done (the CLI, with its progress bars); ``enqueue`` only queues
the missing units for the running workers (the admin API). A dry run changes nothing and is
not audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from procrastinate import App

from footcast import errors
from footcast.db.reads import plan as plans
from footcast.db.writes import audit
from footcast.pipeline import backfill, reconcile
from footcast.pipeline.context import Context

__all__ = ["Enqueued", "enqueue", "run"]


@dataclass(frozen=True, kw_only=True)
class Enqueued:
    missing: int  # units missing when it looked
    enqueued: int  # of them queued now (0 for a dry run; the rest were queued already)
    units: tuple[plans.Unit, ...] = field(default=())  # the plan: each missing unit


def _require_days(days: int) -> None:
    if days < 1:
        raise errors.ConfigError(f"--days must be at least 1, got {days}")


async def run(
    ctx: Context,
    app: App,
    *,
    actor: str,
    days: int,
    retroactive: bool = False,
    dry_run: bool = False,
    workers: int = 2,
    on_progress: Callable[[dict[str, tuple[int, int]]], None] = lambda progress: None,
) -> backfill.Result:
    """Reconcile the last ``days`` days round after round until nothing more is missing
    (``workers``: concurrency in this process; 0 relies on running workers).

    Raises:
        ConfigError: ``days`` is below 1.
    """
    result = await backfill.backfill(
        ctx, app, days=days, retroactive=retroactive, dry_run=dry_run, workers=workers,
        on_progress=on_progress,
    )  # fmt: skip
    totals = result.totals
    if totals is not None:
        with ctx.database.transaction() as session:
            audit.record(
                session, actor=actor, action="backfill", target=f"days:{days}",
                now=ctx.clock.now(), details={
                    "retroactive": retroactive, "predictions": totals.predictions,
                    "contaminated": totals.contaminated,
                    "settlements": totals.settlements, "failed": len(totals.failed),
                },
            )  # fmt: skip
    return result


async def enqueue(
    ctx: Context,
    app: App,
    *,
    actor: str,
    days: int,
    retroactive: bool = False,
    dry_run: bool = False,
) -> Enqueued:
    """Queue every unit missing from the last ``days`` days for the running workers
    (``retroactive``: predictions past their deadline too); no fixture sync.

    Raises:
        ConfigError: ``days`` is below 1.
    """
    _require_days(days)
    now = ctx.clock.now()
    plan = await reconcile.reconcile(
        ctx, app, since=now - timedelta(days=days), retroactive=retroactive, dry_run=dry_run,
        sync_fixtures=False,
    )  # fmt: skip
    if not dry_run:
        with ctx.database.transaction() as session:
            audit.record(
                session, actor=actor, action="backfill", target=f"days:{days}", now=now,
                details={"retroactive": retroactive, "enqueued": plan.enqueued},
            )  # fmt: skip
    return Enqueued(
        missing=len(plan.units), enqueued=0 if dry_run else plan.enqueued, units=tuple(plan.units)
    )
