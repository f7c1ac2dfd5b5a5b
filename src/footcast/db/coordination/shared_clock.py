"""The replay's shared simulated time, kept in the database so every worker process reads it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from footcast import errors
from footcast.clock import Clock, SystemClock
from footcast.config import Settings
from footcast.db.engine import Database
from footcast.db.tables import SimClock

__all__ = ["DatabaseClock", "configured_clock", "set_simulated_time"]


def configured_clock(settings: Settings, database: Database | Callable[[], Database]) -> Clock:
    """The clock every footcast process reads: the replay's shared simulated time under
    ``FOOTCAST_CLOCK=simulated``, the wall clock otherwise. Workers, the web surface and every
    command take their clock from here, so one installation never runs on two times.
    ``database`` may be a function opening it: the wall clock needs none (a command working on
    another database, such as ``footcast demo --database``, never opens the configured one)."""
    if settings.pipeline.clock == "simulated":
        return DatabaseClock(database() if callable(database) else database)
    return SystemClock()


def set_simulated_time(database: Database, now: datetime) -> None:
    """Move the shared simulated clock to ``now`` (it never goes backwards)."""
    stmt = insert(SimClock).values(id=True, now=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[SimClock.id],
        set_={"now": sa.func.greatest(SimClock.now, stmt.excluded.now)},
    )
    with database.transaction() as session:
        session.execute(stmt)


class DatabaseClock:
    """A clock that reads the shared simulated time from ``sim_clock``; for worker processes of
    a replay (``FOOTCAST_CLOCK=simulated``)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def now(self) -> datetime:
        with self._database.connection() as connection:
            now = connection.execute(sa.select(SimClock.now)).scalar_one_or_none()
        if now is None:
            raise errors.NotReady(
                "no simulated time in this database yet: FOOTCAST_CLOCK=simulated workers follow"
                " a replay (footcast demo), which sets it"
            )
        return now
