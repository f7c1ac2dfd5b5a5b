"""Small records the stages keep: deliberate skips and the last fixture sync of each source."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast.db.tables import SourceSync, StageSkip

__all__ = ["last_sync", "mark_synced", "skip", "skips", "unskip"]


def skip(session: Session, *, stage: str, match_id: int, reason: str, now: datetime) -> None:
    """Record that ``stage`` will not be done for the match, and why (visible, not a failure)."""
    stmt = insert(StageSkip).values(stage=stage, match_id=match_id, reason=reason, at=now)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["stage", "match_id"], set_={"reason": reason, "at": now}
        )
    )


def unskip(session: Session, *, stage: str, match_id: int) -> None:
    session.execute(
        sa.delete(StageSkip).where(StageSkip.stage == stage, StageSkip.match_id == match_id)
    )


def skips(session: Session, *, since: datetime) -> list[StageSkip]:
    return list(
        session.execute(
            sa.select(StageSkip).where(StageSkip.at >= since).order_by(StageSkip.at)
        ).scalars()
    )


def last_sync(session: Session, source: str) -> datetime | None:
    return session.execute(
        sa.select(SourceSync.synced_at).where(SourceSync.source == source)
    ).scalar_one_or_none()


def mark_synced(session: Session, source: str, *, now: datetime, fixtures: int) -> None:
    stmt = insert(SourceSync).values(source=source, synced_at=now, fixtures=fixtures)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["source"], set_={"synced_at": now, "fixtures": fixtures}
        )
    )
