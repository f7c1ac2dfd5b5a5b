"""Choosing a competition's scoring rule: one audited action for the CLI and the admin API."""

from __future__ import annotations

from dataclasses import dataclass

from footcast.clock import Clock
from footcast.db import Database
from footcast.db.writes import audit, competitions, rescore, settlements, totals
from footcast.pipeline import settlement

__all__ = ["Merged", "RuleChange", "merge", "set_rule"]


@dataclass(frozen=True, kw_only=True)
class RuleChange:
    """What a rule change did (or, ``dry_run``, would do): ``changed`` is False when the
    competition had the rule already; ``resettled``: the settled matches given a new revision;
    ``changes``: each forecaster's points over them before and after."""

    code: str
    old_rule: str
    new_rule: str
    changed: bool
    dry_run: bool = False
    resettled: tuple[int, ...] = ()
    changes: tuple[rescore.Change, ...] = ()


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
        totals.rebuild(session)  # the kept totals are by competition: its matches moved
        audit.record(
            session,
            actor=actor,
            action="competition.merge",
            target=f"competition:{target.code}",
            now=clock.now(),
            details={"from": source.code, "into": target.code, "matches": list(moved)},
        )
    return Merged(gone=source.code, kept=target.code, matches=moved)


def set_rule(
    database: Database,
    clock: Clock,
    *,
    code: str,
    rule: str,
    actor: str,
    dry_run: bool = False,
) -> RuleChange:
    """Give competition ``code`` the scoring rule ``rule``, in one transaction (``dry_run``:
    say what it would change, and change nothing).

    Matches not settled yet are settled under it when their time comes. Settled matches are
    settled again at once, set-based (``db.writes.rescore``, a few statements whatever the
    competition's size): their frozen predictions are frozen anew under the new rule and scored
    as a new revision ("rule quota-v1 → standard-v1"); the old snapshot and revision stay,
    superseded. A prediction stored since a match was settled is then scored by the settlement
    service. The change is in the audit log; asking for the current rule changes nothing.

    Raises:
        NotFound: no such competition, or no such rule (the message names the known ones).
    """
    with database.transaction() as session:
        found = competitions.lock_by_code(session, code)
        new = competitions.rule(session, rule)
        if found.rule == rule:
            return RuleChange(
                code=found.code, old_rule=rule, new_rule=rule, changed=False, dry_run=dry_run
            )
        resettled = tuple(competitions.settled_match_ids(session, found.id))
        if dry_run:
            return RuleChange(
                code=found.code, old_rule=found.rule, new_rule=rule, changed=True,
                dry_run=True, resettled=resettled,
                changes=tuple(rescore.totals(session, found.id, new)),
            )  # fmt: skip
        competitions.set_rule(session, found.id, rule)
        changes = tuple(rescore.apply(session, found.id, new, now=clock.now(), actor=actor).changes)
        for match_id in settlements.matches_due_for_settlement(session, competition_id=found.id):
            settlement.settle_match(session, clock, match_id, actor=actor)
        audit.record(
            session,
            actor=actor,
            action="competition.rule",
            target=f"competition:{found.code}",
            now=clock.now(),
            details={"from": found.rule, "to": rule, "resettled": list(resettled)},
        )
    return RuleChange(
        code=found.code, old_rule=found.rule, new_rule=rule, changed=True,
        resettled=resettled, changes=changes,
    )  # fmt: skip
