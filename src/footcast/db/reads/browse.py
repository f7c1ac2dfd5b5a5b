"""Reads for the public API and pages: matches (filtered, paged), one match with its predictions,
quotas, points and the facts its forecasters were given, and one forecaster's record with its
cost, failures and pauses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from footcast import errors
from footcast.db.coordination import pauses as coordination_pauses
from footcast.db.tables import (
    Abstention,
    AnalysisSnapshot,
    Competition,
    Failure,
    Forecaster,
    ForecasterPause,
    Match,
    Prediction,
    QuotaSnapshot,
    Season,
    Settlement,
    SettlementScore,
    Team,
)
from footcast.domain.analysis import Snapshot
from footcast.domain.names import Stage, unit_key

__all__ = [
    "AbstentionRow",
    "Cost",
    "Facts",
    "FailureRow",
    "MatchRow",
    "Pause",
    "PredictionRow",
    "Quotas",
    "ScoredPrediction",
    "TeamFacts",
    "abstentions",
    "cost",
    "facts",
    "forecaster_predictions",
    "match",
    "match_predictions",
    "match_row",
    "matches",
    "matches_query",
    "pauses",
    "prediction_failures",
]


@dataclass(frozen=True, kw_only=True)
class MatchRow:
    id: int
    competition: str
    season: str | None
    round: str | None
    home: str
    away: str
    kickoff: datetime
    status: str
    home_goals: int | None
    away_goals: int | None


@dataclass(frozen=True, kw_only=True)
class Quotas:
    rule: str
    basis: str
    home: int | None
    draw: int | None
    away: int | None
    n: int


@dataclass(frozen=True, kw_only=True)
class PredictionRow:
    forecaster: str
    kind: str
    home_goals: int
    away_goals: int
    p_home: float | None
    p_draw: float | None
    p_away: float | None
    retroactive: bool
    created_at: datetime
    points: int | None  # None until settled


@dataclass(frozen=True, kw_only=True)
class ScoredPrediction:
    """One prediction of a forecaster with its match and (when settled) its score."""

    match: MatchRow
    prediction: PredictionRow
    rps: float | None


_home, _away = aliased(Team), aliased(Team)
_MATCH_COLUMNS = (
    Match.id,
    Competition.code,
    Season.label,
    Match.round,
    _home.name,
    _away.name,
    Match.kickoff_at,
    Match.status,
    Match.home_goals,
    Match.away_goals,
)


def matches_query() -> sa.Select[*tuple[Any, ...]]:
    return (
        sa.select(*_MATCH_COLUMNS)
        .join(Competition, Competition.id == Match.competition_id)
        .outerjoin(Season, Season.id == Match.season_id)
        .join(_home, _home.id == Match.home_team_id)
        .join(_away, _away.id == Match.away_team_id)
    )


def match_row(row: Any) -> MatchRow:
    i, code, season, rnd, home, away, kickoff, status, hg, ag = row
    return MatchRow(
        id=int(i), competition=str(code), season=season, round=rnd,
        home=str(home), away=str(away), kickoff=kickoff, status=str(status),
        home_goals=hg, away_goals=ag,
    )  # fmt: skip


def matches(
    session: Session,
    *,
    competition: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[MatchRow], int]:
    """Matches by kickoff (filtered), one page of them, and how many match the filters."""
    conditions = []
    if competition is not None:
        conditions.append(Competition.code == competition)
    if start is not None:
        conditions.append(Match.kickoff_at >= start)
    if end is not None:
        conditions.append(Match.kickoff_at < end)
    if status is not None:
        conditions.append(Match.status == status)
    query = matches_query().where(*conditions)
    total = session.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    page = session.execute(query.order_by(Match.kickoff_at, Match.id).limit(limit).offset(offset))
    return [match_row(r) for r in page], int(total)


def match(session: Session, match_id: int) -> tuple[MatchRow, Quotas | None]:
    """One match and the quotas of its current settlement (None before it is settled).

    Raises:
        NotFound: no match has that id.
    """
    row = session.execute(matches_query().where(Match.id == match_id)).one_or_none()
    if row is None:
        raise errors.NotFound(f"match {match_id} does not exist", match_id=match_id)
    snapshot = session.execute(
        sa.select(QuotaSnapshot)
        .join(Settlement, Settlement.snapshot_id == QuotaSnapshot.id)
        .where(Settlement.match_id == match_id, Settlement.superseded_at.is_(None))
    ).scalar_one_or_none()
    quotas = (
        None
        if snapshot is None
        else Quotas(
            rule=snapshot.rule_name,
            basis=snapshot.basis,
            home=snapshot.quota_home,
            draw=snapshot.quota_draw,
            away=snapshot.quota_away,
            n=snapshot.n,
        )
    )
    return match_row(row), quotas


def _current_scores() -> sa.Subquery:
    return (
        sa.select(SettlementScore.prediction_id, SettlementScore.points, SettlementScore.rps)
        .join(Settlement, Settlement.id == SettlementScore.settlement_id)
        .where(Settlement.superseded_at.is_(None))
        .subquery()
    )


def _prediction_columns(scores: sa.Subquery) -> tuple[Any, ...]:
    return (
        Forecaster.name, Forecaster.kind, Prediction.home_goals, Prediction.away_goals,
        Prediction.p_home, Prediction.p_draw, Prediction.p_away, Prediction.retroactive,
        Prediction.created_at, scores.c.points,
    )  # fmt: skip


def _prediction_row(values: Any) -> PredictionRow:
    name, kind, hg, ag, ph, pd, pa, retro, created, points = values
    return PredictionRow(
        forecaster=str(name), kind=str(kind), home_goals=int(hg), away_goals=int(ag),
        p_home=ph, p_draw=pd, p_away=pa, retroactive=bool(retro),
        created_at=created, points=points,
    )  # fmt: skip


def match_predictions(session: Session, match_id: int) -> list[PredictionRow]:
    scores = _current_scores()
    rows = session.execute(
        sa.select(*_prediction_columns(scores))
        .join(Forecaster, Forecaster.id == Prediction.forecaster_id)
        .outerjoin(scores, scores.c.prediction_id == Prediction.id)
        .where(Prediction.match_id == match_id)
        .order_by(scores.c.points.desc().nulls_last(), Forecaster.name)
    )
    return [_prediction_row(tuple(r)) for r in rows]


def forecaster_predictions(
    session: Session, name: str, *, limit: int = 50, offset: int = 0
) -> tuple[Forecaster, list[ScoredPrediction], int]:
    """A forecaster, a page of its predictions (newest kickoff first) and how many it has.

    Raises:
        NotFound: no forecaster has that name.
    """
    found = session.execute(
        sa.select(Forecaster).where(Forecaster.name == name)
    ).scalar_one_or_none()
    if found is None:
        raise errors.NotFound(f"forecaster {name!r} does not exist", forecaster=name)
    scores = sa.select(
        SettlementScore.prediction_id, SettlementScore.points, SettlementScore.rps
    ).join(Settlement, Settlement.id == SettlementScore.settlement_id).where(
        Settlement.superseded_at.is_(None), SettlementScore.forecaster_id == found.id
    ).subquery()  # fmt: skip
    total = session.execute(
        sa.select(sa.func.count()).where(Prediction.forecaster_id == found.id)
    ).scalar_one()
    rows = session.execute(
        matches_query()
        .add_columns(*_prediction_columns(scores), scores.c.rps)
        .join(Prediction, Prediction.match_id == Match.id)
        .join(Forecaster, Forecaster.id == Prediction.forecaster_id)
        .outerjoin(scores, scores.c.prediction_id == Prediction.id)
        .where(Prediction.forecaster_id == found.id)
        .order_by(Match.kickoff_at.desc(), Match.id.desc())
        .limit(limit)
        .offset(offset)
    )
    width = len(_MATCH_COLUMNS)
    page = [
        ScoredPrediction(
            match=match_row(r[:width]),
            prediction=_prediction_row(tuple(r[width:-1])),
            rps=r[-1],
        )
        for r in rows
    ]
    return found, page, int(total)


@dataclass(frozen=True, kw_only=True)
class TeamFacts:
    name: str
    form: str  # last results, oldest first: W, D, L
    position: int | None  # in the season's table as of the snapshot
    points: int
    played: int


@dataclass(frozen=True, kw_only=True)
class Facts:
    """A summary of the analysis snapshot the forecasters were given (the newest one)."""

    as_of: datetime
    home: TeamFacts
    away: TeamFacts
    head_to_head: list[str]  # "2024-03-02 Home 2:1 Away", oldest first
    odds: tuple[float, float, float] | None
    bookmaker: str | None
    injuries: list[str]  # "player (team): reason"
    lineups: bool
    history: int  # past results it holds


def facts(session: Session, match_id: int) -> Facts | None:
    """The newest analysis snapshot of the match, summarised; None before there is one."""
    payload = session.execute(
        sa.select(AnalysisSnapshot.payload)
        .where(AnalysisSnapshot.match_id == match_id)
        .order_by(AnalysisSnapshot.as_of.desc(), AnalysisSnapshot.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if payload is None:
        return None
    snapshot = Snapshot.from_payload(payload)
    table = {r.team: (n, r) for n, r in enumerate(snapshot.table(), start=1)}

    def team(name: str) -> TeamFacts:
        position, row = table[name]
        return TeamFacts(
            name=name,
            form=snapshot.form(name),
            position=position if row.played else None,
            points=row.points,
            played=row.played,
        )

    odds = snapshot.odds
    return Facts(
        as_of=snapshot.as_of,
        home=team(snapshot.home),
        away=team(snapshot.away),
        head_to_head=[
            f"{p.kickoff:%Y-%m-%d} {p.home} {p.home_goals}:{p.away_goals} {p.away}"
            for p in snapshot.head_to_head()
        ],
        odds=None if odds is None else (odds.home, odds.draw, odds.away),
        bookmaker=None if odds is None else odds.bookmaker,
        injuries=[f"{i.player} ({i.team}): {i.reason}" for i in snapshot.injuries],
        lineups=snapshot.lineups is not None,
        history=len(snapshot.history),
    )


@dataclass(frozen=True, kw_only=True)
class Cost:
    """What a forecaster's answers cost: over its predictions that report a cost."""

    predictions: int
    priced: int
    total_usd: float
    mean_usd: float | None
    mean_latency_ms: float | None
    mean_tokens: float | None


