"""Stage: analysis. A point-in-time snapshot of what is known about a match before kickoff."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from footcast import errors
from footcast.db.tables import Competition, Match, Season, Team
from footcast.db.writes import matches, odds, snapshots
from footcast.domain import names
from footcast.domain.analysis import Snapshot
from footcast.pipeline.context import Context

__all__ = ["assemble", "build", "moment"]


def build(ctx: Context, match_id: int, *, retroactive: bool = False) -> str:
    """Store a snapshot of ``match_id`` as of now, or, for a match past its deadline with
    ``retroactive``, as of the moment predictions were due (never after kickoff)."""
    now = ctx.clock.now()
    with ctx.database.transaction() as session:
        match = matches.get_match(session, match_id)
        if match.status in names.DEAD:
            return f"skipped: match is {match.status}"
        if (
            snapshots.latest_valid(session, match, lead=ctx.settings.windows.analysis_lead)
            is not None
        ):
            return "unchanged: a snapshot exists"
        if now >= match.prediction_deadline and not retroactive:
            raise errors.PipelineError(
                f"analysis of match {match_id} is too late: kickoff was"
                f" {match.kickoff_at.isoformat()}; only a retroactive backfill builds it now",
                match_id=match_id,
            )
        as_of = moment(ctx, match, now=now)
        snapshot = assemble(ctx, session, match, as_of=as_of)
        snapshots.save_snapshot(session, snapshot, now=now)
    return f"built as of {as_of.isoformat()} with {len(snapshot.history)} results"


def moment(ctx: Context, match: Match, *, now: datetime) -> datetime:
    """The moment a snapshot built ``now`` describes: now, or, once the deadline has passed (a
    retroactive run), the moment predictions were due."""
    if now < match.prediction_deadline:
        return now
    return match.kickoff_at - ctx.settings.windows.prediction_lead


def assemble(ctx: Context, session: Session, match: Match, *, as_of: datetime) -> Snapshot:
    """Everything known about ``match`` at ``as_of``: results whose kickoff is at least
    ``ctx.known_after`` before it (and within ``history_window``), the odds published by then
    (the stored quotes first, else the source's), lineups stored by then, and the source's
    injury reports as of then. Both the analysis stage and the prediction stage build their
    snapshots here, each at its own moment."""
    season = session.get(Season, match.season_id) if match.season_id else None
    return Snapshot(
        match_id=match.id,
        competition=session.get_one(Competition, match.competition_id).code,
        season=season.label if season else None,
        home=session.get_one(Team, match.home_team_id).name,
        away=session.get_one(Team, match.away_team_id).name,
        kickoff=match.kickoff_at,
        as_of=as_of,
        history=snapshots.history(
            session,
            competition_id=match.competition_id,
            as_of=as_of,
            known_after=ctx.known_after,
            window=ctx.settings.pipeline.history_window,
        ),
        odds=odds.latest(session, match.id, now=as_of)
        or ctx.source.odds(match.external_id, now=as_of),
        lineups=snapshots.lineups_of(session, match, known_at=as_of),
        injuries=ctx.source.injuries(match.external_id, now=as_of),
    )
