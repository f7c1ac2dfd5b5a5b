"""The leaderboard: points and scores per forecaster over current settlements."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db import pauses
from footcast.db.models import (
    Competition,
    Forecaster,
    Match,
    Season,
    Settlement,
    SettlementScore,
)

__all__ = ["Row", "leaderboard"]


@dataclass(frozen=True, kw_only=True)
class Row:
    forecaster: str
    kind: str
    reference: bool
    points: int
    predicted: int
    settled: int
    tendency_hits: int
    exact_hits: int
    mean_rps: float | None
    mean_log_loss: float | None

    @property
    def coverage(self) -> float:
        return self.predicted / self.settled if self.settled else 0.0

    @property
    def tendency_rate(self) -> float:
        return self.tendency_hits / self.predicted if self.predicted else 0.0

    @property
    def exact_rate(self) -> float:
        return self.exact_hits / self.predicted if self.predicted else 0.0

    @property
    def points_per_match(self) -> float:
        return self.points / self.predicted if self.predicted else 0.0


def leaderboard(
    session: Session,
    *,
    competition: str | None = None,
    season: str | None = None,
    include_retroactive: bool = False,
) -> list[Row]:
    """Every forecaster, best first; a settled match it did not predict counts as 0 points.

    ``settled`` counts the settled matches whose deadline falls in the forecaster's active span
    (every settled match when retroactive predictions count).
    """
    settled = (
        sa.select(Settlement.id.label("settlement_id"), Match.prediction_deadline)
        .join(Match, Match.id == Settlement.match_id)
        .where(Settlement.superseded_at.is_(None))
    )
    if competition is not None:
        settled = settled.join(Competition, Competition.id == Match.competition_id).where(
            Competition.code == competition
        )
    if season is not None:
        settled = settled.join(Season, Season.id == Match.season_id).where(Season.label == season)
    settled_cte = settled.cte("settled")
    score = SettlementScore
    scored = (
        sa.select(
            score.forecaster_id,
            sa.func.count().label("predicted"),
            sa.func.sum(score.points).label("points"),
            sa.func.count().filter(score.tendency_hit).label("tendency_hits"),
            sa.func.count().filter(score.exact_hit).label("exact_hits"),
            sa.func.avg(score.rps).label("mean_rps"),
            sa.func.avg(score.log_loss).label("mean_log_loss"),
        )
        .join(settled_cte, settled_cte.c.settlement_id == score.settlement_id)
        .group_by(score.forecaster_id)
    )
    if not include_retroactive:
        scored = scored.where(score.retroactive.is_(False))
    scored_sq = scored.subquery("scored")
    in_span = (
        sa.true()
        if include_retroactive
        else sa.and_(
            settled_cte.c.prediction_deadline >= Forecaster.active_from,
            sa.or_(
                Forecaster.active_until.is_(None),
                settled_cte.c.prediction_deadline < Forecaster.active_until,
            ),
            ~pauses.paused_at(Forecaster, settled_cte.c.prediction_deadline),
        )
    )
    settled_count = (
        sa.select(sa.func.count()).select_from(settled_cte).where(in_span).scalar_subquery()
    )
    points = sa.func.coalesce(scored_sq.c.points, 0)
    stmt = (
        sa.select(
            Forecaster.name,
            Forecaster.kind,
            Forecaster.reference,
            points.label("points"),
            sa.func.coalesce(scored_sq.c.predicted, 0).label("predicted"),
            settled_count.label("settled"),
            sa.func.coalesce(scored_sq.c.tendency_hits, 0).label("tendency_hits"),
            sa.func.coalesce(scored_sq.c.exact_hits, 0).label("exact_hits"),
            scored_sq.c.mean_rps,
            scored_sq.c.mean_log_loss,
        )
        .outerjoin(scored_sq, scored_sq.c.forecaster_id == Forecaster.id)
        .order_by(points.desc(), Forecaster.name)
    )
    return [
        Row(
            forecaster=r.name,
            kind=r.kind,
            reference=r.reference,
            points=int(r.points),
            predicted=int(r.predicted),
            settled=int(r.settled),
            tendency_hits=int(r.tendency_hits),
            exact_hits=int(r.exact_hits),
            mean_rps=None if r.mean_rps is None else float(r.mean_rps),
            mean_log_loss=None if r.mean_log_loss is None else float(r.mean_log_loss),
        )
        for r in session.execute(stmt)
    ]
