"""The FastAPI application: routes from ``api``, ``admin`` (and the old system's ``legacy``
admin routes), ``metrics``, ``pages`` and the admin pages (``console``), behind the body limit and
security headers (``security``) and, when configured, trusted proxies' headers; errors
translated at this edge into JSON bodies ``{"error": {"code", "message"}}`` (an HTML error page
for the pages and for browsers), never a traceback; a database that can not be reached is 503."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from footcast import errors
from footcast.clock import Clock
from footcast.config import Settings
from footcast.db import Database
from footcast.db.coordination import shared_clock
from footcast.ops.runtime import Runtime
from footcast.web import admin, api, console, health, legacy, metrics, pages, security
from footcast.web.auth import AdminLimit
from footcast.web.cache import Stale
from footcast.web.deps import Web

__all__ = ["MAX_BODY_BYTES", "create_app"]

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
_STATUS = {
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.ConfigError: 400,
    errors.InvalidInput: 422,
    errors.DatabaseUnavailable: 503,
}
_PAGES = frozenset(
    route.endpoint
    for route in [*pages.router.routes, *console.router.routes]
    if hasattr(route, "endpoint")
)


def _body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def _answer(request: Request, status: int, code: str, message: str) -> Response:
    """The error as an HTML page for a page route or a browser, else as a JSON body."""
    page = request.scope.get("endpoint") in _PAGES
    if page or "text/html" in request.headers.get("accept", ""):
        return pages.error(request, status_code=status, code=code, message=message)
    return JSONResponse(_body(code, message), status_code=status)


def create_app(database: Database, settings: Settings, *, clock: Clock | None = None) -> FastAPI:
    """The web surface over ``database``; its clock is the configured one unless given."""
    if clock is None:
        clock = shared_clock.configured_clock(settings, database)
    runtime = Runtime(database, settings, clock=clock, actor="web")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await runtime.close()

    app = FastAPIOffline(  # /docs and /redoc with their assets served here, not from a CDN
        title="footcast",
        static_url="/static/docs",
        favicon_url="/favicon.ico",
        summary="Forecasters predict exact football scores; Kicktipp quotas rank them.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.web = Web(database=database, settings=settings, clock=clock, runtime=runtime)
    app.state.admin_limit = AdminLimit(settings.web.admin_rate_limit)
    app.state.metrics = metrics.Metrics(app.state.web)
    app.state.health_cache = health.Cache(seconds=settings.web.health_cache_seconds)
    app.state.standings = Stale[Any](seconds=api.STANDINGS_SECONDS)  # web/board.py
    app.state.matchday = Stale[Any](seconds=api.MATCHDAY_SECONDS)
    app.state.home = {}  # web/pages.py: the home page rendered from the matchday cached

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return _answer(request, 500, "internal_error", "an internal error occurred")

    # outermost last: the proxy's headers first, then the figures, then the body and headers,
    # then unhandled errors (inside the headers: Starlette's own 500 is outside every middleware)
    app.add_middleware(security.Unhandled, answer=unexpected)
    app.add_middleware(security.Guard, max_body=MAX_BODY_BYTES)
    app.add_middleware(metrics.RequestMetrics, metrics=app.state.metrics)
    if settings.web.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.web.trusted_proxies))

    @app.exception_handler(errors.FootcastError)
    async def footcast_error(request: Request, exc: errors.FootcastError) -> Response:
        status = next((s for kind, s in _STATUS.items() if isinstance(exc, kind)), None)
        if status is None:
            status = 503 if exc.retryable else 500
        if status >= 500:  # the driver's error, if any, goes to the log, never to the answer
            cause = exc.__cause__ or exc
            log.warning("%s on %s %s: %s", exc.code, request.method, request.url.path, cause)
        return _answer(request, status, exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]),
                "problem": e["msg"],
            }
            for e in exc.errors()
        ]
        names = ", ".join(p["field"] for p in problems)
        return JSONResponse(
            _body("invalid_request", f"invalid {names}", problems=problems), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {
            401: "unauthorised",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            429: "rate_limited",
        }
        name, status, detail = code.get(exc.status_code, "http_error"), exc.status_code, exc.detail
        answer: Response = JSONResponse(_body(name, str(detail)), status_code=status)
        if request.scope.get("endpoint") in _PAGES:  # an admin form's refusal, as a page
            answer = pages.error(request, status_code=status, code=name, message=str(detail))
        answer.headers.update(getattr(exc, "headers", None) or {})
        return answer

    app.include_router(health.router)
    app.include_router(api.router)
    app.include_router(admin.router)
    app.include_router(legacy.router)
    app.include_router(console.router)
    app.include_router(metrics.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(packages=[("footcast.web", "static")]), name="static")
    return app
