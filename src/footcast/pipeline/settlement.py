"""Settlement: score a finished match's predictions against its frozen quota snapshot.

One transaction per match. The first settlement that scores anything freezes the snapshot;
predictions stored later are scored against it and never move it; a corrected final score adds a
revision and keeps the old one; running it again changes nothing. Only an operator's rule change
freezes the same set again under the competition's new rule, as a new revision: set-based, for a
whole competition at once (``db.writes.rescore``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from footcast import errors
from footcast.clock import Clock
from footcast.db import Database
from footcast.db.writes import ledger, matches, predictions, settlements, snapshots, stages
from footcast.domain import scoring, settlement
from footcast.domain.names import MatchStatus, Stage
from footcast.pipeline.context import Context

__all__ = ["Outcome", "SettlementResult", "settle", "settle_match", "settle_pending"]


class Outcome(StrEnum):
    SETTLED = "settled"  # first revision written
    RESETTLED = "resettled"  # the final score or the rule changed: a new revision
    EXTENDED = "extended"  # predictions stored since were scored against the frozen snapshot
    UNCHANGED = "unchanged"  # nothing to do
    NO_PREDICTIONS = "no_predictions"  # nothing to score, nothing frozen
    FAILED = "failed"  # only in settle_pending's report


@dataclass(frozen=True, kw_only=True)
class SettlementResult:
    match_id: int
    outcome: Outcome
    revision: int | None = None
    scored: int = 0
    result: scoring.Score | None = None
    quotas: scoring.Quotas | None = None
    error: BaseException | None = None


def settle_match(
    session: Session,
    clock: Clock,
    match_id: int,
    *,
    actor: str = "footcast",
) -> SettlementResult:
    """Settle one match inside the caller's transaction.

    Raises:
        NotFound: no such match.
        NotSettleable: the match is not finished or has no 90-minute score.
    """
    match = settlements.lock_match(session, match_id)
    if match is None:
        raise errors.NotFound(f"match {match_id} does not exist", match_id=match_id)
    actual = match.result
    if match.status != MatchStatus.FINISHED or actual is None:
        raise errors.NotSettleable(
            f"match {match_id} can not be settled: status is {match.status!r} and its 90-minute"
            f" score is {actual or 'none'}; settlement needs status '{MatchStatus.FINISHED}'"
            " with a final score",
            match_id=match_id,
        )
    now = clock.now()
    stored = predictions.facts_of_match(session, match_id)

    frozen, current = settlements.current_state(session, match_id)
    snapshot = _snapshot(session, match, stored, frozen, now=now)
    if snapshot is None:
        return SettlementResult(match_id=match_id, outcome=Outcome.NO_PREDICTIONS)

    if current is not None and current.result == actual and current.snapshot_id == snapshot.id:
        already = settlements.scored_prediction_ids(session, current.id)
        missing = [p for p in stored if p.id not in already]
        if not missing:
            return _result(match_id, Outcome.UNCHANGED, current.revision, 0, actual, snapshot)
        scored = _write_scores(session, current.id, snapshot, missing, actual)
        return _result(match_id, Outcome.EXTENDED, current.revision, scored, actual, snapshot)

    if current is None:
        revision, outcome, reason = 1, Outcome.SETTLED, "final score"
    else:
        settlements.supersede_settlement(session, current.id, now=now)
        revision, outcome = current.revision + 1, Outcome.RESETTLED
        reason = _reason(current, actual)
    settlement_id = settlements.insert_settlement(
        session,
        match_id=match_id,
        revision=revision,
        snapshot_id=snapshot.id,
        result=actual,
        now=now,
        actor=actor,
        reason=reason,
    )
    scored = _write_scores(session, settlement_id, snapshot, stored, actual)
    return _result(match_id, outcome, revision, scored, actual, snapshot)


def _snapshot(
    session: Session,
    match: settlements.MatchToSettle,
    stored: list[settlement.PredictionFacts],
    current: settlements.FrozenSnapshot | None,
    *,
    now: datetime,
) -> settlements.FrozenSnapshot | None:
    """The snapshot to score against: the current one, or one frozen now (the first
    settlement). None when there is nothing to freeze."""
    if current is not None:
        return current
    frozen = settlement.freeze(match.rule(), stored)
    if frozen is None:
        return None
    return settlements.insert_snapshot(
        session, match_id=match.id, rule=match.rule(), frozen=frozen, now=now
    )


def _reason(current: settlements.CurrentSettlement, actual: scoring.Score) -> str:
    """Why a new revision: the score was corrected (a rule change is ``db.writes.rescore``'s)."""
    if current.result != actual:
        return f"score corrected {current.result} → {actual}"
    return "resettled"


def _write_scores(
    session: Session,
    settlement_id: int,
    snapshot: settlements.FrozenSnapshot,
    stored: list[settlement.PredictionFacts],
    actual: scoring.Score,
) -> int:
    scores = (settlement.score(snapshot.rule, snapshot.quotas, p, actual) for p in stored)
    return settlements.insert_scores(
        session, settlement_id=settlement_id, scores=scores, frozen_ids=snapshot.prediction_ids
    )


def _result(
    match_id: int,
    outcome: Outcome,
    revision: int,
    scored: int,
    actual: scoring.Score,
    snapshot: settlements.FrozenSnapshot,
) -> SettlementResult:
    return SettlementResult(
        match_id=match_id,
        outcome=outcome,
        revision=revision,
        scored=scored,
        result=actual,
        quotas=snapshot.quotas,
    )


def settle_pending(
    database: Database,
    clock: Clock,
    *,
    actor: str = "footcast",
    limit: int | None = None,
    concurrency: int = 2,
) -> list[SettlementResult]:
    """Settle every match that needs it, one transaction each; one failure never stops the rest.

    ``concurrency`` transactions run at once (threads, each with its own connection): while one
    waits for the database, another computes.
    """
    with database.transaction() as session:
        due = settlements.matches_due_for_settlement(session, limit=limit)
    if concurrency <= 1 or len(due) <= 1:
        return [_settle_one(database, clock, match_id, actor) for match_id in due]
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="settle") as pool:
        return list(pool.map(lambda match_id: _settle_one(database, clock, match_id, actor), due))


