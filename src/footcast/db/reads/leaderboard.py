"""The leaderboard: points and scores per forecaster over current settlements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute, Session

from footcast.db.reads import contamination, owed
from footcast.db.tables import (
    Competition,
    Forecaster,
    Match,
    Season,
    Settlement,
    SettlementScore,
)

__all__ = ["Row", "leaderboard"]

T = TypeVar("T")


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


def _current(
    column: QueryableAttribute[T],
    *,
    competition: str | None,
    season: str | None,
    with_match: bool,
) -> sa.Select[T]:
    """``column`` of the current settlements (one per settled match), of the competition and
    season if given."""
    stmt = sa.select(column).select_from(Settlement).where(Settlement.superseded_at.is_(None))
    if with_match or competition is not None or season is not None:
        stmt = stmt.join(Match, Match.id == Settlement.match_id)
    if competition is not None:
        stmt = stmt.join(Competition, Competition.id == Match.competition_id).where(
            Competition.code == competition
        )
    if season is not None:
        stmt = stmt.join(Season, Season.id == Match.season_id).where(Season.label == season)
    return stmt


def _counted(settled: sa.Subquery) -> sa.Subquery:
    """(forecaster_id, settled): how many of the settled matches count for each forecaster (its
    counted pairs, db/reads/owed.py: active and not paused at the deadline; humans included, whose
    missing predictions score 0)."""
    pairs = owed.counted_pairs
    return (
        sa.select(pairs.c.forecaster_id, sa.func.count().label("settled"))
        .select_from(pairs)
        .join(settled, settled.c.match_id == pairs.c.match_id)
        .group_by(pairs.c.forecaster_id)
        .subquery("counted")
    )


def leaderboard(
    session: Session,
    *,
    competition: str | None = None,
    season: str | None = None,
    include_retroactive: bool = False,
    contaminated: bool = False,
) -> list[Row]:
    """Every forecaster, best first; a settled match it did not predict counts as 0 points.

    Contaminated predictions (``db/reads/contamination.py``: the model may have read the result)
    never count; ``contaminated=True`` is their own table instead, retroactive ones included.

    ``settled`` counts the settled matches whose deadline falls in the forecaster's active span
    and outside its pauses (every settled match when retroactive predictions count).
    """
    current = _current(
        Settlement.id, competition=competition, season=season, with_match=False
    ).subquery("current")
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
        .join(current, current.c.id == score.settlement_id)
        .group_by(score.forecaster_id)
    )
    tainted = sa.select(contamination.contaminated_predictions.c.prediction_id)
    if contaminated:
        include_retroactive = True
        scored = scored.where(score.prediction_id.in_(tainted))
    else:
        scored = scored.where(score.prediction_id.not_in(tainted))
    if not include_retroactive:
        scored = scored.where(score.retroactive.is_(False))
    scored_sq = scored.subquery("scored")
    settled = _current(
        Settlement.match_id, competition=competition, season=season, with_match=False
    ).subquery("settled")
    if include_retroactive:
        settled_count: sa.ColumnElement[int] = (
            sa.select(sa.func.count()).select_from(settled).scalar_subquery()
        )
        counted = None
    else:
        counted = _counted(settled)
        settled_count = sa.func.coalesce(counted.c.settled, 0)
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
    if counted is not None:
        stmt = stmt.outerjoin(counted, counted.c.forecaster_id == Forecaster.id)
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
