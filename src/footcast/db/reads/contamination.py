"""Which predictions are contaminated (the model may have read the result): the one rule, the
view ``contaminated_predictions`` of migration 0011, read here."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlalchemy.orm import Session

__all__ = ["contaminated_predictions", "count"]

contaminated_predictions = sa.table(
    "contaminated_predictions",
    sa.column("prediction_id", sa.BigInteger),
    sa.column("match_id", sa.Integer),
    sa.column("forecaster_id", sa.Integer),
)


def count(session: Session, *, match_ids: Collection[int] | None = None) -> int:
    """How many predictions are contaminated (of ``match_ids`` when given)."""
    view = contaminated_predictions
    stmt = sa.select(sa.func.count()).select_from(view)
    if match_ids is not None:
        stmt = stmt.where(view.c.match_id.in_(list(match_ids)))
    return int(session.execute(stmt).scalar_one())
