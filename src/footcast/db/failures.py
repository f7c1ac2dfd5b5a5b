"""The failure ledger: every failed unit of work, with its reason, payload and attempts."""

from __future__ import annotations

import traceback as tb
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast import errors
from footcast.db.models import Failure

__all__ = ["open_failures", "record", "resolve"]


def record(
    session: Session,
    *,
    stage: str,
    key: str,
    error: BaseException,
    now: datetime,
    match_id: int | None = None,
    payload: dict[str, Any] | None = None,
    terminal: bool = False,
) -> int:
    """Record a failure of unit (stage, key); a repeat of an open one counts another attempt.

    ``terminal``: no automatic retry will follow; the reconciler leaves the unit alone until an
    operator retries it (``footcast failures retry``)."""
    code = error.code if isinstance(error, errors.FootcastError) else "unexpected"
    context = error.context if isinstance(error, errors.FootcastError) else {}
    body = {**{k: str(v) for k, v in context.items()}, **(payload or {})}
    values = {
        "error_class": f"{type(error).__module__}.{type(error).__qualname__}",
        "error_code": code,
        "message": str(error),
        "traceback": "".join(tb.format_exception(error)),
        "payload": body,
        "last_seen_at": now,
        "terminal": terminal,
    }
    stmt = insert(Failure).values(
        stage=stage, key=key, match_id=match_id, first_seen_at=now, **values
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Failure.stage, Failure.key],
        index_where=Failure.state.in_(("open", "retrying")),
        set_={**values, "attempts": Failure.attempts + 1, "state": "open"},
    )
    return int(session.execute(stmt.returning(Failure.id)).scalar_one())


def open_failures(session: Session, *, stage: str | None = None) -> list[Failure]:
    stmt = sa.select(Failure).where(Failure.state.in_(("open", "retrying")))
    if stage is not None:
        stmt = stmt.where(Failure.stage == stage)
    return list(session.execute(stmt.order_by(Failure.last_seen_at.desc())).scalars())


def resolve(session: Session, *, stage: str, keys: list[str], now: datetime) -> int:
    """Mark open failures of these units resolved: the work has since succeeded."""
    if not keys:
        return 0
    result = session.execute(
        sa.update(Failure)
        .where(
            Failure.stage == stage,
            Failure.key.in_(keys),
            Failure.state.in_(("open", "retrying")),
        )
        .values(state="resolved", last_seen_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
