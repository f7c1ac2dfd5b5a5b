"""Adding, disabling and enabling forecasters: the effect and its audit entry, written by ops."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from factories import World
from footcast import errors
from footcast.db.coordination import pauses
from footcast.db.writes import forecasters as forecaster_rows
from footcast.ops import forecasters

AuditLog = Callable[[], list[tuple[object, ...]]]


def test_add_stores_the_forecaster_and_audits_it(world: World, audit_log: AuditLog) -> None:
    added = forecasters.add(
        world.database, "carol", kind="human", actor="cli:ann", now=world.clock.now()
    )
    with world.database.transaction() as session:
        row = forecaster_rows.by_name(session, "carol")
    assert (row.id, row.kind, row.active_from) == (added.forecaster_id, "human", world.clock.now())
    assert audit_log() == [("cli:ann", "forecaster.add", "carol", {"kind": "human"})]


def test_disable_and_enable_pause_and_resume_and_audit_only_changes(
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


@pytest.mark.parametrize("toggle", [forecasters.disable, forecasters.enable])
def test_an_unknown_forecaster_is_not_found_and_nothing_is_audited(
    world: World, audit_log: AuditLog, toggle: Callable[..., object]
) -> None:
    with pytest.raises(errors.NotFound, match="'nobody' does not exist"):
        toggle(world.database, "nobody", actor="admin", now=world.clock.now())
    assert audit_log() == []
