"""Stage: live polling. Fetches a started match's state; a match stuck long after kickoff raises
an alert in the failure ledger (and keeps being polled)."""

from __future__ import annotations

import logging

from footcast import errors
from footcast.db.writes import ledger, matches
from footcast.domain import names
from footcast.domain.names import MatchStatus, Stage
from footcast.pipeline.context import Context

__all__ = ["poll"]

log = logging.getLogger(__name__)

_RUNNING = names.IN_PLAY | {MatchStatus.SCHEDULED}


def poll(ctx: Context, match_id: int) -> str:
    now = ctx.clock.now()
    with ctx.database.transaction() as session:
        match = matches.get_match(session, match_id)
        if match.status not in _RUNNING:
            return f"unchanged: match is {match.status}"
        external_id = match.external_id
    fixture = ctx.source.fixture(external_id, now=now)
    key = f"live:{match_id}"
    with ctx.database.transaction() as session:
        matches.apply_live_state(session, match_id, fixture, now=now)
        late = now - fixture.kickoff
        if fixture.status in _RUNNING and late >= ctx.settings.pipeline.stuck_after:
            minutes = int(late.total_seconds() // 60)
            stuck = errors.PipelineError(
                f"match {match_id} is stuck: still {fixture.status} {minutes} min after kickoff"
                " although the source was just asked again",
                match_id=match_id,
            )
            log.error(str(stuck), extra={"match_id": match_id, "status": fixture.status})
            ledger.record(
                session, stage=Stage.LIVE, key=key, error=stuck, now=now, match_id=match_id
            )
        elif fixture.status not in _RUNNING:
            ledger.resolve(session, stage=Stage.LIVE, keys=[key], now=now)
    score = f" {fixture.home_goals}:{fixture.away_goals}" if fixture.home_goals is not None else ""
    return f"{fixture.status}{score}"
