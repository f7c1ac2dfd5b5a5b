"""Abstentions: a forecaster that did not predict a match because its snapshot lacked an input
it needs. An abstained pair is not counted (the ``counted_pairs`` view leaves it out)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast.db.tables import Abstention
from footcast.domain.analysis import Need

__all__ = ["Abstaining", "record"]


@dataclass(frozen=True, kw_only=True)
class Abstaining:
    forecaster_id: int
    missing: tuple[Need, ...]
    reason: str


def record(
    session: Session,
    *,
    match_id: int,
    abstaining: Sequence[Abstaining],
    analysis_snapshot_id: int | None,
    now: datetime,
) -> int:
    """Store the abstentions (the first recorded for a pair stays); how many were new."""
    if not abstaining:
        return 0
    stmt = (
        insert(Abstention)
        .values(
            [
                {
                    "match_id": match_id,
                    "forecaster_id": a.forecaster_id,
                    "missing": [str(need) for need in a.missing],
                    "reason": a.reason,
                    "analysis_snapshot_id": analysis_snapshot_id,
                    "created_at": now,
                }
                for a in abstaining
            ]
        )
        .on_conflict_do_nothing(index_elements=["match_id", "forecaster_id"])
        .returning(Abstention.forecaster_id)
    )
    return len(session.execute(stmt).all())
