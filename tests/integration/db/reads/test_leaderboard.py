"""Leaderboard coverage: a pause of one forecaster never changes another's count."""

from __future__ import annotations

from datetime import timedelta

from factories import World
from footcast.db.coordination import pauses
from footcast.db.reads import leaderboard
from footcast.db.writes import forecasters
from footcast.pipeline import settlement


def test_a_pause_lowers_only_the_paused_forecasters_settled_count(world: World) -> None:
    world.forecasters("alice", "bob", "carol")
    now = world.clock.now()
    played = [world.match(kickoff=now + timedelta(hours=h)) for h in (1, 5, 9)]
    with world.database.transaction() as session:
        bob = forecasters.by_name(session, "bob").id
        pauses.pause(session, bob, at=now + timedelta(hours=4), reason="slow", actor="ops")
        pauses.resume(session, bob, at=now + timedelta(hours=6), actor="ops", reason="ok")
    for match_id in played:
        world.predict(match_id, "alice", "1:0")
    world.clock.advance(timedelta(hours=12))
    for match_id in played:
        world.finish(match_id, "1:0")
        with world.database.transaction() as session:
            settlement.settle_match(session, world.clock, match_id)
    with world.database.transaction() as session:
        rows = {r.forecaster: r for r in leaderboard.leaderboard(session)}
    assert {name: (r.predicted, r.settled) for name, r in rows.items()} == {
        "alice": (3, 3),
        "bob": (0, 2),  # the middle match's deadline fell in bob's pause
        "carol": (0, 3),
    }
