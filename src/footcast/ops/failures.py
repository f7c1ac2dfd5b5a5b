"""Retrying and clearing failures: one service for the CLI and the admin API, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from procrastinate import App

from footcast import errors
from footcast.db import Database
from footcast.db.writes import audit, ledger
from footcast.pipeline import reconcile

__all__ = ["Cleared", "Retried", "clear", "retry"]


@dataclass(frozen=True, kw_only=True)
class Retried:
    failures: int
    queued: int
    terminal: int = 0  # of the failures, those no automatic retry would have taken up


@dataclass(frozen=True, kw_only=True)
class Cleared:
    failures: int
    terminal: int = 0


def _require_selection(stage: str | None, ids: list[int] | None, everything: bool) -> None:
    if stage is None and not ids and not everything:
        raise errors.ConfigError("choose what to act on: a stage, failure ids, or all")


async def retry(
    database: Database,
    app: App,
    *,
    actor: str,
    now: datetime,
    source: str,
    stage: str | None = None,
    ids: list[int] | None = None,
    everything: bool = False,
) -> Retried:
    """Mark the chosen failures for retry and queue each unit once, with fresh data.

    Raises:
        ConfigError: nothing was chosen (no stage, no ids, not everything).
    """
    _require_selection(stage, ids, everything)
    with database.transaction() as session:
        terminal = ledger.terminal_selected(session, stage=stage, ids=ids)
        chosen = ledger.retry(session, now=now, stage=stage, ids=ids)
        audit.record(
            session, actor=actor, action="failures.retry", now=now,
            target=f"stage:{stage}" if stage else "ids", details={"ids": [f.id for f in chosen]},
        )  # fmt: skip
    queued = await reconcile.requeue(database, app, chosen, now=now, source=source)
    return Retried(failures=len(chosen), queued=queued, terminal=terminal)


def clear(
    database: Database,
    *,
    actor: str,
    now: datetime,
    stage: str | None = None,
    ids: list[int] | None = None,
    everything: bool = False,
) -> Cleared:
    """Clear the chosen failures (the rows stay; the clear is in the audit log).

    Raises:
        ConfigError: nothing was chosen (no stage, no ids, not everything).
    """
    _require_selection(stage, ids, everything)
    with database.transaction() as session:
        terminal = ledger.terminal_selected(session, stage=stage, ids=ids)
        count = ledger.clear(session, now=now, stage=stage, ids=ids)
        audit.record(
            session, actor=actor, action="failures.clear", now=now,
            target=f"stage:{stage}" if stage else "ids", details={"ids": ids, "count": count},
        )  # fmt: skip
    return Cleared(failures=count, terminal=terminal)
