"""Quota snapshots, settlement revisions and their scores."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db.models import (
    Competition,
    Match,
    Prediction,
    QuotaSnapshot,
    ScoringRule,
    Settlement,
    SettlementScore,
)
from footcast.domain import scoring, settlement

__all__ = [
    "CurrentSettlement",
    "FrozenSnapshot",
    "current_settlement",
    "current_snapshot",
    "insert_scores",
    "insert_settlement",
    "insert_snapshot",
    "mark_settled",
    "matches_due_for_settlement",
    "rule_of_match",
    "scored_prediction_ids",
    "supersede_settlement",
]


@dataclass(frozen=True, kw_only=True)
class FrozenSnapshot:
    id: int
    rule: scoring.Rule
    quotas: scoring.Quotas | None
    prediction_ids: frozenset[int]


@dataclass(frozen=True, kw_only=True)
class CurrentSettlement:
    id: int
    revision: int
    snapshot_id: int
    result: scoring.Score


def rule_of_match(session: Session, match_id: int) -> scoring.Rule:
    """The scoring rule of the match's competition, rebuilt from its stored parameters."""
    row = session.execute(
        sa.select(ScoringRule.name, ScoringRule.kind, ScoringRule.params)
        .join(Competition, Competition.scoring_rule == ScoringRule.name)
        .join(Match, Match.competition_id == Competition.id)
        .where(Match.id == match_id)
    ).one()
    return scoring.rule_from_params(name=row.name, kind=row.kind, params=row.params)


def current_snapshot(session: Session, match_id: int) -> FrozenSnapshot | None:
    row = session.execute(
        sa.select(QuotaSnapshot).where(
            QuotaSnapshot.match_id == match_id, QuotaSnapshot.superseded_at.is_(None)
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    quotas = (
        None
        if row.quota_home is None or row.quota_draw is None or row.quota_away is None
        else scoring.Quotas(home=row.quota_home, draw=row.quota_draw, away=row.quota_away)
    )
    return FrozenSnapshot(
        id=row.id,
        rule=scoring.rule_from_params(
            name=row.rule_name, kind=row.rule_kind, params=row.rule_params
        ),
        quotas=quotas,
        prediction_ids=frozenset(row.prediction_ids),
    )


def insert_snapshot(
    session: Session,
    *,
    match_id: int,
    rule: scoring.Rule,
    frozen: settlement.Frozen,
    now: datetime,
) -> int:
    quotas = frozen.quotas
    stmt = sa.insert(QuotaSnapshot).values(
        match_id=match_id,
        rule_name=rule.name,
        rule_kind=rule.kind,
        rule_params=rule.params(),
        n=frozen.counts.total,
        t_home=frozen.counts.home,
        t_draw=frozen.counts.draw,
        t_away=frozen.counts.away,
        quota_home=quotas.home if quotas else None,
        quota_draw=quotas.draw if quotas else None,
        quota_away=quotas.away if quotas else None,
        basis=frozen.basis.value,
        prediction_ids=list(frozen.prediction_ids),
        frozen_at=now,
    )
    return int(session.execute(stmt.returning(QuotaSnapshot.id)).scalar_one())


def current_settlement(session: Session, match_id: int) -> CurrentSettlement | None:
    row = session.execute(
        sa.select(
            Settlement.id,
            Settlement.revision,
            Settlement.snapshot_id,
            Settlement.home_goals,
            Settlement.away_goals,
        ).where(Settlement.match_id == match_id, Settlement.superseded_at.is_(None))
    ).one_or_none()
    if row is None:
        return None
    return CurrentSettlement(
        id=row.id,
        revision=row.revision,
        snapshot_id=row.snapshot_id,
        result=scoring.Score(home=row.home_goals, away=row.away_goals),
    )


def supersede_settlement(session: Session, settlement_id: int, *, now: datetime) -> None:
    session.execute(
        sa.update(Settlement).where(Settlement.id == settlement_id).values(superseded_at=now)
    )


def insert_settlement(
    session: Session,
    *,
    match_id: int,
    revision: int,
    snapshot_id: int,
    result: scoring.Score,
    now: datetime,
    actor: str,
    reason: str,
) -> int:
    stmt = sa.insert(Settlement).values(
        match_id=match_id,
        revision=revision,
        snapshot_id=snapshot_id,
        home_goals=result.home,
        away_goals=result.away,
        settled_at=now,
        settled_by=actor,
        reason=reason,
    )
    return int(session.execute(stmt.returning(Settlement.id)).scalar_one())


def scored_prediction_ids(session: Session, settlement_id: int) -> set[int]:
    rows = session.execute(
        sa.select(SettlementScore.prediction_id).where(
            SettlementScore.settlement_id == settlement_id
        )
    )
    return set(rows.scalars())


def insert_scores(
    session: Session,
    *,
    settlement_id: int,
    scores: Iterable[settlement.PredictionScore],
    frozen_ids: frozenset[int],
) -> int:
    rows = [
        {
            "settlement_id": settlement_id,
            "prediction_id": s.prediction_id,
            "forecaster_id": s.forecaster_id,
            "in_snapshot": s.prediction_id in frozen_ids,
            "retroactive": s.retroactive,
            "points": s.points,
            "tendency_hit": s.tendency_hit,
            "goal_difference_hit": s.goal_difference_hit,
            "exact_hit": s.exact_hit,
            "goal_error": s.goal_error,
            "rps": s.rps,
            "brier": s.brier,
            "log_loss": s.log_loss,
        }
        for s in scores
    ]
    if rows:
        session.execute(sa.insert(SettlementScore), rows)
    return len(rows)


def mark_settled(session: Session, match_id: int, *, now: datetime) -> None:
    session.execute(sa.update(Match).where(Match.id == match_id).values(settled_at=now))


def matches_due_for_settlement(session: Session, *, limit: int | None = None) -> list[int]:
    """Finished matches with a final score whose current settlement is missing, out of date
    (the score was corrected), or misses a prediction stored since."""
    current = sa.select(Settlement).where(Settlement.superseded_at.is_(None)).subquery("current")
    unscored = (
        sa.select(Prediction.id)
        .where(Prediction.match_id == Match.id)
        .where(
            ~sa.exists().where(
                SettlementScore.settlement_id == current.c.id,
                SettlementScore.prediction_id == Prediction.id,
            )
        )
    )
    has_predictions = sa.exists().where(Prediction.match_id == Match.id)
    stmt = (
        sa.select(Match.id)
        .outerjoin(current, current.c.match_id == Match.id)
        .where(Match.status == "finished", Match.home_goals.is_not(None), has_predictions)
        .where(
            sa.or_(
                current.c.id.is_(None),
                current.c.home_goals != Match.home_goals,
                current.c.away_goals != Match.away_goals,
                unscored.exists(),
            )
        )
        .order_by(Match.kickoff_at, Match.id)
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())
