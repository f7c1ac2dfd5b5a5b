"""Stage: consensus. The crowd of match M as one forecast, a reference row beside its members.

The consensus forecaster combines the competitors' on-time predictions stored by its own moment
(``db.reads.crowd``: no reference row, nothing retroactive or contaminated) into their mean
probabilities and their most common score (``domain.consensus``). The reconciler asks for it
once no other owed pair of the match is open (every other forecaster predicted, failed for good
or abstained), or ``consensus_lead`` before the deadline at the latest, whatever is still owed:
so it never waits past the deadline for a forecaster that keeps failing, and it holds nobody up
(its own unit, ``consensus:<m>``, not the predictions stage's). A prediction stored after it is
not in it. Where no competitor predicted in time, it abstains.

A retroactive run (a backfill past the deadline) combines the predictions that were on time, and
is retroactive itself, like every prediction stored after the deadline.
"""

from __future__ import annotations

from footcast.db import engine
from footcast.db.reads import crowd, owed
from footcast.db.writes import abstentions, matches, predictions
from footcast.domain import consensus
from footcast.domain.analysis import Need
from footcast.domain.names import ForecasterKind
from footcast.pipeline import predict
from footcast.pipeline.context import Context

__all__ = ["NAME", "make"]

NAME = "consensus"  # the consensus forecaster's name (``demo.register_forecasters``)


def make(ctx: Context, match_id: int, *, retroactive: bool = False) -> str:
    """Store the consensus of ``match_id`` for every consensus forecaster still owing it, or
    their abstentions when no competitor predicted in time."""
    now = ctx.clock.now()
    with ctx.database.transaction() as session:
        match = matches.get_match(session, match_id)
        if (skip := predict.skipped(match, now=now, retroactive=retroactive)) is not None:
            return skip
        engine.use_clock(session, now)
        # a prediction job storing answers now commits first: they are in, the later ones not
        predictions.lock_match(session, match_id)
        owing = [
            who
            for who in owed.missing_forecasters(session, match_id)
            if who.kind == ForecasterKind.CONSENSUS
        ]
        if not owing:
            return "0 written: no consensus is owed"
        members = crowd.on_time_forecasts(session, match_id, by=now)
        made = consensus.combine(members)
        if made is None:
            moment = min(now, match.prediction_deadline)
            abstentions.record(
                session,
                match_id=match_id,
                abstaining=[
                    abstentions.Abstaining(
                        forecaster_id=who.id,
                        missing=(Need.PREDICTIONS,),
                        reason="needs predictions: no competitor's on-time prediction stored"
                        f" by {moment.isoformat()}",
                    )
                    for who in owing
                ],
                analysis_snapshot_id=None,
                now=now,
            )
            return f"abstained: no competitor predicted on time ({len(owing)} owing)"
        written = predictions.save_many(
            session,
            match_id=match_id,
            forecasts={who.id: made for who in owing},
            created_at=now,
            analysis_snapshot_id=None,
        )
    return f"{written} written from {len(members)} prediction(s): {made.score}"
