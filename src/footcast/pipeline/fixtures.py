"""Stage: fixtures sync. Stores the source says (kickoff, status, score); schedules nothing."""

from __future__ import annotations

import logging

from footcast.db.writes import matches, stages
from footcast.pipeline.context import Context

__all__ = ["sync"]

log = logging.getLogger(__name__)


def sync(ctx: Context) -> int:
    """Fetch the source's fixtures around now and store them; return how many."""
    now = ctx.clock.now()
    settings = ctx.settings
    fixtures = ctx.source.fixtures(
        now - settings.pipeline.fixtures_behind, now + settings.pipeline.fixtures_ahead, now=now
    )
    with ctx.database.transaction() as session:
        matches.sync_fixtures(session, ctx.source.name, fixtures, now=now)
        stages.mark_synced(session, ctx.source.name, now=now, fixtures=len(fixtures))
    log.info("fixtures synced", extra={"source": ctx.source.name, "fixtures": len(fixtures)})
    return len(fixtures)
