"""Matches as operator actions: record a final score, settle one match or every pending one,
audited."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from footcast.clock import Clock
from footcast.db import Database
from footcast.db.writes import audit, matches
from footcast.domain import scoring
from footcast.pipeline import settlement

__all__ = ["Result", "Settled", "set_result", "settle", "settle_pending"]


@dataclass(frozen=True, kw_only=True)
class Result:
    match_id: int
    score: scoring.Score


@dataclass(frozen=True, kw_only=True)
class Settled:
    results: tuple[settlement.SettlementResult, ...]

    @property
    def failed(self) -> bool:
        return any(r.outcome is settlement.Outcome.FAILED for r in self.results)


def set_result(
    database: Database, clock: Clock, match_id: int, *, score: scoring.Score, actor: str
) -> Result:
    """Record a match's final 90-minute score (a correction overwrites; settle afterwards).

    Raises:
        NotFound: no such match.
    """
    now = clock.now()
    with database.transaction() as session:
        matches.record_result(session, match_id, home=score.home, away=score.away, now=now)
        audit.record(session, actor=actor, action="match.result", target=f"match:{match_id}",
                     now=now, details={"score": str(score)})  # fmt: skip
    return Result(match_id=match_id, score=score)


def settle(database: Database, clock: Clock, match_id: int, *, actor: str) -> Settled:
    """Settle one match (nothing is audited when it can not be settled).

    Raises:
        NotFound: no such match.
        NotSettleable: the match is not finished or has no 90-minute score.
    """
    with database.transaction() as session:
        result = settlement.settle_match(session, clock, match_id, actor=actor)
    return _audited(database, clock, (result,), actor=actor, target=f"match:{match_id}")


def settle_pending(database: Database, clock: Clock, *, actor: str) -> Settled:
    """Settle every match that needs it; one match's failure is recorded, never stops the rest."""
    results = settlement.settle_pending(database, clock, actor=actor)
    return _audited(database, clock, tuple(results), actor=actor, target="pending")


def _audited(
    database: Database,
    clock: Clock,
    results: tuple[settlement.SettlementResult, ...],
    *,
    actor: str,
    target: str,
) -> Settled:
    with database.transaction() as session:
        audit.record(session, actor=actor, action="settle", target=target, now=clock.now(),
                     details=dict(Counter(r.outcome.value for r in results)))  # fmt: skip
    return Settled(results=results)
