"""Forecasters as operator actions: add one, disable (pause) and enable (resume) one, audited.

A disabled forecaster owes no predictions from then on; nothing stored is touched. The CLI's
``models disable``/``enable`` and the admin API's ``forecasters/{name}/disable``/``enable`` are
this one action, recorded under one name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from footcast.db import Database
from footcast.db.coordination import pauses
from footcast.db.writes import audit
from footcast.db.writes import forecasters as forecaster_rows
from footcast.domain.names import ForecasterKind

__all__ = ["Added", "Toggled", "add", "disable", "enable"]


@dataclass(frozen=True, kw_only=True)
class Added:
    name: str
    kind: str
    forecaster_id: int


@dataclass(frozen=True, kw_only=True)
class Toggled:
    name: str
    paused: bool  # its state now
    changed: bool  # False: it was in that state already
    paused_by: str | None = None  # enable: who had paused it (e.g. "roster", "health")


def add(database: Database, name: str, *, kind: str, actor: str, now: datetime) -> Added:
    """Add a forecaster, active from ``now`` (adding it again updates its kind). A consensus
    is a reference row, never a competitor: it is made of them."""
    with database.transaction() as session:
        forecaster_id = forecaster_rows.upsert_forecaster(
            session,
            name=name,
            kind=kind,
            active_from=now,
            reference=kind == ForecasterKind.CONSENSUS,
        )
        audit.record(session, actor=actor, action="forecaster.add", target=name, now=now,
                     details={"kind": kind})  # fmt: skip
    return Added(name=name, kind=kind, forecaster_id=forecaster_id)


def disable(
    database: Database,
    name: str,
    *,
    actor: str,
    now: datetime,
    reason: str = "disabled by an operator",
) -> Toggled:
    """Pause a forecaster from ``now`` on (audited when it changed anything).

    Raises:
        NotFound: no forecaster has that name.
    """
    with database.transaction() as session:
        row = forecaster_rows.by_name(session, name)
        changed = pauses.pause(session, row.id, at=now, reason=reason, actor=actor)
        if changed:
            audit.record(session, actor=actor, action="forecaster.disable", target=name, now=now,
                         details={"reason": reason})  # fmt: skip
    return Toggled(name=name, paused=True, changed=changed)


def enable(
    database: Database,
    name: str,
    *,
    actor: str,
    now: datetime,
    reason: str = "enabled by an operator",
) -> Toggled:
    """Resume a paused forecaster (whoever paused it) from ``now`` on (audited when it changed
    anything).

    Raises:
        NotFound: no forecaster has that name.
    """
    with database.transaction() as session:
        row = forecaster_rows.by_name(session, name)
        was = pauses.open_pause(session, row.id)
        changed = pauses.resume(session, row.id, at=now, actor=actor, reason=reason)
        if changed:
            audit.record(session, actor=actor, action="forecaster.enable", target=name, now=now,
                         details={"reason": reason})  # fmt: skip
    return Toggled(
        name=name, paused=False, changed=changed, paused_by=None if was is None else was.actor
    )
