"""What an operator looks at in an incident: each forecaster's health and pause, each provider's
circuit, the queue (due, running, oldest due, stalled) and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db import _sql
from footcast.db.coordination import pauses
from footcast.db.reads import monitoring
from footcast.db.tables import AuditEntry

__all__ = [
    "AuditRow",
    "Circuit",
    "ModelHealth",
    "QueueFigures",
    "audit_log",
    "circuits",
    "models",
    "queue",
]


@dataclass(frozen=True, kw_only=True)
class ModelHealth:
    name: str
    kind: str
    provider: str | None
    paused: bool  # a pause is in effect now: disabled (no end) or paused until ``paused_until``
    paused_by: str | None
    paused_since: datetime | None
    paused_until: datetime | None  # a timed pause: when it ends by itself
    pause_reason: str | None
    next_probe: datetime | None
    probes: int
    failures_in_a_row: int
    last_error: str | None
    last_failure_at: datetime | None
    last_success_at: datetime | None


@dataclass(frozen=True, kw_only=True)
class Circuit:
    provider: str
    state: str  # open (refusing), waiting (a retry-after), closed
    failures_in_a_row: int
    open_until: datetime | None
    wait_until: datetime | None
    last_error: str | None


@dataclass(frozen=True, kw_only=True)
class QueueFigures:
    due: int
    running: int
    oldest_due_seconds: float | None
    stalled: int  # running on a worker whose heartbeat stopped (or on none)


@dataclass(frozen=True, kw_only=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    details: dict[str, Any]


_MODELS = sa.text(
    f"""
    SELECT f.name, f.kind, f.provider, z.actor, z.since, z.until, z.reason, z.probe_at,
           coalesce(z.probes, 0), coalesce(h.consecutive_failures, 0), h.last_error,
           h.last_failure_at, h.last_success_at
    FROM forecasters f
    LEFT JOIN LATERAL (
        SELECT * FROM forecaster_pauses z
        WHERE z.forecaster_id = f.id AND {pauses.IN_EFFECT.format(z="z", t=":now")}
        ORDER BY z.until IS NOT NULL, z.since DESC LIMIT 1
    ) z ON true
    LEFT JOIN forecaster_health h ON h.forecaster_id = f.id
    WHERE f.active_until IS NULL OR f.active_until > :now
    ORDER BY f.name
    """
)
_CIRCUITS = sa.text(
    """
    SELECT scope, consecutive_failures, open_until, wait_until, last_error,
           CASE WHEN open_until > clock_timestamp() THEN 'open'
                WHEN wait_until > clock_timestamp() THEN 'waiting'
                ELSE 'closed' END
    FROM provider_circuits ORDER BY scope
    """
)
_STALLED = sa.text(
    f"""
    SELECT count(*) FROM procrastinate_jobs j
    LEFT JOIN procrastinate_workers w ON w.id = j.worker_id
    WHERE j.status = {_sql.DOING}
      AND (w.id IS NULL OR w.last_heartbeat < clock_timestamp() - :after)
    """
)


def models(session: Session, *, now: datetime) -> list[ModelHealth]:
    """Every current forecaster: the pause in effect at ``now`` (who, why, until when, next
    probe; an open one before a timed one) and its health."""
    return [
        ModelHealth(
            name=name,
            kind=kind,
            provider=provider,
            paused=since is not None,
            paused_by=actor,
            paused_since=since,
            paused_until=until,
            pause_reason=reason,
            next_probe=probe_at,
            probes=int(probes),
            failures_in_a_row=int(failing),
            last_error=error,
            last_failure_at=failed_at,
            last_success_at=ok_at,
        )
        for (
            name, kind, provider, actor, since, until, reason, probe_at, probes, failing, error,
            failed_at, ok_at,
        ) in session.execute(_MODELS, {"now": now})
    ]  # fmt: skip


def circuits(session: Session) -> list[Circuit]:
    """Each LLM provider's circuit as every worker shares it (``llm:<provider>`` scopes)."""
    return [
        Circuit(
            provider=scope.removeprefix("llm:"),
            state=state,
            failures_in_a_row=int(failing),
            open_until=open_until,
            wait_until=wait_until,
            last_error=error,
        )
        for scope, failing, open_until, wait_until, error, state in session.execute(_CIRCUITS)
    ]


def queue(session: Session, *, now: datetime, stalled_after: timedelta) -> QueueFigures:
    """Jobs due and running, the oldest due one's age, and running jobs whose worker stopped
    sending heartbeats for ``stalled_after`` (the reconciler re-queues them)."""
    found = monitoring.queue(session, now=now)
    stalled = session.execute(_STALLED, {"after": stalled_after}).scalar_one()
    return QueueFigures(
        due=found.due,
        running=found.running,
        oldest_due_seconds=found.oldest_due_seconds,
        stalled=int(stalled),
    )


def audit_log(
    session: Session, *, limit: int = 100, before: int | None = None, action: str | None = None
) -> list[AuditRow]:
    """Operator actions, newest first (``before``: ids below it, to page back)."""
    stmt = sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before is not None:
        stmt = stmt.where(AuditEntry.id < before)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return [
        AuditRow(
            id=e.id, at=e.at, actor=e.actor, action=e.action, target=e.target,
            details=dict(e.details or {}),
        )
        for e in session.execute(stmt).scalars()
    ]  # fmt: skip