def cost(session: Session, forecaster_id: int) -> Cost:
    n, priced, total, latency, tokens = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(Prediction.cost_usd),
            sa.func.coalesce(sa.func.sum(Prediction.cost_usd), 0),
            sa.func.avg(Prediction.latency_ms),
            sa.func.avg(Prediction.prompt_tokens + Prediction.completion_tokens),
        ).where(Prediction.forecaster_id == forecaster_id)
    ).one()
    return Cost(
        predictions=int(n),
        priced=int(priced),
        total_usd=float(total),
        mean_usd=float(total) / priced if priced else None,
        mean_latency_ms=None if latency is None else float(latency),
        mean_tokens=None if tokens is None else float(tokens),
    )


@dataclass(frozen=True, kw_only=True)
class FailureRow:
    match_id: int | None
    error_code: str
    message: str
    attempts: int
    state: str
    terminal: bool
    last_seen_at: datetime


def prediction_failures(
    session: Session, name: str, *, limit: int = 10
) -> tuple[list[FailureRow], int]:
    """The newest failures of a forecaster's predictions (the ledger's ``predict:<m>:<name>``
    entries) and how many there are."""
    escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = unit_key(Stage.PREDICTIONS, "%:") + escaped  # pair_key(m, name) for any m
    where = (Failure.stage == Stage.PREDICTIONS, Failure.key.like(pattern, escape="\\"))
    total = session.execute(sa.select(sa.func.count()).where(*where)).scalar_one()
    rows = session.execute(
        sa.select(Failure).where(*where).order_by(Failure.last_seen_at.desc()).limit(limit)
    ).scalars()
    return [
        FailureRow(
            match_id=f.match_id,
            error_code=f.error_code,
            message=f.message,
            attempts=f.attempts,
            state=f.state,
            terminal=f.terminal,
            last_seen_at=f.last_seen_at,
        )
        for f in rows
    ], int(total)


