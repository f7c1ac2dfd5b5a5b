"""The per-match points the leaderboard's statistics resample: a fixed sample of a large
window, and contaminated predictions only on their own table."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from factories import World
from footcast.db.reads import points
from footcast.pipeline import settlement


def as_pairs(scored: points.Scored) -> set[tuple[str, int]]:
    return {(p.forecaster, p.match_id) for p in scored.points}


def _settle(world: World, match_ids: list[int], score: str = "1:0") -> None:
    for match_id in match_ids:
        world.finish(match_id, score)
        with world.database.transaction() as session:
            settlement.settle_match(session, world.clock, match_id)


def test_a_large_window_is_sampled_the_same_way_on_every_read(world: World) -> None:
    world.forecasters("alice", "bob")
    now = world.clock.now()
    played = [world.match(kickoff=now + timedelta(hours=h)) for h in range(1, 8)]
    for match_id in played:
        world.predict(match_id, "alice", "1:0")
        world.predict(match_id, "bob", "0:0")
    world.clock.advance(timedelta(hours=10))
    _settle(world, played[:6])
    with world.database.transaction() as session:
        whole = points.match_points(session)
        first = points.match_points(session, sample=3)
        again = points.match_points(session, sample=3)
    assert (whole.matches, whole.sampled, len(whole.points)) == (6, 6, 12)
    assert (first.matches, first.sampled) == (6, 3)
    drawn = {p.match_id for p in first.points}
    assert len(drawn) == 3
    assert len(first.points) == 6  # both forecasters on each drawn match
    assert drawn == set(
        sorted(played[:6], key=lambda m: hashlib.md5(str(m).encode()).hexdigest())[:3]
    )
    assert again == first
    _settle(world, played[6:])  # one more settled match moves the sample by one match at most
    with world.database.transaction() as session:
        later = points.match_points(session, sample=3)
    assert later.matches == 7
    assert len(drawn - {p.match_id for p in later.points}) <= 1


def test_contaminated_predictions_are_resampled_only_on_their_own_table(world: World) -> None:
    world.forecasters("stats")
    world.forecasters("unknown-llm", kind="llm")  # no knowledge cutoff: retroactive is suspect
    now = world.clock.now()
    early, late = (world.match(kickoff=now + timedelta(hours=h)) for h in (1, 3))
    world.predict(early, "stats", "1:0")
    world.predict(early, "unknown-llm", "1:0")
    world.clock.advance(timedelta(hours=4))
    world.predict(late, "unknown-llm", "2:0")  # retroactive
    _settle(world, [early, late])
    with world.database.transaction() as session:
        live = points.match_points(session)
        everything = points.match_points(session, include_retroactive=True)
        tainted = points.match_points(session, contaminated=True)
    assert as_pairs(live) == {("stats", early), ("unknown-llm", early)}
    assert as_pairs(everything) == as_pairs(live)  # the retroactive one is contaminated
    assert as_pairs(tainted) == {("unknown-llm", late)}
