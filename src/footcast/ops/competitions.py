"""Choosing a competition's scoring rule: one audited action for the CLI and the admin API."""

from __future__ import annotations

from dataclasses import dataclass

from footcast import errors
from footcast.clock import Clock
from footcast.db import Database
from footcast.db.writes import audit, competitions
from footcast.pipeline import settlement

__all__ = ["Merged", "RuleChange", "merge", "set_rule"]


@dataclass(frozen=True, kw_only=True)
class RuleChange:
    """What a rule change did: ``changed`` is False when the competition had the rule already."""

    code: str
    old_rule: str
    new_rule: str
    changed: bool
    resettled: tuple[settlement.SettlementResult, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Merged:
    """What merging competition ``gone`` into ``kept`` moved."""

    gone: str
    kept: str
    matches: tuple[int, ...]


def merge(database: Database, clock: Clock, *, gone: str, kept: str, actor: str) -> Merged:
    """Make competition ``gone`` part of ``kept`` (codes, canonical or a source's): its matches
    and seasons move, its code becomes an alias of ``kept``, so history and the next syncs of
    either code count for ``kept``. One transaction, one audit entry.

    Raises:
        NotFound: no such competition.
        Conflict: both are one competition, or their scoring rules differ.
    """
    with database.transaction() as session:
        source = competitions.lock_by_code(session, gone)
        target = competitions.lock_by_code(session, kept)
        moved = competitions.merge(session, source, target)
        audit.record(
            session,
            actor=actor,
            action="competition.merge",
            target=f"competition:{target.code}",
            now=clock.now(),
            details={"from": source.code, "into": target.code, "matches": list(moved)},
        )
    return Merged(gone=source.code, kept=target.code, matches=moved)


def set_rule(database: Database, clock: Clock, *, code: str, rule: str, actor: str) -> RuleChange:
    """Give competition ``code`` the scoring rule ``rule``, in one transaction.

    Matches not settled yet are settled under it when their time comes. Settled matches are
    settled again at once: their frozen predictions are frozen anew under the new rule and
    scored as a new revision ("rule quota-v1 → standard-v1"); the old snapshot and revision stay,
    superseded. The change is in the audit log; asking for the current rule changes nothing.

    Raises:
        NotFound: no such competition, or no such rule (the message names the known ones).
        NotSettleable: a settled match can no longer be settled (then nothing is changed).
    """
    with database.transaction() as session:
        found = competitions.lock_by_code(session, code)
        known = competitions.rule_names(session)
        if rule not in known:
            raise errors.NotFound(
                f"scoring rule {rule!r} does not exist; known rules: {', '.join(known)}",
                rule=rule,
            )
        if found.rule == rule:
            return RuleChange(code=code, old_rule=rule, new_rule=rule, changed=False)
        competitions.set_rule(session, found.id, rule)
        resettled = tuple(
            settlement.settle_match(session, clock, match_id, actor=actor, refreeze=True)
            for match_id in competitions.settled_match_ids(session, found.id)
        )
        audit.record(
            session,
            actor=actor,
            action="competition.rule",
            target=f"competition:{code}",
            now=clock.now(),
            details={
                "from": found.rule,
                "to": rule,
                "resettled": [r.match_id for r in resettled],
            },
        )
    return RuleChange(
        code=code, old_rule=found.rule, new_rule=rule, changed=True, resettled=resettled
    )
