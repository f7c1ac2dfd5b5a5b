"""The failure ledger: every failed unit of work, with its reason, payload and attempts."""

from __future__ import annotations

import traceback as tb
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast import errors
from footcast.db import _sql
from footcast.db.tables import Failure, Match
from footcast.domain import names
from footcast.domain.names import FailureState

__all__ = [
    "Group",
    "clear",
    "groups",
    "listing",
    "open_failures",
    "record",
    "resolve",
    "retry",
    "terminal_selected",
]


# uq_failures_open_unit's predicate, literal SQL (see record)
_OPEN_UNIT = sa.text(f"state IN ({_sql.in_list(names.ACTIVE_FAILURE)})")
_ACTIVE = tuple(names.ACTIVE_FAILURE)


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
    # a match that does not exist (a job deferred by hand with a wrong id) is no reason to
    # lose the failure: the key still names it
    known_match = sa.select(Match.id).where(Match.id == match_id).scalar_subquery()
    stmt = insert(Failure).values(
        stage=stage,
        key=key,
        match_id=known_match if match_id is not None else None,
        first_seen_at=now,
        **values,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Failure.stage, Failure.key],
        # the partial index's predicate as literal SQL: as bound parameters it stops matching
        # the index once PostgreSQL plans the prepared statement generically (6th run or so)
        index_where=_OPEN_UNIT,
        set_={**values, "attempts": Failure.attempts + 1, "state": FailureState.OPEN},
    )
    return int(session.execute(stmt.returning(Failure.id)).scalar_one())


def open_failures(session: Session, *, stage: str | None = None) -> list[Failure]:
    stmt = sa.select(Failure).where(Failure.state.in_(_ACTIVE))
    if stage is not None:
        stmt = stmt.where(Failure.stage == stage)
    return list(session.execute(stmt.order_by(Failure.last_seen_at.desc())).scalars())


# a fixed text: every job runs it once on success, whatever the number of keys (an ORM update
# with an IN list is compiled and evaluated anew each time); its state list is the partial
# index's predicate, so the index serves it
_RESOLVE = sa.text(
    "UPDATE failures SET state = :resolved, last_seen_at = :now"
    f" WHERE stage = :stage AND key = ANY(CAST(:keys AS text[])) AND {_OPEN_UNIT.text}"
)


def resolve(session: Session, *, stage: str, keys: list[str], now: datetime) -> int:
    """Mark open failures of these units resolved: the work has since succeeded."""
    if not keys:
        return 0
    result = session.execute(
        _RESOLVE,
        {"resolved": FailureState.RESOLVED.value, "now": now, "stage": stage, "keys": keys},
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _selected(stage: str | None, ids: list[int] | None) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = [Failure.state.in_(_ACTIVE)]
    if stage is not None:
        where.append(Failure.stage == stage)
    if ids:
        where.append(Failure.id.in_(ids))
    return where


def terminal_selected(
    session: Session, *, stage: str | None = None, ids: list[int] | None = None
) -> int:
    """How many of the selected open failures are terminal (dead letters), their rows locked
    for the retry or clear that follows."""
    chosen = session.execute(
        sa.select(Failure.terminal).where(*_selected(stage, ids)).with_for_update()
    ).scalars()
    return sum(1 for terminal in chosen if terminal)


def listing(
    session: Session, *, stage: str | None = None, everything: bool = False, limit: int = 200
) -> list[Failure]:
    """Failures, newest first: open and retrying ones, or ``everything`` (resolved, cleared)."""
    stmt = sa.select(Failure).order_by(Failure.last_seen_at.desc(), Failure.id.desc()).limit(limit)
    if not everything:
        stmt = stmt.where(Failure.state.in_(_ACTIVE))
    if stage is not None:
        stmt = stmt.where(Failure.stage == stage)
    return list(session.execute(stmt).scalars())


@dataclass(frozen=True, kw_only=True)
class Group:
    stage: str
    error_class: str
    error_code: str
    count: int
    terminal: int
    first_seen: datetime
    last_seen: datetime
    sample_matches: list[int]
    sample_message: str


def groups(session: Session) -> list[Group]:
    """Open failures grouped by stage and error class (PIPELINE.md SETTLE-01)."""
    rows = session.execute(
        sa.select(
            Failure.stage,
            Failure.error_class,
            Failure.error_code,
            sa.func.count(),
            sa.func.count().filter(Failure.terminal),
            sa.func.min(Failure.first_seen_at),
            sa.func.max(Failure.last_seen_at),
            sa.func.array_agg(sa.distinct(Failure.match_id)),
            sa.func.min(Failure.message),
        )
        .where(Failure.state.in_(_ACTIVE))
        .group_by(Failure.stage, Failure.error_class, Failure.error_code)
        .order_by(sa.func.count().desc())
    )
    return [
        Group(
            stage=stage,
            error_class=error_class,
            error_code=code,
            count=int(count),
            terminal=int(terminal),
            first_seen=first,
            last_seen=last,
            sample_matches=sorted(m for m in matches if m is not None)[:5],
            sample_message=message,
        )
        for stage, error_class, code, count, terminal, first, last, matches, message in rows
    ]


def retry(
    session: Session, *, now: datetime, stage: str | None = None, ids: list[int] | None = None
) -> list[Failure]:
    """Mark the selected failures for retry (the reconciler takes their units up again) and
    return them."""
    found = list(
        session.execute(
            sa.update(Failure)
            .where(*_selected(stage, ids))
            .values(state=FailureState.RETRYING, terminal=False, last_seen_at=now)
            .returning(Failure)
        ).scalars()
    )
    return found


def clear(
    session: Session, *, now: datetime, stage: str | None = None, ids: list[int] | None = None
) -> int:
    """Clear the selected failures (the rows stay, marked cleared)."""
    result = session.execute(
        sa.update(Failure)
        .where(*_selected(stage, ids))
        .values(state=FailureState.CLEARED, last_seen_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
