"""Leaderboard coverage: a pause of one forecaster never changes another's count; contaminated
predictions count only on their own table."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from factories import World
from footcast.db.coordination import pauses
from footcast.db.reads import contamination, leaderboard
from footcast.db.tables import Competition, CompetitionAlias
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


def test_contaminated_predictions_leave_the_table_for_their_own(world: World) -> None:
    """An LLM's prediction of a match played before its knowledge cutoff, or (cutoff unknown) a
    retroactive one, is contaminated: off the live table, on the contaminated one."""
    now = world.clock.now()
    world.forecasters("stats")
    world.forecasters("old-llm", "new-llm", "unknown-llm", kind="llm")
    with world.database.transaction() as session:
        for name, cutoff in (("old-llm", now.date() - timedelta(days=30)),
                             ("new-llm", now.date() + timedelta(days=30))):  # fmt: skip
            forecasters.upsert_forecaster(
                session, name=name, kind="llm", active_from=now - timedelta(days=365),
                knowledge_cutoff=cutoff,
            )  # fmt: skip
    early, late = (world.match(kickoff=now + timedelta(hours=h)) for h in (1, 3))
    for name in ("stats", "old-llm", "new-llm", "unknown-llm"):
        world.predict(early, name, "1:0")
    world.clock.advance(timedelta(hours=4))  # past both deadlines: retroactive from here
    world.predict(late, "unknown-llm", "2:0")
    world.predict(late, "old-llm", "2:0")
    for match_id in (early, late):
        world.finish(match_id, "1:0" if match_id == early else "2:0")
        with world.database.transaction() as session:
            settlement.settle_match(session, world.clock, match_id)
    with world.database.transaction() as session:
        live = {r.forecaster: r.predicted for r in leaderboard.leaderboard(session)}
        everything = {
            r.forecaster: r.predicted
            for r in leaderboard.leaderboard(session, include_retroactive=True)
        }
        tainted = {
            r.forecaster: r.predicted for r in leaderboard.leaderboard(session, contaminated=True)
        }
        flagged = contamination.count(session)
    # old-llm's data ends before both matches: its retroactive prediction is honest; new-llm's
    # ends after them: it may have read the result; unknown-llm's retroactive one is suspect
    assert live == {"stats": 1, "old-llm": 1, "new-llm": 0, "unknown-llm": 1}
    assert everything == {"stats": 1, "old-llm": 2, "new-llm": 0, "unknown-llm": 1}
    assert tainted == {"stats": 0, "old-llm": 0, "new-llm": 1, "unknown-llm": 1}
    assert flagged == 2


def test_filters_by_competition_code_or_alias_and_by_season(world: World) -> None:
    world.forecasters("alice")
    now = world.clock.now()
    games = {
        (code, label): world.match(kickoff=now + timedelta(hours=1), competition=code, season=label)
        for code, label in (("AAA", "2020-21"), ("AAA", "2021-22"), ("BBB", "2020-21"))
    }
    for match_id in games.values():
        world.predict(match_id, "alice", "1:0")
    world.clock.advance(timedelta(hours=4))
    for match_id in games.values():
        world.finish(match_id, "1:0")
        with world.database.transaction() as session:
            settlement.settle_match(session, world.clock, match_id)
    with world.database.transaction() as session:
        aaa = session.execute(sa.select(Competition.id).where(Competition.code == "AAA")).scalar()
        session.add(CompetitionAlias(source="other", code="A1", competition_id=aaa))  # its code

    def settled(**filters: str) -> int:
        with world.database.transaction() as session:
            (row,) = leaderboard.leaderboard(session, **filters)  # type: ignore[arg-type]
        assert row.predicted == row.settled
        return row.settled

    assert settled() == 3
    assert settled(competition="AAA") == settled(competition="A1") == 2
    assert settled(season="2020-21") == 2
    assert settled(competition="A1", season="2021-22") == 1
    assert settled(competition="nope") == 0
