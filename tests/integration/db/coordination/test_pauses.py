"""Pauses and health: a paused forecaster owes nothing while paused, and every change is kept."""

from __future__ import annotations

from datetime import timedelta

from factories import World
from footcast.db.coordination import pauses
from footcast.db.reads import owed
from footcast.db.writes import forecasters


def _owing(world: World, match_id: int) -> list[str]:
    with world.database.transaction() as session:
        return [f.name for f in owed.missing_forecasters(session, match_id)]


def _id(world: World, name: str) -> int:
    with world.database.transaction() as session:
        return forecasters.by_name(session, name).id


def test_a_paused_forecaster_owes_nothing_whose_deadline_falls_in_the_pause(world: World) -> None:
    world.forecasters("alice", "bob")
    now = world.clock.now()
    during = world.match(kickoff=now + timedelta(hours=2))
    after = world.match(kickoff=now + timedelta(days=2))
    with world.database.transaction() as session:
        assert pauses.pause(session, _id(world, "bob"), at=now, reason="too slow", actor="ops")
        assert not pauses.pause(session, _id(world, "bob"), at=now, reason="again", actor="ops")
    assert _owing(world, during) == ["alice"]
    assert _owing(world, after) == ["alice"]

    with world.database.transaction() as session:
        assert pauses.resume(session, _id(world, "bob"), at=now + timedelta(days=1),
                             actor="ops", reason="fixed")  # fmt: skip
        assert not pauses.resume(session, _id(world, "bob"), at=now, actor="ops", reason="x")
    assert _owing(world, during) == ["alice"]  # its deadline fell inside the pause
    assert _owing(world, after) == ["alice", "bob"]
    with world.database.transaction() as session:
        (kept,) = pauses.spans(session, forecaster="bob")
    assert (kept.reason, kept.actor, kept.resumed_by, kept.resume_reason) == (
        "too slow", "ops", "ops", "fixed",
    )  # fmt: skip
    assert kept.until == now + timedelta(days=1)


def test_failures_in_a_row_pause_for_health_and_a_success_resets_the_count(world: World) -> None:
    world.forecasters("flaky")
    flaky = _id(world, "flaky")
    now = world.clock.now()
    hour = timedelta(hours=1)
    with world.database.transaction() as session:
        for n in range(2):
            assert not pauses.failed(session, flaky, at=now, error=f"e{n}", threshold=3,
                                     probe_after=hour)  # fmt: skip
        pauses.succeeded(session, [flaky], at=now)
        outcomes = [
            pauses.failed(session, flaky, at=now, error=f"timeout {n}", threshold=3,
                          probe_after=hour)
            for n in range(3)
        ]  # fmt: skip
        assert outcomes == [False, False, True]
        assert pauses.due_probes(session, now=now) == []
        assert pauses.due_probes(session, now=now + hour) == [(flaky, "flaky", 0)]
        pauses.probe_failed(session, flaky, next_probe=now + 3 * hour)
        assert pauses.due_probes(session, now=now + hour) == []
        (pause,) = pauses.spans(session)
    assert pause.actor == pauses.HEALTH
    assert pause.reason == "3 failures in a row; last: timeout 2"
    assert pause.probes == 1


def test_a_timed_pause_ends_by_itself_with_nothing_run_at_its_end(world: World) -> None:
    # the end is part of the rule of who owes what: no job has to close the pause on time
    world.forecasters("alice", "bob")
    now = world.clock.now()
    end = now + timedelta(hours=6)
    before = world.match(kickoff=now + timedelta(hours=3))  # deadline inside the pause
    after = world.match(kickoff=now + timedelta(hours=9))  # deadline past its end
    with world.database.transaction() as session:
        pauses.pause_until(session, _id(world, "bob"), at=now, until=end, reason="x", actor="ops")
    assert _owing(world, before) == ["alice"]
    assert _owing(world, after) == ["alice", "bob"]
    with world.database.transaction() as session:
        (running,) = pauses.current(session, at=now)
        assert (running.forecaster, running.until, running.timed) == ("bob", end, True)
        assert pauses.current(session, at=end - timedelta(seconds=1)) == [running]
        assert pauses.current(session, at=end) == []  # over: nobody closed it
        assert pauses.open_pause(session, _id(world, "bob")) is None  # not a disable


def test_ending_a_timed_pause_early_keeps_its_span_and_frees_the_deadlines_after(
    world: World,
) -> None:
    world.forecasters("bob")
    now = world.clock.now()
    later = world.match(kickoff=now + timedelta(hours=5))
    bob = _id(world, "bob")
    with world.database.transaction() as session:
        pauses.pause_until(
            session, bob, at=now, until=now + timedelta(hours=8), reason="x", actor="ops"
        )
        # an open pause too (its health's): open ones come first, and end_timed leaves it
        pauses.pause(session, bob, at=now, reason="health", actor=pauses.HEALTH)
        assert [p.timed for p in pauses.current(session, at=now)] == [False, True]
        at = now + timedelta(hours=1)
        ended = pauses.end_timed(session, bob, at=at, actor="ann", reason="back")
        assert ended is not None
        assert ended.until == now + timedelta(hours=8)  # as it was planned
        assert pauses.end_timed(session, bob, at=at, actor="ann", reason="again") is None
        pauses.resume(session, bob, at=at, actor="ann", reason="back")
    assert _owing(world, later) == ["bob"]
    with world.database.transaction() as session:
        timed = next(p for p in pauses.spans(session, forecaster="bob") if p.reason == "x")
    assert (timed.until, timed.resumed_by, timed.resume_reason) == (at, "ann", "back")
