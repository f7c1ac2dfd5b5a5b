"""What every route is handed: the app's state (database, settings, clock, and the runtime the
operator actions queue work with), read per request."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Request
from sqlalchemy.orm import Session

from footcast.clock import Clock
from footcast.config import Settings
from footcast.db import Database
from footcast.ops.runtime import Runtime

__all__ = ["TEXT", "Web", "session", "web"]

TEXT = r"^[^\x00]*$"  # PostgreSQL text can not hold NUL: refused as a bad parameter


@dataclass(frozen=True, kw_only=True)
class Web:
    database: Database
    settings: Settings
    clock: Clock
    runtime: Runtime  # one per app: its queue connections opened on first use


def web(request: Request) -> Web:
    found: Web = request.app.state.web
    return found


def session(request: Request) -> Iterator[Session]:
    """A read transaction for one request."""
    with web(request).database.transaction() as opened:
        yield opened
