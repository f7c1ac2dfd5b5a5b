"""The owed (match, forecaster) rule, read by every consumer from one place (db/reads/owed.py)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from factories import NoFacts, World
from footcast.config import load_settings
from footcast.db.coordination import pauses
from footcast.db.reads import leaderboard, monitoring, owed
from footcast.db.tables import Match
from footcast.db.writes import forecasters as forecaster_rows
from footcast.db.writes import ledger
from footcast.pipeline import predict, settlement
from footcast.pipeline.context import Context, Forecasters


def test_a_human_forecaster_is_never_asked_and_never_a_gap(world: World) -> None:
    # issue 14, bug 3: a human made every match record a terminal "no implementation for
    # provider None" failure and counted as owed in health coverage
    with world.database.transaction() as session:
        forecaster_rows.upsert_forecaster(
            session, name="draw", kind="naive", provider="builtin", model_id="naive-draw-1-1",
            active_from=world.clock.now() - timedelta(days=1),
        )  # fmt: skip
    world.forecasters("alice", kind="human")
    match_id = world.match(kickoff=world.clock.now() + timedelta(minutes=20))
    world.analyse(match_id)
    ctx = Context(database=world.database, clock=world.clock, source=NoFacts(),
                  settings=load_settings({}), forecasters=Forecasters())  # fmt: skip

    assert predict.predict(ctx, match_id) == "1 written, 0 failed of 1 owing"

    now = world.clock.now()
    with world.database.transaction() as session:
        assert ledger.listing(session, everything=True) == []
        assert owed.missing_forecasters(session, match_id) == []
        covered = monitoring.coverage(
            session, start=now - timedelta(days=1), end=now + timedelta(1)
        )
    assert (covered.owed, covered.predicted, covered.ratio) == (1, 1, 1.0)


def test_a_humans_missing_prediction_scores_zero_on_the_leaderboard(world: World) -> None:
    world.forecasters("bot")
    world.forecasters("alice", "bob", kind="human")
    match_id = world.match(kickoff=world.clock.now() + timedelta(minutes=20))
    world.predict(match_id, "bot", "1:0")
    world.predict(match_id, "alice", "1:0")
    world.finish(match_id, "1:0")
    world.clock.advance(timedelta(hours=3))
    with world.database.transaction() as session:
        settlement.settle_match(session, world.clock, match_id, actor="test")
        rows = {r.forecaster: r for r in leaderboard.leaderboard(session)}
    assert (rows["bob"].points, rows["bob"].predicted, rows["bob"].settled) == (0, 0, 1)
    assert (rows["alice"].predicted, rows["alice"].settled) == (1, 1)
    assert rows["alice"].points > 0
    assert rows["bob"].coverage == 0.0


def test_pairs_follow_the_active_span_pauses_and_dead_matches(world: World) -> None:
    world.forecasters("early", "paused")
    now = world.clock.now()
    with world.database.transaction() as session:
        forecaster_rows.upsert_forecaster(
            session, name="late", kind="naive", active_from=now + timedelta(days=2)
        )
        paused = forecaster_rows.by_name(session, "paused").id
        pauses.pause(session, paused, at=now - timedelta(hours=1), reason="test", actor="test")
    kept = world.match(kickoff=now + timedelta(hours=1))
    dead = world.match(kickoff=now + timedelta(hours=1))
    with world.database.transaction() as session:
        session.execute(sa.update(Match).where(Match.id == dead).values(status="postponed"))
        pairs = session.execute(
            sa.select(owed.counted_pairs.c.match_id, owed.counted_pairs.c.forecaster)
        ).all()
    assert sorted(pairs) == [(kept, "early")]
