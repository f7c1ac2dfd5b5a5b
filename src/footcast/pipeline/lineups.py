"""Stage: lineups, an hour before kickoff. Optional input: when none are announced, that is
recorded and nothing waits. The latest pre-match odds are fetched here too, so predictions see
odds published after the analysis was built."""

from __future__ import annotations

from footcast.db.writes import matches, odds, snapshots
from footcast.domain import names
from footcast.pipeline.context import Context

__all__ = ["fetch"]


def fetch(ctx: Context, match_id: int) -> str:
    now = ctx.clock.now()
    with ctx.database.transaction() as session:
        match = matches.get_match(session, match_id)
        if match.status in names.DEAD:
            return f"skipped: match is {match.status}"
        lineups = ctx.source.lineups(match.external_id, now=now)
        quote = ctx.source.odds(match.external_id, now=now)
        snapshots.save_lineups(session, match, lineups, now=now)
        if quote is not None:
            odds.save_many(
                session, [odds.Quote(match_id=match.id, kind="pre", odds=quote, published_at=now)]
            )
    return ("stored" if lineups else "not available") + (", odds stored" if quote else "")
