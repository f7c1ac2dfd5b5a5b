"""The leaderboard: points and scores per forecaster over current settlements, read from the
totals kept at settlement."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db.tables import (
    Competition,
    CompetitionAlias,
    Forecaster,
    LeaderboardSettled,
    LeaderboardTotal,
    Season,
    SettledMatches,
)

__all__ = ["Row", "leaderboard", "ranks"]


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


def _filtered(
    table: type[LeaderboardTotal] | type[LeaderboardSettled] | type[SettledMatches],
    *,
    competition: bool,
    season: bool,
) -> list[sa.ColumnElement[bool]]:
    """Conditions on a kept table's (competition, season) for the competition (its code or a
    source's code of it: parameter ``competition``) and the season label (``season``), when
    filtered by them."""
    where: list[sa.ColumnElement[bool]] = []
    if competition:
        code = sa.bindparam("competition", type_=sa.String)
        competitions = sa.select(Competition.id).where(
            sa.or_(
                Competition.code == code,
                Competition.id.in_(
                    sa.select(CompetitionAlias.competition_id).where(CompetitionAlias.code == code)
                ),
            )
        )
        where.append(table.competition_id.in_(competitions))
    if season:
        label = sa.bindparam("season", type_=sa.String)
        where.append(table.season_id.in_(sa.select(Season.id).where(Season.label == label)))
    return where


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
    and outside its pauses (every settled match when retroactive predictions count). Read from
    the totals kept at settlement (migration 0015), never recomputed here.
    """
    stmt = _statement(
        competition=competition is not None,
        season=season is not None,
        include_retroactive=include_retroactive or contaminated,
        contaminated=contaminated,
    )
    params = {"competition": competition, "season": season}
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
        # the session's connection: no ORM entity is loaded, and the ORM layer cost a third of
        # a leaderboard request's time
        for r in session.connection().execute(
            stmt, {k: v for k, v in params.items() if v is not None}
        )
    ]


@functools.cache
def _statement(
    *, competition: bool, season: bool, include_retroactive: bool, contaminated: bool
) -> sa.Select[Any]:
    """The leaderboard's query for one combination of filters, built once (building it took as
    long as running it)."""
    totals = LeaderboardTotal
    scored_where = _filtered(totals, competition=competition, season=season)
    scored_where.append(totals.contaminated.is_(contaminated))
    if not include_retroactive:
        scored_where.append(totals.retroactive.is_(False))
    scored = (
        sa.select(
            totals.forecaster_id,
            sa.func.sum(totals.predicted).label("predicted"),
            sa.func.sum(totals.points).label("points"),
            sa.func.sum(totals.tendency_hits).label("tendency_hits"),
            sa.func.sum(totals.exact_hits).label("exact_hits"),
            (sa.func.sum(totals.rps_sum) / sa.func.nullif(sa.func.sum(totals.rps_n), 0)).label(
                "mean_rps"
            ),
            (
                sa.func.sum(totals.log_loss_sum) / sa.func.nullif(sa.func.sum(totals.log_loss_n), 0)
            ).label("mean_log_loss"),
        )
        .where(*scored_where)
        .group_by(totals.forecaster_id)
        .subquery("scored")
    )
    if include_retroactive:
        settled_count: sa.ColumnElement[int] = (
            sa.select(sa.func.coalesce(sa.func.sum(SettledMatches.settled), 0))
            .where(*_filtered(SettledMatches, competition=competition, season=season))
            .scalar_subquery()
        )
        counted = None
    else:
        counted = (
            sa.select(
                LeaderboardSettled.forecaster_id,
                sa.func.sum(LeaderboardSettled.settled).label("settled"),
            )
            .where(*_filtered(LeaderboardSettled, competition=competition, season=season))
            .group_by(LeaderboardSettled.forecaster_id)
            .subquery("counted")
        )
        settled_count = sa.func.coalesce(counted.c.settled, 0)
    points = sa.func.coalesce(scored.c.points, 0)
    stmt = (
        sa.select(
            Forecaster.name,
            Forecaster.kind,
            Forecaster.reference,
            points.label("points"),
            sa.func.coalesce(scored.c.predicted, 0).label("predicted"),
            settled_count.label("settled"),
            sa.func.coalesce(scored.c.tendency_hits, 0).label("tendency_hits"),
            sa.func.coalesce(scored.c.exact_hits, 0).label("exact_hits"),
            scored.c.mean_rps,
            scored.c.mean_log_loss,
        )
        .outerjoin(scored, scored.c.forecaster_id == Forecaster.id)
        .order_by(points.desc(), Forecaster.name)
    )
    if counted is not None:
        stmt = stmt.outerjoin(counted, counted.c.forecaster_id == Forecaster.id)
    return stmt


def ranks(rows: list[Row]) -> list[int | None]:
    """The competitors' ranks 1, 2, … in the rows' order; a reference row (market,
    statistical, naive, the consensus) is shown beside them and gets none."""
    found: list[int | None] = []
    n = 0
    for row in rows:
        if row.reference:
            found.append(None)
        else:
            n += 1
            found.append(n)
    return found
