"""Setting a result and settling: the effect and its audit entry, written by ops."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from factories import World
from footcast import errors
from footcast.db.writes import matches as match_rows
from footcast.domain import scoring
from footcast.ops import matches
from footcast.pipeline.settlement import Outcome

AuditLog = Callable[[], list[tuple[object, ...]]]


def _played(world: World) -> int:
    world.forecasters("alice", "bob")
    match_id = world.match(kickoff=world.clock.now() + timedelta(hours=1))
    world.predict(match_id, "alice", "2:1")
    world.predict(match_id, "bob", "0:0")
    world.clock.advance(timedelta(hours=3))
    return match_id


def test_set_result_finishes_the_match_and_audits_it(world: World, audit_log: AuditLog) -> None:
    match_id = world.match()
    done = matches.set_result(
        world.database, world.clock, match_id, score=scoring.Score(home=2, away=1), actor="cli:ann"
    )
    with world.database.transaction() as session:
        match = match_rows.get_match(session, match_id)
    assert (match.status, match.home_goals, match.away_goals) == ("finished", 2, 1)
    assert done.score == scoring.Score(home=2, away=1)
    assert audit_log() == [("cli:ann", "match.result", f"match:{match_id}", {"score": "2:1"})]


def test_set_result_of_an_unknown_match_is_not_found_and_not_audited(
    world: World, audit_log: AuditLog
) -> None:
    with pytest.raises(errors.NotFound):
        matches.set_result(
            world.database, world.clock, 999, score=scoring.Score(home=1, away=0), actor="ann"
        )
    assert audit_log() == []


def test_settle_one_match_scores_it_and_audits_it(world: World, audit_log: AuditLog) -> None:
    match_id = _played(world)
    world.finish(match_id, "2:1")
    done = matches.settle(world.database, world.clock, match_id, actor="cli:ann")
    assert [(r.match_id, r.outcome, r.scored) for r in done.results] == [
        (match_id, Outcome.SETTLED, 2)
    ]
    assert not done.failed
    assert audit_log() == [("cli:ann", "settle", f"match:{match_id}", {"settled": 1})]


def test_settle_an_unfinished_match_is_refused_and_not_audited(
    world: World, audit_log: AuditLog
) -> None:
    match_id = _played(world)
    with pytest.raises(errors.NotSettleable):
        matches.settle(world.database, world.clock, match_id, actor="cli:ann")
    assert audit_log() == []


def test_settle_pending_settles_every_due_match_and_audits_once(
    world: World, audit_log: AuditLog
) -> None:
    match_id = _played(world)
    world.finish(match_id, "0:0")
    first = matches.settle_pending(world.database, world.clock, actor="admin")
    second = matches.settle_pending(world.database, world.clock, actor="admin")
    assert [r.outcome for r in first.results] == [Outcome.SETTLED]
    assert second.results == ()
    assert audit_log() == [
        ("admin", "settle", "pending", {"settled": 1}),
        ("admin", "settle", "pending", {}),
    ]
