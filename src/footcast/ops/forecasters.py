"""Forecasters as operator actions: add one; pause it for a time and resume it; disable it and
enable it; each change audited.

Two ways to stop a forecaster, told apart everywhere (CLI, admin API, admin pages):

- **pause** until a moment (or for N hours): a timed pause. It ends by itself at that moment —
  the rule of who owes what reads its end, so nothing has to run then. **resume** ends it early.
  Pausing again while paused moves the end (the running pause ends, a new one starts).
- **disable**: the indefinite stop, until an operator enables it. Enable lifts every pause in
  effect, whoever made it (an operator, the roster, its health), so the forecaster owes
  predictions again at once. A timed pause running when it is disabled ends there (the disable
  takes over); a disabled forecaster can not be paused for a time (enable it first).

Either way a paused forecaster owes no prediction due while the pause is in effect; nothing
stored is touched. The CLI's ``forecasters``/``models`` commands and the admin API's
``forecasters/{name}/...`` routes call these, recorded under one name (``forecaster.pause``,
``.resume``, ``.disable``, ``.enable``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from footcast import errors
from footcast.db import Database
from footcast.db.coordination import pauses
from footcast.db.tables import Forecaster
from footcast.db.writes import audit
from footcast.db.writes import forecasters as forecaster_rows
from footcast.domain.names import ForecasterKind

__all__ = ["MAX_PAUSE", "Added", "Toggled", "add", "disable", "enable", "pause", "resume"]

MAX_PAUSE = timedelta(days=90)  # a longer stop is a disable


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
    paused_by: str | None = None  # enable, resume: who had paused it ("roster", "health"...)
    until: datetime | None = None  # a timed pause: when it ends by itself


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
    """Stop a forecaster from ``now`` on until it is enabled (audited when it changed anything);
    a timed pause running now ends here, the disable taking over.

    Raises:
        NotFound: no forecaster has that name.
    """
    with database.transaction() as session:
        row = forecaster_rows.by_name(session, name)
        pauses.lock(session, row.id)
        if pauses.open_pause(session, row.id) is not None:
            return Toggled(name=name, paused=True, changed=False)
        ended = pauses.end_timed(session, row.id, at=now, actor=actor, reason="disabled")
        pauses.pause(session, row.id, at=now, reason=reason, actor=actor)
        details: dict[str, object] = {"reason": reason}
        if ended is not None:
            details["ended_pause_until"] = _iso(ended.until)
        audit.record(session, actor=actor, action="forecaster.disable", target=name, now=now,
                     details=details)  # fmt: skip
    return Toggled(name=name, paused=True, changed=True)


def enable(
    database: Database,
    name: str,
    *,
    actor: str,
    now: datetime,
    reason: str = "enabled by an operator",
) -> Toggled:
    """Lift every pause in effect (disabled by whomever, or paused for a time) from ``now`` on
    (audited when it changed anything).

    Raises:
        NotFound: no forecaster has that name.
    """
    with database.transaction() as session:
        row = forecaster_rows.by_name(session, name)
        pauses.lock(session, row.id)
        was = pauses.open_pause(session, row.id)
        changed = pauses.resume(session, row.id, at=now, actor=actor, reason=reason)
        timed = pauses.end_timed(session, row.id, at=now, actor=actor, reason=reason)
        if changed or timed is not None:
            audit.record(session, actor=actor, action="forecaster.enable", target=name, now=now,
                         details={"reason": reason})  # fmt: skip
    by = was or timed
    return Toggled(
        name=name,
        paused=False,
        changed=changed or timed is not None,
        paused_by=None if by is None else by.actor,
    )


def pause(
    database: Database,
    name: str,
    *,
    until: datetime,
    actor: str,
    now: datetime,
    reason: str = "paused by an operator",
) -> Toggled:
    """Pause a forecaster from ``now`` until ``until``, when it resumes by itself (audited). A
    timed pause running now ends here and this one follows it (its end moves); one ending at
    ``until`` already is left alone.

    Raises:
        NotFound: no forecaster has that name.
        InvalidInput: ``until`` is not after ``now``, or more than ``MAX_PAUSE`` after it.
        Conflict: the forecaster is disabled (a timed pause would not end that): enable it.
    """
    if until.tzinfo is None:
        raise errors.InvalidInput(f"the end of a pause needs a time zone: {until.isoformat()}")
    if until <= now:
        raise errors.InvalidInput(f"a pause must end after now ({_iso(now)}), not {_iso(until)}")
    if until - now > MAX_PAUSE:
        raise errors.InvalidInput(
            f"a pause lasts at most {MAX_PAUSE.days} days; to stop {name} for longer, disable it"
        )
    with database.transaction() as session:
        row = _timed_only(session, name, why=": a timed pause would not end that; enable it first")
        running = [p for p in pauses.current(session, forecaster_id=row.id, at=now) if p.timed]
        if running and running[0].until == until:
            return Toggled(name=name, paused=True, changed=False, until=until)
        ended = pauses.end_timed(
            session, row.id, at=now, actor=actor, reason=f"paused again, until {_iso(until)}"
        )
        pauses.pause_until(session, row.id, at=now, until=until, reason=reason, actor=actor)
        details: dict[str, object] = {"reason": reason, "until": _iso(until)}
        if ended is not None:
            details["replaced_until"] = _iso(ended.until)
        audit.record(session, actor=actor, action="forecaster.pause", target=name, now=now,
                     details=details)  # fmt: skip
    return Toggled(name=name, paused=True, changed=True, until=until)


def _timed_only(session: Session, name: str, *, why: str) -> Forecaster:
    """The forecaster ``name``, its row locked for a change of its timed pauses; Conflict when
    it is disabled (an open pause, which only enable lifts), ``why`` ending the message."""
    row = forecaster_rows.by_name(session, name)
    pauses.lock(session, row.id)
    stopped = pauses.open_pause(session, row.id)
    if stopped is not None:
        raise errors.Conflict(
            f"{name} is disabled (by {stopped.actor} since {_iso(stopped.since)}){why}",
            forecaster=name,
        )
    return row


def resume(
    database: Database,
    name: str,
    *,
    actor: str,
    now: datetime,
    reason: str = "resumed by an operator",
) -> Toggled:
    """End a timed pause early, at ``now`` (audited when there was one).

    Raises:
        NotFound: no forecaster has that name.
        Conflict: the forecaster is disabled, not paused for a time: enable lifts that.
    """
    with database.transaction() as session:
        row = _timed_only(session, name, why=", not paused for a time: enable it")
        ended = pauses.end_timed(session, row.id, at=now, actor=actor, reason=reason)
        if ended is not None:
            audit.record(session, actor=actor, action="forecaster.resume", target=name, now=now,
                         details={"reason": reason, "until": _iso(ended.until)})  # fmt: skip
    return Toggled(
        name=name,
        paused=False,
        changed=ended is not None,
        paused_by=None if ended is None else ended.actor,
        until=None if ended is None else ended.until,
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")
