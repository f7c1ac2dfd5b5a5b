"""Rebuilding the leaderboard's kept totals: an audited operator action."""

from __future__ import annotations

from footcast.clock import Clock
from footcast.db import Database
from footcast.db.writes import audit, totals

__all__ = ["rebuild"]


def rebuild(database: Database, clock: Clock, *, actor: str) -> int:
    """Compute the leaderboard's totals from the current settlements, in one transaction; how
    many kept rows differed (0 when the triggers kept them right)."""
    with database.transaction() as session:
        drift = totals.rebuild(session)
        audit.record(
            session,
            actor=actor,
            action="leaderboard.rebuild",
            target="leaderboard",
            now=clock.now(),
            details={"drift": drift},
        )
    return drift
