"""Forecaster pauses and health: a disabled forecaster owes no predictions while it is paused.

An operator pauses and resumes a forecaster by hand; its health pauses it after
``threshold`` consecutive failures and sets a time to probe it, and a good probe resumes it.
Every pause is kept (since, until, why, by whom), so each change stays visible.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast.db.tables import Forecaster, ForecasterHealth, ForecasterPause

__all__ = [
    "HEALTH",
    "PAUSED_AT",
    "Pause",
    "due_probes",
    "failed",
    "failures_in_a_row",
    "open_pause",
    "pause",
    "paused_at",
    "probe_failed",
    "resume",
    "spans",
    "succeeded",
]

HEALTH = "health"
# SQL: forecaster f is paused at moment :t (a fragment; the caller names f and the moment)
PAUSED_AT = """EXISTS (SELECT 1 FROM forecaster_pauses z WHERE z.forecaster_id = {f}.id
    AND z.since <= {t} AND (z.until IS NULL OR z.until > {t}))"""


@dataclass(frozen=True, kw_only=True)
class Pause:
    forecaster: str
    since: datetime
    until: datetime | None
    reason: str
    actor: str
    probe_at: datetime | None
    probes: int
    resumed_by: str | None
    resume_reason: str | None


def paused_at(forecaster: type[Forecaster], moment: sa.ColumnElement[datetime]) -> sa.Exists:
    """The ``PAUSED_AT`` condition as an expression, for queries built with SQLAlchemy."""
    z = ForecasterPause
    return sa.exists().where(
        z.forecaster_id == forecaster.id,
        z.since <= moment,
        sa.or_(z.until.is_(None), z.until > moment),
    )


def pause(
    session: Session,
    forecaster_id: int,
    *,
    at: datetime,
    reason: str,
    actor: str,
    probe_at: datetime | None = None,
) -> bool:
    """Open a pause unless one is open; True when this call opened it."""
    stmt = (
        insert(ForecasterPause)
        .values(
            forecaster_id=forecaster_id, since=at, reason=reason, actor=actor, probe_at=probe_at
        )
        .on_conflict_do_nothing(
            index_elements=[ForecasterPause.forecaster_id],
            index_where=ForecasterPause.until.is_(None),
        )
        .returning(ForecasterPause.id)
    )
    return session.execute(stmt).scalar_one_or_none() is not None


def resume(session: Session, forecaster_id: int, *, at: datetime, actor: str, reason: str) -> bool:
    """Close the open pause, if any; True when one was closed. Health starts afresh."""
    closed = session.execute(
        sa.update(ForecasterPause)
        .where(ForecasterPause.forecaster_id == forecaster_id, ForecasterPause.until.is_(None))
        .values(
            until=sa.func.greatest(ForecasterPause.since, at),
            resumed_by=actor,
            resume_reason=reason,
            probe_at=None,
        )
        .returning(ForecasterPause.id)
    ).scalar_one_or_none()
    if closed is not None:
        session.execute(
            sa.update(ForecasterHealth)
            .where(ForecasterHealth.forecaster_id == forecaster_id)
            .values(consecutive_failures=0)
        )
    return closed is not None


def succeeded(session: Session, forecaster_ids: Collection[int], *, at: datetime) -> None:
    """Each forecaster answered at ``at``: its run of failures ends (one statement for all)."""
    if not forecaster_ids:
        return
    stmt = insert(ForecasterHealth).values(
        [
            {"forecaster_id": forecaster_id, "consecutive_failures": 0, "last_success_at": at}
            for forecaster_id in sorted(forecaster_ids)  # in key order: no deadlock between jobs
        ]
    )
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[ForecasterHealth.forecaster_id],
            set_={"consecutive_failures": 0, "last_success_at": at},
        )
    )


def failed(
    session: Session,
    forecaster_id: int,
    *,
    at: datetime,
    error: str,
    threshold: int,
    probe_after: timedelta,
) -> bool:
    """Count a failure; at ``threshold`` in a row, pause the forecaster for its health (probed
    after ``probe_after``). True when this failure paused it."""
    stmt = insert(ForecasterHealth).values(
        forecaster_id=forecaster_id, consecutive_failures=1, last_error=error, last_failure_at=at
    )
    count = session.execute(
        stmt.on_conflict_do_update(
            index_elements=[ForecasterHealth.forecaster_id],
            set_={
                "consecutive_failures": ForecasterHealth.consecutive_failures + 1,
                "last_error": error,
                "last_failure_at": at,
            },
        ).returning(ForecasterHealth.consecutive_failures)
    ).scalar_one()
    if count < threshold:
        return False
    return pause(
        session,
        forecaster_id,
        at=at,
        reason=f"{count} failures in a row; last: {error[:300]}",
        actor=HEALTH,
        probe_at=at + probe_after,
    )


def failures_in_a_row(session: Session) -> dict[str, int]:
    """Forecaster name -> its current run of failures (only those with a run)."""
    rows = session.execute(
        sa.select(Forecaster.name, ForecasterHealth.consecutive_failures)
        .join(ForecasterHealth, ForecasterHealth.forecaster_id == Forecaster.id)
        .where(ForecasterHealth.consecutive_failures > 0)
    )
    return {str(name): int(count) for name, count in rows}


def due_probes(session: Session, *, now: datetime) -> list[tuple[int, str, int]]:
    """Health pauses whose probe time has come: (forecaster id, name, probes so far)."""
    rows = session.execute(
        sa.select(Forecaster.id, Forecaster.name, ForecasterPause.probes)
        .join(ForecasterPause, ForecasterPause.forecaster_id == Forecaster.id)
        .where(
            ForecasterPause.until.is_(None),
            ForecasterPause.actor == HEALTH,
            ForecasterPause.probe_at <= now,
        )
        .order_by(Forecaster.id)
    )
    return [(int(i), str(n), int(p)) for i, n, p in rows]


def probe_failed(session: Session, forecaster_id: int, *, next_probe: datetime) -> None:
    session.execute(
        sa.update(ForecasterPause)
        .where(ForecasterPause.forecaster_id == forecaster_id, ForecasterPause.until.is_(None))
        .values(probe_at=next_probe, probes=ForecasterPause.probes + 1)
    )


def open_pause(session: Session, forecaster_id: int) -> Pause | None:
    """The pause of the forecaster that is still open, if any."""
    found = [p for p in spans(session, forecaster_id=forecaster_id) if p.until is None]
    return found[0] if found else None


def spans(
    session: Session, *, forecaster: str | None = None, forecaster_id: int | None = None
) -> list[Pause]:
    """Every pause, newest first (of one forecaster when named or given by id)."""
    stmt = (
        sa.select(Forecaster.name, ForecasterPause)
        .join(ForecasterPause, ForecasterPause.forecaster_id == Forecaster.id)
        .order_by(ForecasterPause.since.desc(), ForecasterPause.id.desc())
    )
    if forecaster is not None:
        stmt = stmt.where(Forecaster.name == forecaster)
    if forecaster_id is not None:
        stmt = stmt.where(Forecaster.id == forecaster_id)
    return [
        Pause(
            forecaster=name,
            since=p.since,
            until=p.until,
            reason=p.reason,
            actor=p.actor,
            probe_at=p.probe_at,
            probes=p.probes,
            resumed_by=p.resumed_by,
            resume_reason=p.resume_reason,
        )
        for name, p in session.execute(stmt)
    ]
