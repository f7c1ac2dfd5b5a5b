"""Forecasters: who predicts, and when they were active."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast import errors
from footcast.db.tables import Forecaster
from footcast.db.writes import totals

__all__ = ["by_name", "list_all", "upsert_forecaster"]


def upsert_forecaster(
    session: Session,
    *,
    name: str,
    kind: str,
    active_from: datetime,
    provider: str | None = None,
    model_id: str | None = None,
    reference: bool = False,
    knowledge_cutoff: date | None = None,
) -> int:
    values = {
        "kind": kind,
        "provider": provider,
        "model_id": model_id,
        "reference": reference,
        "knowledge_cutoff": knowledge_cutoff,
    }
    before = session.execute(
        sa.select(Forecaster.kind, Forecaster.knowledge_cutoff).where(Forecaster.name == name)
    ).one_or_none()
    stmt = insert(Forecaster).values(name=name, active_from=active_from, **values)
    stmt = stmt.on_conflict_do_update(index_elements=[Forecaster.name], set_=values)
    forecaster_id = int(session.execute(stmt.returning(Forecaster.id)).scalar_one())
    if before is not None and tuple(before) != (kind, knowledge_cutoff):
        # which of its predictions are contaminated may have changed: the leaderboard's kept
        # totals split on it
        totals.rebuild(session)
    return forecaster_id


def by_name(session: Session, name: str) -> Forecaster:
    """The forecaster called ``name``.

    Raises:
        NotFound: no forecaster has that name; the message lists a few that exist.
    """
    found = session.execute(
        sa.select(Forecaster).where(Forecaster.name == name)
    ).scalar_one_or_none()
    if found is None:
        known = session.execute(sa.select(Forecaster.name).order_by(Forecaster.name).limit(8))
        names = ", ".join(known.scalars()) or "none yet"
        raise errors.NotFound(
            f"forecaster {name!r} does not exist (known: {names})", forecaster=name
        )
    return found


def list_all(session: Session) -> list[Forecaster]:
    return list(session.execute(sa.select(Forecaster).order_by(Forecaster.name)).scalars())
