"""Server-rendered HTML pages (Jinja2): the leaderboard with bootstrap intervals and ties, one
match with its quotas and points, one forecaster's record with its calibration chart, and the
admin dashboard (login, pipeline health, failures with retry and clear per stage).

The pages read through the same functions as the JSON API (``api``, ``admin``), so a page and its
API answer never disagree. An unknown id gets an HTML 404 page, not the API's JSON error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import jinja2
from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request, status
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from footcast import errors
from footcast.db.reads import browse, points
from footcast.db.reads import leaderboard as board
from footcast.domain.names import Stage
from footcast.web import admin, api, auth, intervals
from footcast.web.cache import Stale
from footcast.web.deps import session, web

__all__ = [
    "PAGE_SIZE",
    "Standing",
    "clear",
    "dashboard",
    "error",
    "forecaster",
    "leaderboard",
    "login",
    "logout",
    "match",
    "retry",
    "router",
    "standings",
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
Actor = Annotated[str, Depends(auth.admin)]
Filter = Annotated[str | None, Query(max_length=32, pattern=_TEXT)]


@dataclass(frozen=True, kw_only=True)
class Standing:
    """A leaderboard row as the page shows it: with its interval and its marks."""

    rank: int
    row: board.Row
    interval: intervals.Interval | None
    leader: bool
    tied: bool


def standings(rows: list[board.Row], scored: list[points.MatchPoints]) -> list[Standing]:
    """The rows with their bootstrap intervals; the leader is the best competitor (not a
    reference row) with an interval, and every other row overlapping it is tied with it."""
    found = intervals.bootstrap(scored)
    leader = next((r.forecaster for r in rows if not r.reference and r.forecaster in found), None)
    tied = intervals.ties(found, leader=leader)
    return [
        Standing(
            rank=n,
            row=r,
            interval=found.get(r.forecaster),
            leader=r.forecaster == leader,
            tied=r.forecaster in tied,
        )
        for n, r in enumerate(rows, start=1)
    ]


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


@router.get("/")
def leaderboard(
    request: Request,
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
    state = web(request)

    def compute() -> list[Standing]:
        with state.database.transaction() as session:
            scored = points.match_points(
                session,
                competition=competition,
                season=season,
                include_retroactive=include_retroactive,
                contaminated=contaminated,
            )
        return standings(rows, scored)

    # the bootstrap is as expensive as the leaderboard: cached alike, keyed by the window
    cache: Stale[list[Standing]] = request.app.state.standings
    return _page(
        request,
        "leaderboard.html",
        standings=cache.get((competition, season, include_retroactive, contaminated), compute),
        competition=competition,
        season=season,
        include_retroactive=include_retroactive,
        contaminated=contaminated,
        resamples=intervals.RESAMPLES,
    )


@router.get("/matches/{match_id}")
def match(request: Request, db: Session_, match_id: int) -> Response:
    if not 1 <= match_id <= _MAX_ID:
        return _not_found(request, f"match {match_id} does not exist")
    try:
        row, quotas = browse.match(db, match_id)
    except errors.NotFound as exc:
        return _not_found(request, exc.message)
    return _page(
        request,
        "match.html",
        match=row,
        quotas=quotas,
        predictions=browse.match_predictions(db, match_id),
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
    )


@router.get("/admin")
def dashboard(request: Request) -> Response:
    """Pipeline health and open failures for a signed-in admin; anyone else gets the login form
    (the request counts against the admin rate limit either way)."""
    try:
        auth.admin(request)
    except HTTPException as exc:
        limited = exc.status_code == status.HTTP_429_TOO_MANY_REQUESTS
        return _page(
            request,
            "login.html",
            status_code=exc.status_code if limited else status.HTTP_200_OK,
            error=exc.detail if limited else None,
        )
    stages: dict[str, list[admin.FailureOut]] = {}
    for failure in admin.failures(request):
        stages.setdefault(failure.stage, []).append(failure)
    return _page(request, "admin.html", health=admin.pipeline_health(request), stages=stages)


@router.post("/admin/login")
def login(request: Request, password: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Check the admin secret (rate-limited like every admin request) and, if it matches, set
    the signed login cookie: HttpOnly, SameSite=Strict, Secure over HTTPS."""
    limit: auth.RateLimit = request.app.state.admin_limit
    if not limit.hit(request.client.host if request.client else "unknown"):
        error = f"too many attempts: the limit is {limit.item}"
        return _page(request, "login.html", status_code=429, error=error)
    if not auth.secret_matches(request, password):
        return _page(request, "login.html", status_code=401, error="wrong secret")
    answer = RedirectResponse("/admin", status_code=status.HTTP_303_SEE_OTHER)
    answer.set_cookie(
        auth.COOKIE,
        auth.login_cookie(request),
        max_age=auth.COOKIE_SECONDS,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return answer


@router.post("/admin/logout")
def logout() -> Response:
    answer = RedirectResponse("/admin", status_code=status.HTTP_303_SEE_OTHER)
    answer.delete_cookie(auth.COOKIE, httponly=True, samesite="strict")
    return answer


@router.post("/admin/failures/retry")
async def retry(request: Request, actor: Actor, stage: Annotated[Stage, Form()]) -> Response:
    """Retry a stage's failures (the admin API's retry), then back to the dashboard."""
    await admin.retry(request, actor, stage=stage)
    return RedirectResponse("/admin", status_code=status.HTTP_303_SEE_OTHER)


@router.post("/admin/failures/clear")
def clear(request: Request, actor: Actor, stage: Annotated[Stage, Form()]) -> Response:
    """Clear a stage's failures (the admin API's clear), then back to the dashboard."""
    admin.clear(request, actor, stage=stage)
    return RedirectResponse("/admin", status_code=status.HTTP_303_SEE_OTHER)
