"""Quota snapshots, settlement revisions and their scores."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db.tables import (
    Match,
    Prediction,
    Settlement,
    SettlementScore,
)
from footcast.domain import scoring, settlement
from footcast.domain.names import MatchStatus

__all__ = [
    "CurrentSettlement",
    "FrozenSnapshot",
    "MatchToSettle",
    "current_state",
    "insert_scores",
    "insert_settlement",
    "insert_snapshot",
    "lock_match",
    "matches_due_for_settlement",
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


@dataclass(frozen=True, kw_only=True)
class MatchToSettle:
    id: int
    status: str
    result: scoring.Score | None
    rule_name: str
    rule_kind: str
    rule_params: dict[str, int]

    def rule(self) -> scoring.Rule:
        """The competition's scoring rule, rebuilt from its stored parameters."""
        return scoring.rule_from_params(
            name=self.rule_name, kind=self.rule_kind, params=self.rule_params
        )


# The settlement path runs once per match, thousands of times in a backfill: its statements are
# written once as text, so no statement is rebuilt (and re-keyed for the cache) on every call.
_LOCK_MATCH = sa.text(
    """
    SELECT m.id, m.status, m.home_goals, m.away_goals, r.name, r.kind, r.params
    FROM matches m
    JOIN competitions c ON c.id = m.competition_id
    JOIN scoring_rules r ON r.name = c.scoring_rule
    WHERE m.id = :match_id
    FOR UPDATE OF m
    """
)

_CURRENT_STATE = sa.text(
    """
    SELECT q.id, q.rule_name, q.rule_kind, q.rule_params, q.quota_home, q.quota_draw,
           q.quota_away, q.prediction_ids,
           s.id AS settlement_id, s.revision, s.snapshot_id, s.home_goals, s.away_goals
    FROM quota_snapshots q
    LEFT JOIN settlements s ON s.match_id = q.match_id AND s.superseded_at IS NULL
    WHERE q.match_id = :match_id AND q.superseded_at IS NULL
    """
)

_INSERT_SNAPSHOT = sa.text(
    """
    INSERT INTO quota_snapshots (
        match_id, rule_name, rule_kind, rule_params, n, t_home, t_draw, t_away,
        quota_home, quota_draw, quota_away, basis, prediction_ids, frozen_at
    ) VALUES (
        :match_id, :rule_name, :rule_kind, CAST(:rule_params AS jsonb), :n, :t_home, :t_draw,
        :t_away, :quota_home, :quota_draw, :quota_away, :basis,
        CAST(:prediction_ids AS bigint[]), :frozen_at
    )
    RETURNING id
    """
)

_INSERT_SETTLEMENT = sa.text(
    """
    WITH settled AS (
        UPDATE matches SET settled_at = :now WHERE id = :match_id RETURNING id
    )
    INSERT INTO settlements (
        match_id, revision, snapshot_id, home_goals, away_goals, settled_at, settled_by, reason
    ) VALUES (
        :match_id, :revision, :snapshot_id, :home_goals, :away_goals, :now, :actor, :reason
    )
    RETURNING id
    """
)


def lock_match(session: Session, match_id: int) -> MatchToSettle | None:
    """The match and its competition's rule, with the match row locked until commit."""
    row = session.execute(_LOCK_MATCH, {"match_id": match_id}).one_or_none()
    if row is None:
        return None
    result = (
        None
        if row.home_goals is None or row.away_goals is None
        else scoring.Score(home=row.home_goals, away=row.away_goals)
    )
    return MatchToSettle(
        id=row.id,
        status=row.status,
        result=result,
        rule_name=row.name,
        rule_kind=row.kind,
        rule_params=row.params,
    )


def current_state(
    session: Session, match_id: int
) -> tuple[FrozenSnapshot | None, CurrentSettlement | None]:
    """The match's current frozen snapshot and current settlement revision, if any."""
    row = session.execute(_CURRENT_STATE, {"match_id": match_id}).one_or_none()
    if row is None:
        return None, None
    quotas = (
        None
        if row.quota_home is None or row.quota_draw is None or row.quota_away is None
        else scoring.Quotas(home=row.quota_home, draw=row.quota_draw, away=row.quota_away)
    )
    snapshot = FrozenSnapshot(
        id=row.id,
        rule=scoring.rule_from_params(
            name=row.rule_name, kind=row.rule_kind, params=row.rule_params
        ),
        quotas=quotas,
        prediction_ids=frozenset(row.prediction_ids),
    )
    settled = (
        None
        if row.settlement_id is None
        else CurrentSettlement(
            id=row.settlement_id,
            revision=row.revision,
            snapshot_id=row.snapshot_id,
            result=scoring.Score(home=row.home_goals, away=row.away_goals),
        )
    )
    return snapshot, settled


