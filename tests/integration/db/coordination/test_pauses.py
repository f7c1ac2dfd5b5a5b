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
