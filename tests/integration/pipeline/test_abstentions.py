"""A forecaster without its input abstains (issue 15, item 3): the market without odds is not
asked, records why, and is neither owed, nor a failure, nor in coverage's denominator."""

from __future__ import annotations

from datetime import timedelta

from factories import NoFacts, World
from footcast.config import load_settings
from footcast.db.reads import browse, leaderboard, monitoring, owed
from footcast.db.tables import Match
from footcast.db.writes import forecasters as forecaster_rows
from footcast.db.writes import ledger, odds, snapshots
from footcast.domain.analysis import Odds, Snapshot
from footcast.pipeline import predict, settlement
from footcast.pipeline.context import Context


def _ready(world: World) -> tuple[Context, int]:
    """A match 20 minutes from kickoff with its analysis snapshot, the market and one naive
    forecaster, and a source that knows no odds."""
    now = world.clock.now()
    with world.database.transaction() as session:
        for name in ("market", "naive-draw-1-1"):
            forecaster_rows.upsert_forecaster(
                session, name=name, kind="market" if name == "market" else "naive",
                provider="builtin", model_id=name, active_from=now - timedelta(days=1),
            )  # fmt: skip
    match_id = world.match(kickoff=now + timedelta(minutes=20))
    with world.database.transaction() as session:
        match = session.get_one(Match, match_id)
        snapshots.save_snapshot(
            session,
            Snapshot(match_id=match_id, competition="TST", home="H", away="A",
                     kickoff=match.kickoff_at, as_of=now - timedelta(hours=40)),
            now=now,
        )  # fmt: skip
    ctx = Context(database=world.database, clock=world.clock, source=NoFacts(),
                  settings=load_settings({}))  # fmt: skip
    return ctx, match_id


def test_the_market_without_odds_abstains_and_owes_nothing(world: World) -> None:
    ctx, match_id = _ready(world)

    done = predict.predict(ctx, match_id)

    assert done == "1 written, 0 failed of 2 owing (1 abstained for want of their input)"
    now = world.clock.now()
    with world.database.transaction() as session:
        assert ledger.listing(session, everything=True) == []
        assert owed.missing_forecasters(session, match_id) == []
        covered = monitoring.coverage(
            session, start=now - timedelta(days=1), end=now + timedelta(1)
        )
        [row], total = browse.abstentions(session, match_id=match_id)
        by_forecaster = browse.abstentions(session, forecaster="market")
    assert (covered.owed, covered.predicted) == (1, 1)
    assert (row.forecaster, row.missing, total) == ("market", ("odds",), 1)
    assert row.reason.startswith("needs odds: none known at ")
    assert by_forecaster == ([row], 1)
    # asked again, nobody owes anything: no second abstention, no new snapshot
    assert predict.predict(ctx, match_id) == "0 written: nobody owes a prediction"

    world.finish(match_id, "1:1")
    world.clock.advance(timedelta(hours=3))
    with world.database.transaction() as session:
        settlement.settle_match(session, world.clock, match_id, actor="test")
        rows = {r.forecaster: r for r in leaderboard.leaderboard(session)}
    assert (rows["market"].predicted, rows["market"].settled, rows["market"].points) == (0, 0, 0)
    assert (rows["naive-draw-1-1"].predicted, rows["naive-draw-1-1"].settled) == (1, 1)


def test_the_market_with_odds_published_in_time_predicts(world: World) -> None:
    ctx, match_id = _ready(world)
    with world.database.transaction() as session:
        odds.save_many(
            session,
            [odds.Quote(match_id=match_id, kind="pre", published_at=world.clock.now(),
                        odds=Odds(home=2.1, draw=3.4, away=3.6, bookmaker="avg"))],
        )  # fmt: skip

    assert predict.predict(ctx, match_id) == "2 written, 0 failed of 2 owing"
    with world.database.transaction() as session:
        assert browse.abstentions(session, match_id=match_id) == ([], 0)
