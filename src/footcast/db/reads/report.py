"""Counting what a run changed: predictions, settlements, skips and failures since a mark."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db.reads import contamination
from footcast.db.tables import Failure, Prediction, Settlement, StageSkip
from footcast.domain.names import FailureState

__all__ = ["Mark", "Totals", "mark", "totals_since"]


@dataclass(frozen=True, kw_only=True)
class Mark:
    prediction_id: int
    settlement_id: int
    failure_at: datetime
    skip_at: datetime


@dataclass(frozen=True, kw_only=True)
class Totals:
    predictions: int
    retroactive: int
    contaminated: int  # the model may have seen the result (db/reads/contamination.py)
    matches_predicted: int
    settlements: int
    matches_settled: int
    skipped: list[tuple[int, str, str]]  # match, stage, reason
    failed: list[tuple[str, str, str, bool]]  # key, code, message, terminal


def mark(session: Session, *, now: datetime) -> Mark:
    return Mark(
        prediction_id=session.execute(sa.select(sa.func.coalesce(sa.func.max(Prediction.id), 0)))
        .scalar_one(),
        settlement_id=session.execute(sa.select(sa.func.coalesce(sa.func.max(Settlement.id), 0)))
        .scalar_one(),
        failure_at=now,
        skip_at=now,
    )  # fmt: skip


def totals_since(session: Session, since: Mark) -> Totals:
    new_predictions = sa.select(
        sa.func.count(),
        sa.func.count().filter(Prediction.retroactive),
        sa.func.count(sa.distinct(Prediction.match_id)),
    ).where(Prediction.id > since.prediction_id)
    predictions, retroactive, matches_predicted = session.execute(new_predictions).one()
    view = contamination.contaminated_predictions
    contaminated = session.execute(
        sa.select(sa.func.count())
        .select_from(view)
        .where(view.c.prediction_id > since.prediction_id)
    ).scalar_one()
    settlements, matches_settled = session.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(Settlement.match_id))).where(
            Settlement.id > since.settlement_id
        )
    ).one()
    skipped = session.execute(
        sa.select(StageSkip.match_id, StageSkip.stage, StageSkip.reason)
        .where(StageSkip.at >= since.skip_at)
        .order_by(StageSkip.match_id)
    ).all()
    failed = session.execute(
        sa.select(Failure.key, Failure.error_code, Failure.message, Failure.terminal)
        .where(Failure.last_seen_at >= since.failure_at, Failure.state == FailureState.OPEN)
        .order_by(Failure.key)
    ).all()
    return Totals(
        predictions=int(predictions),
        retroactive=int(retroactive),
        contaminated=int(contaminated),
        matches_predicted=int(matches_predicted),
        settlements=int(settlements),
        matches_settled=int(matches_settled),
        skipped=list(skipped),
        failed=list(failed),
    )
