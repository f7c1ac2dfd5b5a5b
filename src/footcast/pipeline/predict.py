"""Stage: predictions. Makes match M complete: every forecaster owing it a prediction gets asked.

Level-triggered: the job computes who is missing (no prediction, no terminal failure) each time
it runs, so a re-run after a crash or a retry asks only those, and never writes twice.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from sqlalchemy.orm import Session

from footcast import errors
from footcast.db import engine
from footcast.db.coordination import pauses
from footcast.db.reads import owed
from footcast.db.tables import Match
from footcast.db.writes import abstentions, ledger, matches, predictions, snapshots
from footcast.domain import names
from footcast.domain.analysis import Need, Snapshot
from footcast.domain.forecast import Forecast
from footcast.domain.names import ForecasterKind, Stage
from footcast.forecasters.base import Forecaster
from footcast.forecasters.roster import PROVIDER_KIND
from footcast.pipeline import analysis
from footcast.pipeline.context import Context
from footcast.pipeline.retry import Attempt, is_retryable

__all__ = ["predict", "skipped"]

log = logging.getLogger(__name__)

FIRST = Attempt(last=False, last_wait=False)


def predict(
    ctx: Context, match_id: int, *, retroactive: bool = False, attempt: Attempt = FIRST
) -> str:
    """Ask every forecaster still owing ``match_id`` a prediction and store the answers.

    A forecaster failing with a retryable error makes the job fail after storing the rest (so
    the queue retries with backoff); on the last attempt, or for a permanent error, the pair is
    recorded as a terminal failure with its reason. A forecaster whose provider rests (its
    circuit is open) is asked again when the rest ends, past the last attempt (``Resting``).
    """
    now = ctx.clock.now()
    with ctx.database.transaction() as session:
        match = matches.get_match(session, match_id)
        if (skip := skipped(match, now=now, retroactive=retroactive)) is not None:
            return skip
        if snapshots.latest_valid(session, match, lead=ctx.settings.windows.analysis_lead) is None:
            raise errors.NotReady(
                f"match {match_id} has no analysis snapshot: predicting without analysis is"
                " impossible",
                match_id=match_id,
            )
        owing = [
            who
            for who in owed.missing_forecasters(session, match_id)
            if who.kind != ForecasterKind.CONSENSUS  # made by its own stage, from these
        ]
        if not owing:
            return "0 written: nobody owes a prediction"
        # the forecasters see what is known now (a retroactive run: at the deadline), not what
        # the analysis snapshot of two days earlier knew; that one stays for the record
        as_of = analysis.moment(ctx, match, now=now)
        snapshot = analysis.assemble(ctx, session, match, as_of=as_of)
        snapshot_id = snapshots.save_snapshot(session, snapshot, now=now)

    abstaining = [
        abstentions.Abstaining(
            forecaster_id=who.id,
            missing=missing,
            reason=f"needs {', '.join(missing)}: none known at {as_of.isoformat()}",
        )
        for who in owing
        if (missing := _missing(ctx, who, snapshot))
    ]
    abstained = {a.forecaster_id for a in abstaining}
    asking = [who for who in owing if who.id not in abstained]
    made, failed = _ask(ctx, asking, snapshot)

    with ctx.database.transaction() as session:
        engine.use_clock(session, now)
        predictions.lock_match(session, match_id)
        # another run of this job (its worker taken for dead) may have stored some meanwhile:
        # their failures here are stale, and theirs resolve ours
        already = predictions.predicted_by(session, match_id)
        failed = [(who, problem) for who, problem in failed if who.id not in already]
        resting = [
            error
            for _, error in failed
            if isinstance(error, errors.CircuitOpen) and not attempt.last_wait
        ]
        retry_later = [
            who.name
            for who, error in failed
            if (is_retryable(error) and not attempt.last) or error in resting
        ]
        written = predictions.save_many(
            session,
            match_id=match_id,
            forecasts=made,
            created_at=now,
            analysis_snapshot_id=snapshot_id,
        )
        abstentions.record(
            session,
            match_id=match_id,
            abstaining=[a for a in abstaining if a.forecaster_id not in already],
            analysis_snapshot_id=snapshot_id,
            now=now,
        )
        done = [
            names.pair_key(match_id, who.name)
            for who in owing
            if who.id in made.keys() | already | abstained
        ]
        ledger.resolve(session, stage=Stage.PREDICTIONS, keys=done, now=now)
        _health(ctx, session, owing, made, failed, now=now)
        for who, problem in failed:
            ledger.record(
                session,
                stage=Stage.PREDICTIONS,
                key=names.pair_key(match_id, who.name),
                error=problem,
                now=now,
                match_id=match_id,
                payload={"forecaster": who.name, "retroactive": retroactive},
                terminal=who.name not in retry_later,
            )
    summary = f"{written} written, {len(failed)} failed of {len(owing)} owing" + (
        f" ({len(abstaining)} abstained for want of their input)" if abstaining else ""
    )
    if resting and len(resting) == len(retry_later):  # only rests stand in the way
        until = max(_rest_end(error) for error in resting)
        raise errors.Resting(
            f"match {match_id}: {len(resting)} forecaster(s) wait for their provider's rest to"
            f" end at {until.isoformat()}; {summary}",
            until=until,
            match_id=match_id,
        )
    if retry_later:
        raise errors.NotReady(
            f"match {match_id}: {len(retry_later)} forecaster(s) failed transiently"
            f" ({', '.join(retry_later[:5])}); {summary}",
            match_id=match_id,
        )
    return summary


def skipped(match: Match, *, now: datetime, retroactive: bool) -> str | None:
    """Why a prediction-time stage (the predictions, the consensus) does nothing for ``match``
    now: it is dead, or its deadline has passed and this is no retroactive run; else None."""
    if match.status in names.DEAD:
        return f"skipped: match is {match.status}"
    if now >= match.prediction_deadline and not retroactive:
        return "skipped: the deadline has passed; the gaps wait for a retroactive backfill"
    return None


def _rest_end(error: errors.CircuitOpen) -> datetime:
    until = error.context.get("until")
    if not isinstance(until, datetime):
        raise TypeError(f"a CircuitOpen without its end: {error!r}")  # a bug in the gate
    return until


def _missing(ctx: Context, who: owed.MissingForecaster, snapshot: Snapshot) -> tuple[Need, ...]:
    """What ``who`` needs and ``snapshot`` lacks (it abstains); nothing when ``who`` cannot be
    made (asking it then fails, and is recorded as such)."""
    try:
        model = ctx.forecasters.get(name=who.name, provider=who.provider, model_id=who.model_id)
    except errors.FootcastError:
        return ()
    return snapshot.lacks(model.needs)


def _ask(
    ctx: Context, asking: list[owed.MissingForecaster], snapshot: Snapshot
) -> tuple[dict[int, Forecast], list[tuple[owed.MissingForecaster, Exception]]]:
    """Ask each of ``asking``: the remote ones side by side (at most ``predict_fanout`` at
    once), the local ones meanwhile in this thread. Returns the forecasts by forecaster id and
    the failures (the caller classifies and records them)."""
    models: dict[int, Forecaster] = {}
    outcomes: dict[int, Forecast | Exception] = {}
    for who in asking:
        try:
            models[who.id] = ctx.forecasters.get(
                name=who.name, provider=who.provider, model_id=who.model_id
            )
        except Exception as unmade:  # no implementation: recorded as the pair's failure
            outcomes[who.id] = unmade
    remote = [id for id, model in models.items() if model.remote]
    # the pool starts a thread per submission only: without remote forecasters it has none
    fanout = min(ctx.settings.llm.predict_fanout, len(remote) or 1)
    with ThreadPoolExecutor(max_workers=fanout) as pool:
        asked = {id: pool.submit(models[id].predict, snapshot) for id in remote}
        for id, model in models.items():
            if id not in asked:
                outcomes[id] = _outcome(functools.partial(model.predict, snapshot))
    for id, future in asked.items():
        outcomes[id] = _outcome(future.result)
    made = {id: outcome for id, outcome in outcomes.items() if isinstance(outcome, Forecast)}
    failed = [(w, outcome) for w in asking if isinstance(outcome := outcomes[w.id], Exception)]
    return made, failed


def _outcome(ask: Callable[[], Forecast]) -> Forecast | Exception:
    try:
        return ask()
    except Exception as error:  # every failure is classified and recorded by the caller
        return error


def _health(
    ctx: Context,
    session: Session,
    owing: list[owed.MissingForecaster],
    made: dict[int, Forecast],
    failed: list[tuple[owed.MissingForecaster, Exception]],
    *,
    now: datetime,
) -> None:
    """Count each LLM's success or failure; too many failures in a row pause it. Failures that
    say nothing about the model (its provider's circuit, a 429) are not counted."""
    answered = [who.id for who in owing if who.kind == PROVIDER_KIND and who.id in made]
    pauses.succeeded(session, answered, at=now)
    for who, problem in failed:
        if who.kind != PROVIDER_KIND or isinstance(problem, errors.CircuitOpen):
            continue
        if isinstance(problem, errors.FootcastError) and problem.context.get("provider_wide"):
            continue
        if pauses.failed(
            session,
            who.id,
            at=now,
            error=f"{type(problem).__name__}: {problem}",
            threshold=ctx.settings.llm.disable_after,
            probe_after=ctx.settings.llm.probe_after,
        ):
            log.warning("forecaster %s disabled after repeated failures: %s", who.name, problem)