@dataclass(frozen=True, kw_only=True)
class Pause:
    since: datetime
    until: datetime | None  # None: until enabled; later than now: a timed pause, ending then
    reason: str
    actor: str
    resumed_by: str | None
    in_effect: bool  # at the ``now`` asked about


def pauses(session: Session, forecaster_id: int, *, now: datetime, limit: int = 20) -> list[Pause]:
    """A forecaster's pauses, newest first, each saying whether it is in effect at ``now``."""
    rows = session.execute(
        sa.select(ForecasterPause, coordination_pauses.in_effect(now))
        .where(ForecasterPause.forecaster_id == forecaster_id)
        .order_by(ForecasterPause.since.desc(), ForecasterPause.id.desc())
        .limit(limit)
    )
    return [
        Pause(
            since=p.since, until=p.until, reason=p.reason, actor=p.actor,
            resumed_by=p.resumed_by, in_effect=bool(current),
        )
        for p, current in rows
    ]  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class AbstentionRow:
    """A forecaster that abstained from a match, and why."""

    match_id: int
    forecaster: str
    missing: tuple[str, ...]
    reason: str
    created_at: datetime


def abstentions(
    session: Session, *, match_id: int | None = None, forecaster: str | None = None, limit: int = 50
) -> tuple[list[AbstentionRow], int]:
    """The abstentions of a match or of a forecaster (newest first, at most ``limit``) and how
    many there are in all."""
    where = []
    if match_id is not None:
        where.append(Abstention.match_id == match_id)
    if forecaster is not None:
        where.append(Forecaster.name == forecaster)
    found = (
        sa.select(
            Abstention.match_id,
            Forecaster.name,
            Abstention.missing,
            Abstention.reason,
            Abstention.created_at,
        )
        .join(Forecaster, Forecaster.id == Abstention.forecaster_id)
        .where(*where)
    )
    total = session.execute(sa.select(sa.func.count()).select_from(found.subquery())).scalar_one()
    rows = session.execute(
        found.order_by(Abstention.created_at.desc(), Forecaster.name).limit(limit)
    )
    return [
        AbstentionRow(
            match_id=m, forecaster=name, missing=tuple(missing), reason=reason, created_at=at
        )
        for m, name, missing, reason, at in rows
    ], int(total)
