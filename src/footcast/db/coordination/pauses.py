"""Forecaster pauses and health: a forecaster owes no predictions while a pause is in effect.

A pause is a span ``[since, until)``. An *open* pause (``until`` NULL) lasts until someone ends
it: an operator's disable (ended by enable), the roster's, or its health's after ``threshold``
consecutive failures (probed at ``probe_at``; a good probe ends it). A *timed* pause is written
with its ``until`` from the start: it ends by itself at that moment, with nothing to run then,
because every reader asks the one rule below (``IN_EFFECT``; the ``counted_pairs`` view of
migrations 0007/0009 holds the same text), never ``until IS NULL``. Ending a timed pause early
moves its ``until`` to that moment. Every pause is kept (since, until, why, by whom, who ended
it), so each change stays visible.
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
    "IN_EFFECT",
    "PAUSED_AT",
    "Pause",
    "current",
    "due_probes",
    "end_timed",
    "failed",
    "failures_in_a_row",
    "in_effect",
    "lock",
    "open_pause",
    "pause",
    "pause_until",
    "paused_at",
    "probe_failed",
    "resume",
    "spans",
    "succeeded",
]

HEALTH = "health"
# SQL: pause row {z} is in effect at moment {t} (a fragment; the caller names both). The rule.
IN_EFFECT = "{z}.since <= {t} AND ({z}.until IS NULL OR {z}.until > {t})"
# SQL: forecaster {f} is paused at moment {t}
PAUSED_AT = (
    "EXISTS (SELECT 1 FROM forecaster_pauses z WHERE z.forecaster_id = {f}.id AND "
    + IN_EFFECT.replace("{z}", "z")
    + ")"
)


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

    @property
    def timed(self) -> bool:
        """It has an end: of the pauses in effect (``current``), a timed one."""
        return self.until is not None


def in_effect(moment: datetime | sa.ColumnElement[datetime]) -> sa.ColumnElement[bool]:
    """``IN_EFFECT`` for a ``ForecasterPause`` row, as an expression for SQLAlchemy queries."""
    z = ForecasterPause
    return sa.and_(z.since <= moment, sa.or_(z.until.is_(None), z.until > moment))


def paused_at(forecaster: type[Forecaster], moment: sa.ColumnElement[datetime]) -> sa.Exists:
    """The ``PAUSED_AT`` condition as an expression, for queries built with SQLAlchemy."""
    return sa.exists().where(ForecasterPause.forecaster_id == forecaster.id, in_effect(moment))


def lock(session: Session, forecaster_id: int) -> None:
    """Hold the forecaster's row until the transaction ends, so operators' changes of its pauses
    take turns (``NO KEY UPDATE``: predictions referencing it are not held up)."""
    stmt = sa.select(Forecaster.id).where(Forecaster.id == forecaster_id)
    session.execute(stmt.with_for_update(key_share=True))


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


def pause_until(
    session: Session,
    forecaster_id: int,
    *,
    at: datetime,
    until: datetime,
    reason: str,
    actor: str,
) -> None:
    """Write a timed pause ``[at, until)``: it ends by itself at ``until``."""
    session.execute(
        insert(ForecasterPause).values(
            forecaster_id=forecaster_id, since=at, until=until, reason=reason, actor=actor
        )
    )


def end_timed(
    session: Session, forecaster_id: int, *, at: datetime, actor: str, reason: str
) -> Pause | None:
    """End the timed pause in effect at ``at`` there and then; the pause as it was (its planned
    end), or None when none was in effect."""
    found = [p for p in current(session, forecaster_id=forecaster_id, at=at) if p.timed]
    if not found:
        return None
    session.execute(
        sa.update(ForecasterPause)
        .where(
            ForecasterPause.forecaster_id == forecaster_id,
            ForecasterPause.until.is_not(None),
            in_effect(at),
        )
        .values(until=at, resumed_by=actor, resume_reason=reason)
    )
    return found[0]


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


# one short statement whatever the number of forecasters (their ids travel as an array), in
# key order: two jobs upserting overlapping sets cannot deadlock
_SUCCEEDED = sa.text(
    """
    INSERT INTO forecaster_health (forecaster_id, consecutive_failures, last_success_at)
    SELECT id, 0, :at FROM unnest(CAST(:ids AS int[])) AS id ORDER BY id
    ON CONFLICT (forecaster_id)
    DO UPDATE SET consecutive_failures = 0, last_success_at = excluded.last_success_at
    """
)


def succeeded(session: Session, forecaster_ids: Collection[int], *, at: datetime) -> None:
    """Each forecaster answered at ``at``: its run of failures ends (one statement for all)."""
    if forecaster_ids:
        session.execute(_SUCCEEDED, {"ids": sorted(forecaster_ids), "at": at})


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
    """The open pause of the forecaster (one with no end: disabled, by whomever), if any."""
    found = [p for p in spans(session, forecaster_id=forecaster_id) if p.until is None]
    return found[0] if found else None


def current(session: Session, *, at: datetime, forecaster_id: int | None = None) -> list[Pause]:
    """The pauses in effect at ``at`` (of one forecaster when given): open ones first, then
    timed ones, newest first. A forecaster listed here owes nothing due at ``at``."""
    return spans(session, forecaster_id=forecaster_id, at=at)


def spans(
    session: Session,
    *,
    forecaster: str | None = None,
    forecaster_id: int | None = None,
    at: datetime | None = None,
) -> list[Pause]:
    """Every pause, newest first (of one forecaster when named or given by id; ``at``: only
    those in effect then, open ones first)."""
    stmt = sa.select(Forecaster.name, ForecasterPause).join(
        ForecasterPause, ForecasterPause.forecaster_id == Forecaster.id
    )
    if at is not None:
        stmt = stmt.where(in_effect(at)).order_by(ForecasterPause.until.is_not(None))
    stmt = stmt.order_by(ForecasterPause.since.desc(), ForecasterPause.id.desc())
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
