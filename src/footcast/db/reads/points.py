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
    "SAMPLE",
    "MatchPoints",
    "Outcome",
    "RacePoint",
    "Scored",
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


# settled matches the statistics of one window are drawn from, at most: a season of five
# leagues is whole; beyond, 2,000 matches bound an interval of mean points to about ±0.07
SAMPLE = 2_000


@dataclass(frozen=True, kw_only=True)
class Scored:
    """The scored predictions of ``sampled`` of a window's ``matches`` settled matches: all of
    them when there are at most ``SAMPLE``, else a fixed pseudo-random sample (the matches with
    the lowest hash of their id, so a new settlement changes the sample by one match at most)."""

    points: list[MatchPoints]
    matches: int
    sampled: int


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
    sample: int = SAMPLE,
) -> Scored:
    """Every scored prediction of the window's settled matches (current settlements), as the
    leaderboard counts them: retroactive predictions only when they are included, contaminated
    ones never (``contaminated``: only them, retroactive included); of at most ``sample``
    matches (``Scored``): a bootstrap over every match of five years costs seconds and holds
    millions of rows, while one over a few thousand already says what it can."""
    window = (
        sa.select(Settlement.id, Settlement.match_id)
        .join(Match, Match.id == Settlement.match_id)
        .where(Settlement.superseded_at.is_(None))
    )
    if competition is not None:
        window = window.join(Competition, Competition.id == Match.competition_id).where(
            Competition.code == competition
        )
    if season is not None:
        window = window.join(Season, Season.id == Match.season_id).where(Season.label == season)
    matches = int(
        session.execute(sa.select(sa.func.count()).select_from(window.subquery())).scalar_one()
    )
    if matches > sample:
        window = window.order_by(sa.func.md5(sa.cast(Settlement.match_id, sa.Text))).limit(sample)
    # materialized steps, each on an index: the sampled settlements, their scores, and the
    # contaminated predictions of those matches only (the view over every prediction, joined
    # as a whole, took seconds at 4M predictions)
    picked = window.cte("picked").prefix_with("MATERIALIZED")
    view = contamination.contaminated_predictions
    tainted = (
        sa.select(view.c.prediction_id)
        .where(view.c.match_id.in_(sa.select(picked.c.match_id)))
        .cte("tainted")
        .prefix_with("MATERIALIZED")
    )
    scores = (
        sa.select(
            SettlementScore.forecaster_id,
            SettlementScore.prediction_id,
            SettlementScore.retroactive,
            SettlementScore.points,
            SettlementScore.rps,
            picked.c.match_id,
        )
        .join(picked, picked.c.id == SettlementScore.settlement_id)
        .cte("scores")
        .prefix_with("MATERIALIZED")
    )
    is_tainted = sa.exists().where(tainted.c.prediction_id == scores.c.prediction_id)
    stmt = (
        sa.select(Forecaster.name, scores.c.match_id, scores.c.points, scores.c.rps)
        .join(Forecaster, Forecaster.id == scores.c.forecaster_id)
        .order_by(Forecaster.name, scores.c.match_id)
    )
    if contaminated:
        stmt = stmt.where(is_tainted)
    else:
        stmt = stmt.where(~is_tainted)
        if not include_retroactive:
            stmt = stmt.where(scores.c.retroactive.is_(False))
    found = [
        MatchPoints(forecaster=name, match_id=int(match_id), points=int(points), rps=rps)
        for name, match_id, points, rps in session.execute(stmt)
    ]
    return Scored(points=found, matches=matches, sampled=min(matches, sample))


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