def insert_snapshot(
    session: Session,
    *,
    match_id: int,
    rule: scoring.Rule,
    frozen: settlement.Frozen,
    now: datetime,
) -> FrozenSnapshot:
    """Freeze the match's snapshot and return it as settlement reads it back."""
    quotas = frozen.quotas
    params = {
        "match_id": match_id,
        "rule_name": rule.name,
        "rule_kind": rule.kind,
        "rule_params": json.dumps(rule.params()),
        "n": frozen.counts.total,
        "t_home": frozen.counts.home,
        "t_draw": frozen.counts.draw,
        "t_away": frozen.counts.away,
        "quota_home": quotas.home if quotas else None,
        "quota_draw": quotas.draw if quotas else None,
        "quota_away": quotas.away if quotas else None,
        "basis": frozen.basis.value,
        "prediction_ids": list(frozen.prediction_ids),
        "frozen_at": now,
    }
    snapshot_id = int(session.execute(_INSERT_SNAPSHOT, params).scalar_one())
    return FrozenSnapshot(
        id=snapshot_id,
        rule=rule,
        quotas=quotas,
        prediction_ids=frozenset(frozen.prediction_ids),
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
    """Write a settlement revision and mark the match settled, in one statement."""
    params = {
        "match_id": match_id,
        "revision": revision,
        "snapshot_id": snapshot_id,
        "home_goals": result.home,
        "away_goals": result.away,
        "now": now,
        "actor": actor,
        "reason": reason,
    }
    return int(session.execute(_INSERT_SETTLEMENT, params).scalar_one())


def scored_prediction_ids(session: Session, settlement_id: int) -> set[int]:
    rows = session.execute(
        sa.select(SettlementScore.prediction_id).where(
            SettlementScore.settlement_id == settlement_id
        )
    )
    return set(rows.scalars())


_INSERT_SCORES = sa.text(
    """
    INSERT INTO settlement_scores (
        settlement_id, prediction_id, forecaster_id, in_snapshot, retroactive, points,
        tendency_hit, goal_difference_hit, exact_hit, goal_error, rps, brier, log_loss
    )
    SELECT :settlement_id, * FROM unnest(
        CAST(:prediction_id AS bigint[]), CAST(:forecaster_id AS int[]),
        CAST(:in_snapshot AS bool[]), CAST(:retroactive AS bool[]), CAST(:points AS int[]),
        CAST(:tendency_hit AS bool[]), CAST(:goal_difference_hit AS bool[]),
        CAST(:exact_hit AS bool[]), CAST(:goal_error AS int[]), CAST(:rps AS float8[]),
        CAST(:brier AS float8[]), CAST(:log_loss AS float8[])
    )
    """
)


def insert_scores(
    session: Session,
    *,
    settlement_id: int,
    scores: Iterable[settlement.PredictionScore],
    frozen_ids: frozenset[int],
) -> int:
    """Write the scores of one settlement revision in one statement (arrays, unnested)."""
    rows = list(scores)
    if not rows:
        return 0
    columns = {
        name: [getattr(s, name) for s in rows]
        for name in (
            "prediction_id", "forecaster_id", "retroactive", "points", "tendency_hit",
            "goal_difference_hit", "exact_hit", "goal_error", "rps", "brier", "log_loss",
        )
    }  # fmt: skip
    columns["in_snapshot"] = [s.prediction_id in frozen_ids for s in rows]
    session.execute(_INSERT_SCORES, {"settlement_id": settlement_id, **columns})
    return len(rows)


def matches_due_for_settlement(
    session: Session, *, limit: int | None = None, competition_id: int | None = None
) -> list[int]:
    """Finished matches with a final score (of one competition, or of all) whose current
    settlement is missing, out of date (the score was corrected), or misses a prediction stored
    since."""
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
        .where(Match.status == MatchStatus.FINISHED, Match.home_goals.is_not(None), has_predictions)
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
    if competition_id is not None:
        stmt = stmt.where(Match.competition_id == competition_id)
    return list(session.execute(stmt).scalars())
