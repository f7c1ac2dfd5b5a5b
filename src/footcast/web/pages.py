"""Server-rendered HTML pages (Jinja2): the matchday home page (upcoming matches with the arena's
consensus, live matches, recent results), the leaderboard with bootstrap intervals, paired
comparisons and the season race, one match with the facts its forecasters were given, their
predictions, consensus and abstentions, and one forecaster's season, calibration, cost and
failures. (The admin pages are ``web.console``.)

The pages read through the same functions as the JSON API (``api``, ``admin``, ``board``), so a
page and its API answer never disagree. An unknown id gets an HTML 404 page, not the API's JSON
error. Charts are SVG drawn here (``charts``); nothing is loaded from elsewhere.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from footcast import errors
from footcast.db.reads import browse, matchday, points
from footcast.domain.names import ForecasterKind
from footcast.web import api, charts, intervals
from footcast.web.board import cached
from footcast.web.deps import session, web

__all__ = [
    "PAGE_SIZE",
    "error",
    "favicon",
    "forecaster",
    "home",
    "leaderboard",
    "match",
    "robots",
    "router",
]

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50  # a forecaster's predictions per page
_MAX_ID = 2**31 - 1  # match ids are 32-bit; a larger one is unknown, not an error
_TEXT = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL bytes: refuse them as invalid (422)
_templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.PackageLoader("footcast.web", "templates"),
        autoescape=jinja2.select_autoescape(),
        undefined=jinja2.StrictUndefined,
    )
)
Session_ = Annotated[Session, Depends(session)]
Filter = Annotated[str | None, Query(max_length=32, pattern=_TEXT)]
ROBOTS = "User-agent: *\nDisallow: /admin\nDisallow: /api/\nAllow: /\n"


def _page(request: Request, name: str, *, status_code: int = 200, **context: Any) -> Response:
    return _templates.TemplateResponse(request, name, context, status_code=status_code)


def error(request: Request, *, status_code: int, code: str, message: str) -> Response:
    """An error as an HTML page, for browsers (the app's handlers answer pages with it)."""
    title = {404: "Not found", 409: "Conflict", 503: "Temporarily unavailable"}
    return _page(
        request,
        "error.html",
        status_code=status_code,
        title=title.get(status_code, "Something went wrong"),
        code=code,
        message=message,
    )


def _not_found(request: Request, message: str) -> Response:
    return _page(request, "404.html", status_code=status.HTTP_404_NOT_FOUND, message=message)


@router.api_route("/", methods=["GET", "HEAD"])
def home(request: Request, competition: Filter = None, season: Filter = None) -> Response:
    """The matchday: upcoming matches with the consensus, live matches, recent results."""
    competition, season = competition or None, season or None
    day, windows = api.matchday_now(request, competition=competition, season=season)
    # the page is a function of the cached matchday alone (it reads nothing of the request):
    # rendered once per computation of it, not once per request (the rendering cost 8 ms)
    rendered: dict[tuple[str | None, str | None], tuple[object, str]] = request.app.state.home
    found = rendered.get((competition, season))
    if found is None or found[0] is not day:
        lead = web(request).settings.windows.prediction_lead
        found = (
            day,
            _templates.get_template("home.html").render(
                lead=int(lead.total_seconds() // 60),
                day=day,
                windows=windows,
                competition=competition,
                season=season,
                ahead=matchday.AHEAD.days,
                behind=matchday.BEHIND.days,
                bars=charts.bars,
            ),
        )
        rendered[(competition, season)] = found
    return HTMLResponse(found[1])


@router.get("/leaderboard")
def leaderboard(
    request: Request,
    db: Session_,
    competition: Filter = None,
    season: Filter = None,
    include_retroactive: bool = False,
    contaminated: bool = False,
) -> Response:
    """The leaderboard of a window; empty filter fields (a submitted form) mean "any".
    ``contaminated``: the table of the predictions the model may have seen the result of."""
    competition, season = competition or None, season or None
    rows = api.leaderboard_rows(
        request, competition=competition, season=season, retroactive=include_retroactive,
        contaminated=contaminated,
    )  # fmt: skip
    found = cached(
        request, rows, competition=competition, season=season, retroactive=include_retroactive,
        contaminated=contaminated,
    )  # fmt: skip
    raced = found.race
    return _page(
        request,
        "leaderboard.html",
        found=found,
        standings=found.rows,
        windows=matchday.windows(db),
        competition=competition,
        season=season,
        include_retroactive=include_retroactive,
        contaminated=contaminated,
        resamples=intervals.RESAMPLES,
        race=None
        if raced is None
        else charts.race(raced.days, raced.points, order=raced.order, references=raced.references),
        race_season=None if raced is None else raced.season,
    )


@router.get("/matches/{match_id}")
def match(request: Request, db: Session_, match_id: int) -> Response:
    if not 1 <= match_id <= _MAX_ID:
        return _not_found(request, f"match {match_id} does not exist")
    try:
        row, quotas = browse.match(db, match_id)
    except errors.NotFound as exc:
        return _not_found(request, exc.message)
    predictions = browse.match_predictions(db, match_id)
    scores: dict[tuple[int, int], int] = {}
    for p in predictions:
        if not p.retroactive:
            scores[(p.home_goals, p.away_goals)] = scores.get((p.home_goals, p.away_goals), 0) + 1
    top = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:6]
    return _page(
        request,
        "match.html",
        match=row,
        quotas=quotas,
        predictions=predictions,
        facts=browse.facts(db, match_id),
        consensus=matchday.consensus(db, [match_id]).get(match_id),
        bars=charts.bars,
        top_scores=top,
        abstentions=browse.abstentions(db, match_id=match_id)[0],
    )


@router.get("/forecasters/{name}")
def forecaster(
    request: Request,
    db: Session_,
    name: Annotated[str, Path(min_length=1, max_length=100, pattern=_TEXT)],
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    try:
        found, scored, total = browse.forecaster_predictions(
            db, name, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
    except errors.NotFound as exc:
        return _not_found(request, exc.message)
    rows = api.leaderboard_rows(request, competition=None, season=None, retroactive=False)
    season = points.latest_season(db, competition=None)
    race = None
    if season is not None:
        leader = next((r.forecaster for r in rows if not r.reference), None)
        market = next((r.forecaster for r in rows if r.kind == ForecasterKind.MARKET), None)
        order = list(dict.fromkeys(n for n in (found.name, leader, market) if n is not None))
        days, season_points = points.race(db, forecasters=order, season=season)
        refs = [r.forecaster for r in rows if r.reference]
        race = charts.race(days, season_points, order=order, references=refs)
    failures, failure_count = browse.prediction_failures(db, found.name)
    abstentions, abstention_count = browse.abstentions(db, forecaster=found.name, limit=20)
    return _page(
        request,
        "forecaster.html",
        forecaster=found,
        summary=next((r for r in rows if r.forecaster == found.name), None),
        scored=scored,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
        bins=intervals.reliability(points.outcome_probabilities(db, found.name)),
        race=race,
        race_season=season,
        cost=browse.cost(db, found.id) if found.kind == ForecasterKind.LLM else None,
        failures=failures,
        failure_count=failure_count,
        abstentions=abstentions,
        abstention_count=abstention_count,
        pauses=browse.pauses(db, found.id, now=web(request).clock.now()),
    )


@router.get("/robots.txt")
def robots() -> Response:
    return PlainTextResponse(ROBOTS)


@router.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon (an SVG; browsers take it at this address too)."""
    return FileResponse(
        FilePath(__file__).parent / "static" / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )
