"""``GET /api/health`` (MON-01): ok, degraded or unhealthy, from the coverage of the window
around now, the queue depth and the age of the oldest due job; 503 when the database can not be
reached. Every call asks the database ``SELECT 1``, so the status follows it at once; only the
coverage and queue figures are cached (``health_cache_seconds``, at most 60 s), and their
queries are bounded by indexes, so the route stays cheap at any table size."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from footcast import errors
from footcast.db.reads import monitoring
from footcast.web.deps import web

__all__ = [
    "LOOKBACK",
    "Cache",
    "health",
    "router",
]

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)

LOOKBACK = timedelta(hours=24)  # deadlines this recent count towards coverage
OK_COVERAGE, BAD_COVERAGE = 0.9, 0.5
LATE_SECONDS, STUCK_SECONDS = 600.0, 1800.0  # the oldest due job: degraded, unhealthy


class Cache:
    """The last answer, reused for ``seconds``."""

    def __init__(self, *, seconds: float) -> None:
        self.seconds = seconds
        self._lock = threading.Lock()
        self._answer: tuple[float, int, dict[str, Any]] | None = None

    def get(self) -> tuple[int, dict[str, Any]] | None:
        with self._lock:
            if self._answer is None or time.monotonic() - self._answer[0] > self.seconds:
                return None
            return self._answer[1], self._answer[2]

    def put(self, status: int, body: dict[str, Any]) -> None:
        with self._lock:
            self._answer = (time.monotonic(), status, body)


def _verdict(coverage: float | None, oldest: float | None) -> str:
    if (coverage is not None and coverage < BAD_COVERAGE) or (oldest or 0) > STUCK_SECONDS:
        return "unhealthy"
    if (coverage is not None and coverage < OK_COVERAGE) or (oldest or 0) > LATE_SECONDS:
        return "degraded"
    return "ok"


def _unreachable(exc: errors.DatabaseError, *, now: datetime) -> tuple[int, dict[str, Any]]:
    # the message is footcast's own: the driver's (the server's address) stays in the logs
    return 503, {
        "status": "unhealthy",
        "database": "unreachable",
        "detail": exc.message,
        "checked_at": now.isoformat(),
    }


def _measure(request: Request) -> tuple[int, dict[str, Any]]:
    state = web(request)
    now = state.clock.now()
    with state.database.transaction() as session:
        covered = monitoring.coverage(
            session, start=now - LOOKBACK, end=now + state.settings.windows.prediction_lead
        )
        queue = monitoring.queue(session, now=now)
    ratio = covered.ratio
    return 200, {
        "status": _verdict(ratio, queue.oldest_due_seconds),
        "database": "ok",
        "coverage": {
            "ratio": ratio,
            "predicted": covered.predicted,
            "owed": covered.owed,
            "matches": covered.matches,
            "window": {
                "from": (now - LOOKBACK).isoformat(),
                "to": (now + state.settings.windows.prediction_lead).isoformat(),
            },
        },
        "queue": {
            "due": queue.due,
            "running": queue.running,
            "oldest_due_seconds": queue.oldest_due_seconds,
        },
        "checked_at": now.isoformat(),
    }


@router.head("/api/health", include_in_schema=False)  # uptime checkers use HEAD
@router.get("/api/health", summary="Pipeline health (no auth; figures cached)")
def health(request: Request) -> JSONResponse:
    """503 the moment the database stops answering, 200 the moment it is back."""
    cache: Cache = request.app.state.health_cache
    state = web(request)
    try:
        monitoring.ping(state.database)
        cached = cache.get()
        if cached is None:
            cached = _measure(request)
            cache.put(*cached)
    except errors.DatabaseError as exc:
        log.warning("health: the database is unreachable (%s)", exc.__cause__ or exc)
        cached = _unreachable(exc, now=state.clock.now())
    status, body = cached
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
