"""Probing models that their health paused: a good answer resumes them, a bad one waits longer.

A probe asks the model about a fixed made-up match (the same text every time), outside any
match's prediction, so a paused model never predicts a real match before it is trusted again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from footcast.db.coordination import pauses
from footcast.db.writes import forecasters
from footcast.domain.analysis import Odds, Snapshot
from footcast.pipeline.context import Context

__all__ = ["MAX_PROBE_WAIT", "probe", "probe_snapshot"]

log = logging.getLogger(__name__)

MAX_PROBE_WAIT = timedelta(days=1)


def probe_snapshot(ctx: Context) -> Snapshot:
    """A made-up match in two hours, with odds: what probes and `footcast models check` ask."""
    now = ctx.clock.now().replace(second=0, microsecond=0)
    return Snapshot(
        match_id=0,
        competition="PROBE",
        home="Northbridge",
        away="Southport",
        kickoff=now + timedelta(hours=2),
        as_of=now,
        odds=Odds(home=2.2, draw=3.3, away=3.4, bookmaker="probe"),
    )


def probe(ctx: Context, name: str) -> str:
    """Probe the paused model ``name``; resume it when it answers a valid prediction."""
    now = ctx.clock.now()
    with ctx.database.transaction() as session:
        row = forecasters.by_name(session, name)
        open_pause = pauses.open_pause(session, row.id)
        if open_pause is None or open_pause.actor != pauses.HEALTH:
            return "not paused for its health: nothing to probe"
        forecaster_id, provider, model_id, probes = (
            row.id,
            row.provider,
            row.model_id,
            open_pause.probes,
        )
    try:
        model = ctx.forecasters.get(name=name, provider=provider, model_id=model_id)
        answer = model.predict(probe_snapshot(ctx))
    except Exception as exc:  # any failure keeps the model paused, probed later
        wait = min(MAX_PROBE_WAIT, ctx.settings.llm.probe_after * 2 ** (probes + 1))
        with ctx.database.transaction() as session:
            pauses.probe_failed(session, forecaster_id, next_probe=now + wait)
        log.info("probe of %s failed (%s); next in %s", name, exc, wait)
        return f"still failing ({type(exc).__name__}: {exc}); next probe in {wait}"
    with ctx.database.transaction() as session:
        pauses.resume(
            session,
            forecaster_id,
            at=now,
            actor=pauses.HEALTH,
            reason=f"probe answered {answer.home_goals}-{answer.away_goals}",
        )
    log.warning("forecaster %s resumed: its probe answered", name)
    return f"resumed: the probe answered {answer.home_goals}-{answer.away_goals}"
