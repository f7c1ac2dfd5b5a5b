"""The replay a database holds: which files, from when, and how far it has got."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast.db.tables import Replay

__all__ = ["ReplayState", "current", "save"]


@dataclass(frozen=True, kw_only=True)
class ReplayState:
    source: str
    fingerprint: str
    started_at: datetime
    reached_at: datetime


def current(session: Session) -> ReplayState | None:
    """The replay this database holds, or None when it holds none."""
    row = session.execute(sa.select(Replay)).scalar_one_or_none()
    if row is None:
        return None
    return ReplayState(
        source=row.source,
        fingerprint=row.fingerprint,
        started_at=row.started_at,
        reached_at=row.reached_at,
    )


def save(session: Session, state: ReplayState, *, now: datetime) -> None:
    values = {
        "source": state.source,
        "fingerprint": state.fingerprint,
        "started_at": state.started_at,
        "reached_at": state.reached_at,
        "updated_at": now,
    }
    stmt = insert(Replay).values(id=1, **values)
    session.execute(stmt.on_conflict_do_update(index_elements=[Replay.id], set_=values))
