"""What an operator sees: forecasters' pauses and health, providers' circuits, stalled jobs,
the audit log."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from factories import World
from footcast.db.coordination import pauses
from footcast.db.reads import operators
from footcast.db.tables import ProviderCircuit
from footcast.db.writes import audit
from footcast.db.writes import forecasters as forecaster_rows


def test_models_show_their_pause_and_next_probe(world: World) -> None:
    world.forecasters("alice", "gpt")
    now = world.clock.now()
    with world.database.transaction() as session:
        gpt = forecaster_rows.by_name(session, "gpt")
        pauses.pause(
            session, gpt.id, at=now, reason="5 failures", actor=pauses.HEALTH,
            probe_at=now + timedelta(minutes=30),
        )  # fmt: skip
    with world.database.transaction() as session:
        found = {m.name: m for m in operators.models(session, now=now)}
    assert not found["alice"].paused
    assert (found["gpt"].paused_by, found["gpt"].next_probe) == (
        pauses.HEALTH,
        now + timedelta(minutes=30),
    )


def test_models_show_a_timed_pause_until_it_ends_and_a_disable_before_it(world: World) -> None:
    world.forecasters("alice")
    now = world.clock.now()
    end = now + timedelta(hours=2)
    with world.database.transaction() as session:
        alice = forecaster_rows.by_name(session, "alice").id
        pauses.pause_until(session, alice, at=now, until=end, reason="incident", actor="ann")

    def alice_at(moment: datetime) -> operators.ModelHealth:
        with world.database.transaction() as session:
            return next(m for m in operators.models(session, now=moment) if m.name == "alice")

    found = alice_at(now)
    assert (found.paused, found.paused_until, found.pause_reason) == (True, end, "incident")
    assert not alice_at(end).paused  # over by itself
    with world.database.transaction() as session:  # its health's pause, during the timed one
        pauses.pause(session, alice, at=now, reason="5 failures", actor=pauses.HEALTH)
    found = alice_at(now + timedelta(hours=1))
    assert (found.paused_by, found.paused_until) == (pauses.HEALTH, None)  # the open one first


def test_circuits_are_open_waiting_or_closed(world: World) -> None:
    with world.database.transaction() as session:
        later = sa.func.clock_timestamp() + timedelta(minutes=5)
        session.add_all(
            [
                ProviderCircuit(scope="llm:a", consecutive_failures=9, open_until=later),
                ProviderCircuit(scope="llm:b", consecutive_failures=0, wait_until=later),
                ProviderCircuit(scope="llm:c", consecutive_failures=1),
            ]
        )
    with world.database.transaction() as session:
        states = {c.provider: c.state for c in operators.circuits(session)}
    assert states == {"a": "open", "b": "waiting", "c": "closed"}


def test_a_running_job_without_a_live_worker_is_stalled(world: World) -> None:
    with world.database.transaction() as session:
        session.execute(
            sa.text(
                "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, args, status)"
                " VALUES ('q', 'settle', 'settle:1', '{}', 'doing')"
            )
        )
    with world.database.transaction() as session:
        found = operators.queue(session, now=world.clock.now(), stalled_after=timedelta(seconds=6))
    assert (found.running, found.stalled) == (1, 1)


def test_the_audit_log_pages_back(world: World) -> None:
    with world.database.transaction() as session:
        for n in range(5):
            audit.record(session, actor="me", action=f"a{n}", now=world.clock.now())
    with world.database.transaction() as session:
        first = operators.audit_log(session, limit=2)
        then = operators.audit_log(session, limit=2, before=first[-1].id)
    assert [e.action for e in first + then] == ["a4", "a3", "a2", "a1"]
