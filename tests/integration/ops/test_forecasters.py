"""Adding forecasters, pausing them for a time and resuming them, disabling and enabling them: the
effect and its audit entry, written by ops."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from factories import World
from footcast import errors
from footcast.db.coordination import pauses
from footcast.db.writes import forecasters as forecaster_rows
from footcast.ops import forecasters

AuditLog = Callable[[], list[tuple[str, str, str | None, dict[str, Any]]]]


def test_add_stores_the_forecaster_and_audits_it(world: World, audit_log: AuditLog) -> None:
    added = forecasters.add(
        world.database, "carol", kind="human", actor="cli:ann", now=world.clock.now()
    )
    with world.database.transaction() as session:
        row = forecaster_rows.by_name(session, "carol")
    assert (row.id, row.kind, row.active_from) == (added.forecaster_id, "human", world.clock.now())
    assert audit_log() == [("cli:ann", "forecaster.add", "carol", {"kind": "human"})]


def test_disable_and_enable_open_and_close_a_pause_and_audit_only_changes(
    world: World, audit_log: AuditLog
) -> None:
    world.forecasters("alice")
    now = world.clock.now()
    off = forecasters.disable(world.database, "alice", actor="admin", now=now, reason="slow")
    again = forecasters.disable(world.database, "alice", actor="admin", now=now)
    with world.database.transaction() as session:
        paused = pauses.open_pause(session, forecaster_rows.by_name(session, "alice").id)
    assert (off.paused, off.changed, again.changed) == (True, True, False)
    assert paused is not None
    assert (paused.actor, paused.reason) == ("admin", "slow")

    on = forecasters.enable(world.database, "alice", actor="cli:ann", now=now)
    not_paused = forecasters.enable(world.database, "alice", actor="cli:ann", now=now)
    assert (on.paused, on.changed, on.paused_by) == (False, True, "admin")
    assert (not_paused.changed, not_paused.paused_by) == (False, None)
    assert audit_log() == [
        ("admin", "forecaster.disable", "alice", {"reason": "slow"}),
        ("cli:ann", "forecaster.enable", "alice", {"reason": "enabled by an operator"}),
    ]


def _state(world: World, name: str) -> list[tuple[str, bool]]:
    """(actor, timed) of each pause of ``name`` in effect now, an open one first."""
    with world.database.transaction() as session:
        found = pauses.current(
            session, at=world.clock.now(), forecaster_id=forecaster_rows.by_name(session, name).id
        )
    return [(p.actor, p.timed) for p in found]


def test_a_pause_ends_by_itself_and_resume_ends_it_early(world: World, audit_log: AuditLog) -> None:
    world.forecasters("alice")
    now = world.clock.now()
    end = now + timedelta(hours=4)
    done = forecasters.pause(world.database, "alice", until=end, actor="ann", now=now,
                             reason="provider incident")  # fmt: skip
    same = forecasters.pause(world.database, "alice", until=end, actor="ann", now=now)
    assert (done.paused, done.changed, done.until, same.changed) == (True, True, end, False)
    assert _state(world, "alice") == [("ann", True)]
    world.clock.advance(timedelta(hours=4))
    assert _state(world, "alice") == []  # over, with nothing run
    assert forecasters.resume(world.database, "alice", actor="ann", now=world.clock.now()) == (
        forecasters.Toggled(name="alice", paused=False, changed=False)
    )

    forecasters.pause(world.database, "alice", until=end + timedelta(hours=4), actor="ann",
                      now=world.clock.now())  # fmt: skip
    early = forecasters.resume(world.database, "alice", actor="bob", now=world.clock.now(),
                               reason="fixed")  # fmt: skip
    assert (early.changed, early.paused_by, early.until) == (True, "ann", end + timedelta(hours=4))
    assert _state(world, "alice") == []
    assert [(action, details.get("until")) for _, action, _, details in audit_log()] == [
        ("forecaster.pause", end.isoformat()),
        ("forecaster.pause", (end + timedelta(hours=4)).isoformat()),
        ("forecaster.resume", (end + timedelta(hours=4)).isoformat()),
    ]
    assert audit_log()[0][3]["reason"] == "provider incident"
    assert audit_log()[2][3]["reason"] == "fixed"


def test_pausing_again_moves_the_end_and_keeps_both_spans(
    world: World, audit_log: AuditLog
) -> None:
    world.forecasters("alice")
    now = world.clock.now()
    forecasters.pause(world.database, "alice", until=now + timedelta(hours=2), actor="ann", now=now)
    world.clock.advance(timedelta(hours=1))
    later = world.clock.now()
    forecasters.pause(world.database, "alice", until=later + timedelta(hours=5), actor="bob",
                      now=later)  # fmt: skip
    with world.database.transaction() as session:
        spans = pauses.spans(session, forecaster="alice")
    assert [(p.actor, p.since, p.until, p.resumed_by) for p in spans] == [
        ("bob", later, later + timedelta(hours=5), None),
        ("ann", now, later, "bob"),
    ]
    assert audit_log()[-1][3]["replaced_until"] == (now + timedelta(hours=2)).isoformat()


def test_disable_takes_over_a_pause_and_enable_lifts_every_pause(
    world: World, audit_log: AuditLog
) -> None:
    world.forecasters("alice", "bob")
    now = world.clock.now()
    forecasters.pause(world.database, "alice", until=now + timedelta(hours=2), actor="ann", now=now)
    forecasters.disable(world.database, "alice", actor="ann", now=now)
    assert _state(world, "alice") == [("ann", False)]  # the timed pause ended there
    world.clock.advance(timedelta(hours=3))
    assert _state(world, "alice") == [("ann", False)]  # a disable does not end by itself
    with pytest.raises(errors.Conflict, match=r"alice is disabled .*enable it first"):
        forecasters.pause(world.database, "alice", until=world.clock.now() + timedelta(hours=1),
                          actor="ann", now=world.clock.now())  # fmt: skip
    with pytest.raises(errors.Conflict, match="not paused for a time: enable it"):
        forecasters.resume(world.database, "alice", actor="ann", now=world.clock.now())
    assert forecasters.enable(world.database, "alice", actor="ann", now=world.clock.now()).changed
    assert _state(world, "alice") == []

    # enable also ends a timed pause (it means: predict again now)
    forecasters.pause(world.database, "bob", until=world.clock.now() + timedelta(hours=2),
                      actor="ann", now=world.clock.now())  # fmt: skip
    lifted = forecasters.enable(world.database, "bob", actor="cli:ann", now=world.clock.now())
    assert (lifted.changed, lifted.paused_by) == (True, "ann")
    assert _state(world, "bob") == []
    actions = [action for _, action, _, _ in audit_log()]
    assert actions == ["forecaster.pause", "forecaster.disable", "forecaster.enable",
                       "forecaster.pause", "forecaster.enable"]  # fmt: skip
    assert audit_log()[1][3]["ended_pause_until"] == (now + timedelta(hours=2)).isoformat()


@pytest.mark.parametrize(
    ("hours", "problem"),
    [(0, "must end after now"), (-1, "must end after now"), (24 * 91, "at most 90 days")],
)
def test_a_pause_must_end_in_the_next_90_days(
    world: World, audit_log: AuditLog, hours: int, problem: str
) -> None:
    world.forecasters("alice")
    now = world.clock.now()
    with pytest.raises(errors.InvalidInput, match=problem):
        forecasters.pause(world.database, "alice", until=now + timedelta(hours=hours),
                          actor="ann", now=now)  # fmt: skip
    assert _state(world, "alice") == []
    assert audit_log() == []


@pytest.mark.parametrize("toggle", [forecasters.disable, forecasters.enable, forecasters.resume])
def test_an_unknown_forecaster_is_not_found_and_nothing_is_audited(
    world: World, audit_log: AuditLog, toggle: Callable[..., object]
) -> None:
    with pytest.raises(errors.NotFound, match="'nobody' does not exist"):
        toggle(world.database, "nobody", actor="admin", now=world.clock.now())
    assert audit_log() == []
