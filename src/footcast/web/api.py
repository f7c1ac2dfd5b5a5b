"""The public API: matches, one match with its predictions, quotas and points, the leaderboard,
one forecaster's record. Read-only, no auth; lists are paged."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from footcast.db.reads import browse
from footcast.db.reads import leaderboard as board
from footcast.domain.names import MatchStatus
from footcast.web.cache import Stale
from footcast.web.deps import TEXT, session, web

__all__ = [
    "LEADERBOARD_SECONDS",
    "Board",
    "BoardRow",
    "ForecasterRecord",
    "MatchDetail",
    "MatchPage",
    "forecaster",
    "leaderboard",
    "leaderboard_rows",
    "match",
    "matches",
    "router",
]

router = APIRouter(prefix="/api", tags=["public"])

LEADERBOARD_SECONDS = 30.0  # how stale a leaderboard may be; settlement is not real-time
Status = MatchStatus


class MatchPage(BaseModel):
    items: list[browse.MatchRow]
    page: int
    page_size: int
    total: int


class MatchDetail(BaseModel):
    match: browse.MatchRow
    quotas: browse.Quotas | None
    predictions: list[browse.PredictionRow]


class BoardRow(BaseModel):
    rank: int
    forecaster: str
    kind: str
    reference: bool
    points: int
    predicted: int
    settled: int
    coverage: float
    points_per_match: float
    tendency_rate: float
    exact_rate: float
    mean_rps: float | None
    mean_log_loss: float | None


class Board(BaseModel):
    competition: str | None
    season: str | None
    include_retroactive: bool
    contaminated: bool = False
    rows: list[BoardRow]


class ForecasterRecord(BaseModel):
    name: str
    kind: str
    provider: str | None
    model_id: str | None
    reference: bool
    active_from: datetime
    summary: BoardRow | None
    predictions: list[browse.ScoredPrediction]
    page: int
    page_size: int
    total: int


Page = Annotated[int, Query(ge=1, le=100_000, description="1-based page number")]
PageSize = Annotated[int, Query(ge=1, le=200, description="items per page")]
Session_ = Annotated[Session, Depends(session)]


def _board_rows(rows: list[board.Row]) -> list[BoardRow]:
    return [
        BoardRow(
            rank=n,
            forecaster=r.forecaster,
            kind=r.kind,
            reference=r.reference,
            points=r.points,
            predicted=r.predicted,
            settled=r.settled,
            coverage=r.coverage,
            points_per_match=r.points_per_match,
            tendency_rate=r.tendency_rate,
            exact_rate=r.exact_rate,
            mean_rps=r.mean_rps,
            mean_log_loss=r.mean_log_loss,
        )
        for n, r in enumerate(rows, start=1)
    ]


@router.get("/matches", response_model=MatchPage, summary="Matches, by kickoff")
def matches(
    db: Session_,
    competition: Annotated[str | None, Query(max_length=32, pattern=TEXT)] = None,
    date_from: Annotated[date | None, Query(alias="from", description="first day (UTC)")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="last day (UTC)")] = None,
    status: Status | None = None,
    page: Page = 1,
    page_size: PageSize = 50,
) -> MatchPage:
    start = None if date_from is None else datetime.combine(date_from, time(), UTC)
    end = None if date_to is None else datetime.combine(date_to, time(), UTC) + _DAY
    rows, total = browse.matches(
        db,
        competition=competition,
        start=start,
        end=end,
        status=status,
        limit=page_size,
        offset=(page - 1) * page_size,
    )
    return MatchPage(items=[r for r in rows], page=page, page_size=page_size, total=total)


@router.get("/matches/{match_id}", response_model=MatchDetail, summary="One match")
def match(db: Session_, match_id: Annotated[int, Path(ge=1, le=2**31 - 1)]) -> MatchDetail:
    row, quotas = browse.match(db, match_id)
    return MatchDetail(
        match=row,
        quotas=quotas,
        predictions=browse.match_predictions(db, match_id),
    )


def leaderboard_rows(
    request: Request,
    *,
    competition: str | None,
    season: str | None,
    retroactive: bool,
    contaminated: bool = False,
) -> list[board.Row]:
    """The leaderboard, computed at most every ``LEADERBOARD_SECONDS`` per filter (stale
    answers are served while one request refreshes them)."""
    cache: Stale[list[board.Row]] = request.app.state.leaderboards
    state = web(request)

    def compute() -> list[board.Row]:
        with state.database.transaction() as db:
            return board.leaderboard(
                db, competition=competition, season=season, include_retroactive=retroactive,
                contaminated=contaminated,
            )  # fmt: skip

    return cache.get((competition, season, retroactive, contaminated), compute)


@router.get("/leaderboard", response_model=Board, summary="The leaderboard")
def leaderboard(
    request: Request,
    competition: Annotated[str | None, Query(max_length=32, pattern=TEXT)] = None,
    season: Annotated[str | None, Query(max_length=32, pattern=TEXT)] = None,
    include_retroactive: bool = False,
    contaminated: Annotated[
        bool,
        Query(
            description="only the predictions the model may have seen the result of (played"
            " before its knowledge cutoff, or retroactive with the cutoff unknown); the"
            " default table never counts them"
        ),
    ] = False,
) -> Board:
    rows = leaderboard_rows(
        request, competition=competition, season=season, retroactive=include_retroactive,
        contaminated=contaminated,
    )  # fmt: skip
    return Board(
        competition=competition,
        season=season,
        include_retroactive=include_retroactive,
        contaminated=contaminated,
        rows=_board_rows(rows),
    )


@router.get("/forecasters/{name}", response_model=ForecasterRecord, summary="One forecaster")
def forecaster(
    request: Request,
    db: Session_,
    name: Annotated[str, Path(min_length=1, max_length=100, pattern=TEXT)],
    page: Page = 1,
    page_size: PageSize = 50,
) -> ForecasterRecord:
    found, scored, total = browse.forecaster_predictions(
        db, name, limit=page_size, offset=(page - 1) * page_size
    )
    rows = _board_rows(leaderboard_rows(request, competition=None, season=None, retroactive=False))
    return ForecasterRecord(
        name=found.name,
        kind=found.kind,
        provider=found.provider,
        model_id=found.model_id,
        reference=found.reference,
        active_from=found.active_from,
        summary=next((r for r in rows if r.forecaster == found.name), None),
        predictions=scored,
        page=page,
        page_size=page_size,
        total=total,
    )


_DAY = timedelta(days=1)