def _settle_one(database: Database, clock: Clock, match_id: int, actor: str) -> SettlementResult:
    try:
        with database.transaction() as session:
            return settle_match(session, clock, match_id, actor=actor)
    except Exception as exc:  # one match's failure, whatever it is, must not stop the rest
        with database.transaction() as session:
            ledger.record(
                session,
                stage=Stage.SETTLEMENT,
                key=f"settle:{match_id}",
                error=exc,
                now=clock.now(),
                match_id=match_id,
            )
        return SettlementResult(match_id=match_id, outcome=Outcome.FAILED, error=exc)


def settle(ctx: Context, match_id: int, *, last_attempt: bool = False) -> str:
    """Stage: settle a finished match (PIPELINE.md SETTLE-02 for one with no predictions).

    With no predictions but an analysis (so predictions can still come, from a retroactive
    backfill), it waits: ``NotReady`` makes the queue retry with backoff. On the last attempt,
    or with no analysis at all, it records a visible skip instead of a failure.
    """
    with ctx.database.transaction() as session:
        result = settle_match(session, ctx.clock, match_id, actor=ctx.actor)
        if result.outcome is not Outcome.NO_PREDICTIONS:
            stages.unskip(session, stage=Stage.SETTLEMENT, match_id=match_id)
            return f"{result.outcome} revision {result.revision} ({result.scored} scored)"
        match = matches.get_match(session, match_id)
        analysed = snapshots.latest_valid(session, match, lead=ctx.settings.windows.analysis_lead)
        if analysed is not None and not last_attempt:
            raise errors.NotReady(
                f"match {match_id} is finished but has no predictions yet; its analysis exists,"
                " so predictions can still come (retroactive backfill): waiting",
                match_id=match_id,
            )
        reason = (
            "no predictions after every attempt" if analysed else "no predictions and no analysis"
        )
        stages.skip(
            session, stage=Stage.SETTLEMENT, match_id=match_id, reason=reason, now=ctx.clock.now()
        )
        return f"skipped: {reason}"
