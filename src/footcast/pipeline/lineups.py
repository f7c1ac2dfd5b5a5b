"""Stage: lineups. Optional input: when none are announced, that is recorded and nothing waits."""

from __future__ import annotations

from footcast.db import matches, snapshots
from footcast.pipeline.context import DEAD_STATUSES, Context

__all__ = ["fetch"]


def fetch(ctx: Context, match_id: int) -> str:
    now = ctx.clock.now()
    with ctx.database.transaction() as session:
        match = matches.get_match(session, match_id)
        if match.status in DEAD_STATUSES:
            return f"skipped: match is {match.status}"
        lineups = ctx.source.lineups(match.external_id, now=now)
        snapshots.save_lineups(session, match, lineups, now=now)
    return "stored" if lineups else "not available"
