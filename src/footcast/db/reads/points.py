"""Per-prediction facts behind the pages' statistics: each forecaster's points on each settled
match of a leaderboard window (the bootstrap intervals resample them) and a forecaster's predicted
outcome probabilities beside what happened (its reliability chart)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db.reads import contamination
from footcast.db.tables import (
    Competition,
    Forecaster,
    Match,
    Prediction,
    Season,
    Settlement,
    SettlementScore,
)

__all__ = [
    "MatchPoints",
    "Outcome",
    "RacePoint",
    "latest_season",
    "match_points",
    "outcome_probabilities",
    "race",
    "settlements_version",
]


@dataclass(frozen=True, kw_only=True)
class MatchPoints:
    forecaster: str
    match_id: int
    points: int
    rps: float | None = None  # None when the prediction gave no probabilities


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """A probability a forecaster gave one outcome (home win, draw, away win) of a settled match,
    and whether that outcome happened."""

    probability: float
    happened: bool


def match_points(
    session: Session,
    *,
    competition: str | None = None,
    season: str | None = None,
    include_retroactive: bool = False,
    contaminated: bool = False,
) -> list[MatchPoints]:
    """Every scored prediction of the window's settled matches (current settlements), as the
    leaderboard counts them: retroactive predictions only when they are included, contaminated
    ones never (``contaminated``: only them, retroactive included)."""
    stmt = (
        sa.select(Forecaster.name, Settlement.match_id, SettlementScore.points, SettlementScore.rps)
        .join(Settlement, Settlement.id == SettlementScore.settlement_id)
        .join(Forecaster, Forecaster.id == SettlementScore.forecaster_id)
        .join(Match, Match.id == Settlement.match_id)
        .where(Settlement.superseded_at.is_(None))
        .order_by(Forecaster.name, Settlement.match_id)
    )
    if competition is not None:
        stmt = stmt.join(Competition, Competition.id == Match.competition_id).where(
            Competition.code == competition
        )
    if season is not None:
        stmt = stmt.join(Season, Season.id == Match.season_id).where(Season.label == season)
    tainted = sa.select(contamination.contaminated_predictions.c.prediction_id)
    if contaminated:
        stmt = stmt.where(SettlementScore.prediction_id.in_(tainted))
    else:
        stmt = stmt.where(SettlementScore.prediction_id.not_in(tainted))
        if not include_retroactive:
            stmt = stmt.where(SettlementScore.retroactive.is_(False))
    return [
        MatchPoints(forecaster=name, match_id=int(match_id), points=int(points), rps=rps)
        for name, match_id, points, rps in session.execute(stmt)
    ]


def outcome_probabilities(session: Session, forecaster: str) -> list[Outcome]:
    """The three outcome probabilities of each on-time, settled prediction of ``forecaster``
    that gave them, each with whether it happened (the current settlement's score)."""
    rows = session.execute(
        sa.select(
            Prediction.p_home,
            Prediction.p_draw,
            Prediction.p_away,
            Settlement.home_goals,
            Settlement.away_goals,
        )
        .join(SettlementScore, SettlementScore.prediction_id == Prediction.id)
        .join(Settlement, Settlement.id == SettlementScore.settlement_id)
        .join(Forecaster, Forecaster.id == Prediction.forecaster_id)
        .where(
            Settlement.superseded_at.is_(None),
            Forecaster.name == forecaster,
            SettlementScore.retroactive.is_(False),
        )
    )
    return [
        Outcome(probability=p, happened=happened)
        for p_home, p_draw, p_away, home, away in rows
        for p, happened in ((p_home, home > away), (p_draw, home == away), (p_away, home < away))
        if p is not None  # a prediction gives all three probabilities or none
    ]


@dataclass(frozen=True, kw_only=True)
class RacePoint:
    """A forecaster's points on one matchday (its round, or the day of kickoff when the
    matches have no round), matchdays numbered from 1 in the order they were played."""

    forecaster: str
    matchday: int
    points: int


def latest_season(session: Session, *, competition: str | None) -> str | None:
    """The season label of the latest settled match (of ``competition`` if given)."""
    stmt = (
        sa.select(Season.label)
        .join(Match, Match.season_id == Season.id)
        .join(Settlement, Settlement.match_id == Match.id)
        .where(Settlement.superseded_at.is_(None))
        .order_by(Match.kickoff_at.desc())
        .limit(1)
    )
    if competition is not None:
        stmt = stmt.join(Competition, Competition.id == Match.competition_id).where(
            Competition.code == competition
        )
    return session.execute(stmt).scalar_one_or_none()


def race(
    session: Session,
    *,
    forecasters: list[str],
    season: str,
    competition: str | None = None,
    include_retroactive: bool = False,
) -> tuple[list[str], list[RacePoint]]:
    """The season's matchdays (labels, in order) and each of ``forecasters``' points on each
    (current settlements; a matchday it scored nothing on is absent)."""
    day = sa.func.coalesce(Match.round, sa.func.to_char(Match.kickoff_at, "YYYY-MM-DD"))
    scope = (
        sa.select(Match.id, day.label("day"), Match.kickoff_at)
        .join(Season, Season.id == Match.season_id)
        .join(Settlement, Settlement.match_id == Match.id)
        .where(Season.label == season, Settlement.superseded_at.is_(None))
    )
    if competition is not None:
        scope = scope.join(Competition, Competition.id == Match.competition_id).where(
            Competition.code == competition
        )
    matches = scope.subquery("scope")
    days = [
        str(label)
        for (label,) in session.execute(
            sa.select(matches.c.day)
            .group_by(matches.c.day)
            .order_by(sa.func.min(matches.c.kickoff_at))
        )
    ]
    number = {label: n for n, label in enumerate(days, start=1)}
    stmt = (
        sa.select(Forecaster.name, matches.c.day, sa.func.sum(SettlementScore.points))
        .join(Settlement, Settlement.id == SettlementScore.settlement_id)
        .join(matches, matches.c.id == Settlement.match_id)
        .join(Forecaster, Forecaster.id == SettlementScore.forecaster_id)
        .where(Settlement.superseded_at.is_(None), Forecaster.name.in_(forecasters))
        .group_by(Forecaster.name, matches.c.day)
    )
    if not include_retroactive:
        stmt = stmt.where(SettlementScore.retroactive.is_(False))
    found = [
        RacePoint(forecaster=name, matchday=number[str(label)], points=int(total))
        for name, label, total in session.execute(stmt)
    ]
    return days, found


def settlements_version(session: Session) -> int:
    """A number that changes whenever a match is settled or resettled (the newest settlement
    id): statistics over the settlements need no recomputing while it stays the same."""
    found = session.execute(sa.select(sa.func.max(Settlement.id))).scalar_one_or_none()
    return 0 if found is None else int(found)
