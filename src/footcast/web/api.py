"""The public API: the matchday (upcoming, live, recent matches with the consensus), matches,
one match with its predictions, quotas and points, the leaderboard (with each row's bootstrap
interval and its paired comparisons against the leader and the market), one forecaster's record.
Read-only, no auth; lists are paged."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from footcast.db.reads import browse, matchday
from footcast.db.reads import leaderboard as board
from footcast.domain.names import MatchStatus
from footcast.web import board as standings
from footcast.web import intervals
from footcast.web.cache import Stale
from footcast.web.deps import TEXT, session, web

__all__ = [
    "MATCHDAY_SECONDS",
    "STANDINGS_SECONDS",
    "Board",
    "BoardRow",
    "ComparisonOut",
    "ForecasterRecord",
    "IntervalOut",
    "MatchDetail",
    "MatchPage",
    "forecaster",
    "leaderboard",
    "leaderboard_rows",
    "match",
    "matchday_now",
    "matchday_page",
    "matches",
    "router",
]

router = APIRouter(prefix="/api", tags=["public"])

STANDINGS_SECONDS = 30.0  # how old a leaderboard's intervals and comparisons may be
MATCHDAY_SECONDS = 10.0  # how stale the matchday may be (live scores are polled every minute)
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
    abstentions: list[browse.AbstentionRow]  # forecasters that lacked their input (not owed)


class IntervalOut(BaseModel):
    low: float
    high: float


class ComparisonOut(BaseModel):
    """This row against ``against`` on the ``matches`` both predicted: the mean per-match
    difference (this minus that) of points and of RPS, each with its 95% paired bootstrap
    interval; ``verdict`` is better, worse or even (the points interval holds 0)."""

    against: str
    matches: int
    points: intervals.Difference | None
    rps: intervals.Difference | None
    verdict: str


class BoardRow(BaseModel):
    rank: int | None  # None for a reference row: shown beside the competitors, not ranked
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
    interval: IntervalOut | None = None  # 95% bootstrap interval of points per match
    tied: bool = False  # its interval overlaps the leader's
    vs_leader: ComparisonOut | None = None
    vs_market: ComparisonOut | None = None


class Board(BaseModel):
    competition: str | None
    season: str | None
    include_retroactive: bool
    leader: str | None = None
    market: str | None = None
    resamples: int = intervals.RESAMPLES
    seed: int = intervals.SEED
    contaminated: bool = False
    matches: int = 0  # settled matches of the window
    sampled: int = 0  # of them, those the intervals and comparisons are drawn from (at most
    # points.SAMPLE, the same fixed sample on every read: wider intervals, never narrower)
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


def _comparison(found: intervals.Comparison | None) -> ComparisonOut | None:
    if found is None:
        return None
    return ComparisonOut(
        against=found.against,
        matches=found.matches,
        points=found.points,
        rps=found.rps,
        verdict=found.verdict,
    )


def _board_rows(rows: list[board.Row], found: standings.Standings | None = None) -> list[BoardRow]:
    extra = {} if found is None else {s.row.forecaster: s for s in found.rows}
    out = []
    for n, r in zip(standings.rank(rows), rows, strict=True):
        more = extra.get(r.forecaster)
        out.append(_board_row(n, r, more))
    return out


def _board_row(n: int | None, r: board.Row, more: standings.Standing | None) -> BoardRow:
    return BoardRow(
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
        interval=None
        if more is None or more.interval is None
        else IntervalOut(low=more.interval.low, high=more.interval.high),
        tied=more is not None and more.tied,
        vs_leader=None if more is None else _comparison(more.vs_leader),
        vs_market=None if more is None else _comparison(more.vs_market),
    )


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
        abstentions=browse.abstentions(db, match_id=match_id)[0],
    )


def leaderboard_rows(
    request: Request,
    *,
    competition: str | None,
    season: str | None,
    retroactive: bool,
    contaminated: bool = False,
) -> list[board.Row]:
    """The leaderboard, current on every read: it reads the totals kept at settlement."""
    with web(request).database.transaction() as db:
        return board.leaderboard(
            db, competition=competition, season=season, include_retroactive=retroactive,
            contaminated=contaminated,
        )  # fmt: skip


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
    found = standings.cached(
        request, rows, competition=competition, season=season, retroactive=include_retroactive,
        contaminated=contaminated,
    )  # fmt: skip
    return Board(
        competition=competition,
        season=season,
        include_retroactive=include_retroactive,
        leader=found.leader,
        market=found.market,
        contaminated=contaminated,
        matches=found.matches,
        sampled=found.sampled,
        rows=_board_rows(rows, found),
    )


def matchday_now(
    request: Request, *, competition: str | None, season: str | None
) -> tuple[matchday.Matchday, list[matchday.Window]]:
    """The matchday around the clock's now and the filters' choices, computed at most every
    ``MATCHDAY_SECONDS`` per filter (stale answers are served while one request refreshes)."""
    cache: Stale[tuple[matchday.Matchday, list[matchday.Window]]] = request.app.state.matchday
    state = web(request)

    def compute() -> tuple[matchday.Matchday, list[matchday.Window]]:
        with state.database.transaction() as db:
            found = matchday.matchday(
                db, now=state.clock.now(), competition=competition, season=season
            )
            return found, matchday.windows(db)

    return cache.get((competition, season), compute)


@router.get("/matchday", summary="Upcoming, live and recent matches with the consensus")
def matchday_page(
    request: Request,
    competition: Annotated[str | None, Query(max_length=32, pattern=TEXT)] = None,
    season: Annotated[str | None, Query(max_length=32, pattern=TEXT)] = None,
) -> matchday.Matchday:
    """What the home page shows: matches kicking off in the next days with the competitors'
    picks and the market's probabilities, matches being played, and recent results with how
    many forecasters got the tendency and the exact score."""
    return matchday_now(request, competition=competition, season=season)[0]


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
