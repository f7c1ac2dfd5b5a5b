"""The crowd as a reference row (issue 16, item 5): the consensus forecaster is made from the
competitors' on-time predictions stored by its own moment, once the others have answered or a
little before the deadline at the latest; it is settled and shown beside the competitors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from factories import NoFacts, World
from footcast.config import load_settings
from footcast.db.reads import browse, leaderboard, owed
from footcast.db.tables import Prediction, SettlementScore
from footcast.db.writes import forecasters as forecaster_rows
from footcast.pipeline import consensus, settlement
from footcast.pipeline.context import Context
from footcast.pipeline.reconcile import plan
from season_checks import consensus_problems, recomputed_points


def _arena(world: World, *competitors: str) -> Context:
    """``competitors`` (statistical, so owed by the pipeline), a reference market, a human who
    is owed nothing, an LLM whose training data ends after the matches (contaminated), and the
    consensus."""
    now = world.clock.now()
    world.forecasters(*competitors, kind="statistical")
    world.forecasters("late-human", kind="human")
    with world.database.transaction() as session:
        forecaster_rows.upsert_forecaster(
            session, name="market", kind="market", active_from=now - timedelta(days=1),
            reference=True,
        )  # fmt: skip
        forecaster_rows.upsert_forecaster(
            session, name="seer", kind="llm", active_from=now - timedelta(days=1),
            knowledge_cutoff=date(2030, 1, 1),
        )  # fmt: skip
        forecaster_rows.upsert_forecaster(
            session, name=consensus.NAME, kind="consensus", active_from=now - timedelta(days=1),
            provider="builtin", model_id=consensus.NAME, reference=True,
        )  # fmt: skip
    return Context(database=world.database, clock=world.clock, source=NoFacts(),
                   settings=load_settings({}))  # fmt: skip


def _planned(ctx: Context, *, retroactive: bool = False) -> set[tuple[str, int]]:
    """The predictions and consensus units the reconciler would queue now."""
    units = plan(ctx, now=ctx.clock.now(), retroactive=retroactive).units
    return {(u.stage, u.match_id) for u in units if u.stage in ("predictions", "consensus")}


def _consensus_of(world: World, match_id: int) -> Prediction | None:
    with world.database.transaction() as session:
        return session.execute(
            sa.select(Prediction).where(
                Prediction.match_id == match_id,
                Prediction.forecaster_id == forecaster_rows.by_name(session, consensus.NAME).id,
            )
        ).scalar_one_or_none()


def test_the_consensus_is_made_of_what_was_stored_by_its_moment_and_scored_as_a_reference_row(
    world: World,
) -> None:
    ctx = _arena(world, "alpha", "beta", "gamma")
    match_id = world.match(kickoff=world.clock.now() + timedelta(minutes=20))
    world.analyse(match_id)
    assert _planned(ctx) == {("predictions", match_id)}  # the others owe: no consensus yet

    world.predict(match_id, "alpha", "2:1", probabilities=(0.5, 0.3, 0.2))
    world.predict(match_id, "beta", "2:1", probabilities=(0.6, 0.2, 0.2))
    world.predict(match_id, "gamma", "1:1")  # a score without probabilities
    world.predict(match_id, "market", "0:0", probabilities=(0.2, 0.6, 0.2))  # a reference row
    assert ("consensus", match_id) not in _planned(ctx)  # the LLM still owes
    world.predict(match_id, "seer", "0:3", probabilities=(0.1, 0.1, 0.8))  # contaminated
    # every other owed pair is resolved: the consensus is due, and the predictions stage is not
    assert _planned(ctx) == {("consensus", match_id)}

    world.clock.advance(timedelta(minutes=1))
    assert consensus.make(ctx, match_id) == "1 written from 3 prediction(s): 2:1"

    # a prediction stored later, still on time (a human, owed nothing), is not in it
    world.clock.advance(timedelta(minutes=5))
    world.predict(match_id, "late-human", "0:1", probabilities=(0.0, 0.0, 1.0))
    assert consensus.make(ctx, match_id) == "0 written: no consensus is owed"
    assert ("consensus", match_id) not in _planned(ctx)
    made = _consensus_of(world, match_id)
    assert made is not None
    assert (made.home_goals, made.away_goals, made.retroactive) == (2, 1, False)
    assert (made.p_home, made.p_draw, made.p_away) == pytest.approx((0.55, 0.25, 0.2), abs=1e-12)
    assert consensus_problems(world.database) == []  # the independent recomputation agrees

    world.clock.advance(timedelta(hours=3))
    world.finish(match_id, "2:1")
    with world.database.transaction() as session:
        settlement.settle_match(session, world.clock, match_id, actor="test")
        scored = session.execute(
            sa.select(SettlementScore).where(SettlementScore.prediction_id == made.id)
        ).scalar_one()
        rows = leaderboard.leaderboard(session)
    assert (scored.exact_hit, scored.points) == (True, recomputed_points(world.database)[made.id])
    assert scored.rps is not None
    board = {row.forecaster: row for row in rows}
    row = board[consensus.NAME]
    assert (row.reference, row.kind, row.predicted, row.settled) == (True, "consensus", 1, 1)
    assert row.points == scored.points
    ranked = dict(zip([r.forecaster for r in rows], leaderboard.ranks(rows), strict=True))
    assert ranked[consensus.NAME] is None  # shown beside the competitors, not numbered
    assert ranked["alpha"] is not None


def test_the_consensus_waits_for_a_missing_answer_only_until_its_lead_before_the_deadline(
    world: World,
) -> None:
    ctx = _arena(world, "alpha", "beta")
    kickoff = world.clock.now() + timedelta(minutes=25)
    match_id = world.match(kickoff=kickoff)
    world.predict(match_id, "alpha", "1:0", probabilities=(0.5, 0.3, 0.2))
    world.predict(match_id, "seer", "3:3")
    lead = ctx.settings.windows.consensus_lead

    world.clock.set(kickoff - lead - timedelta(seconds=1))
    assert ("consensus", match_id) not in _planned(ctx)  # beta still owes: wait for it
    world.clock.set(kickoff - lead)
    assert ("consensus", match_id) in _planned(ctx)  # no longer

    assert consensus.make(ctx, match_id) == "1 written from 1 prediction(s): 1:0"
    world.clock.advance(timedelta(seconds=30))
    world.predict(match_id, "beta", "0:2", probabilities=(0.1, 0.2, 0.7))  # on time, too late
    made = _consensus_of(world, match_id)
    assert made is not None
    assert (made.home_goals, made.away_goals, made.retroactive) == (1, 0, False)
    assert made.p_home == pytest.approx(0.5, abs=1e-12)
    with world.database.transaction() as session:
        # the market never answered either: it holds nobody up past the consensus lead
        assert [who.name for who in owed.missing_forecasters(session, match_id)] == ["market"]

    # past the deadline nothing is planned, and a stray job makes nothing on time
    other = world.match(kickoff=world.clock.now() + timedelta(minutes=1))
    world.clock.advance(timedelta(minutes=1))
    assert ("consensus", other) not in _planned(ctx)
    assert consensus.make(ctx, other).startswith("skipped: the deadline has passed")
    assert _consensus_of(world, other) is None


def test_a_retroactive_consensus_combines_only_what_was_on_time_and_abstains_on_nothing(
    world: World,
) -> None:
    ctx = _arena(world, "alpha", "beta")
    start = world.clock.now()
    some = world.match(kickoff=start + timedelta(minutes=10))
    none = world.match(kickoff=start + timedelta(minutes=10))
    world.predict(some, "alpha", "2:2", probabilities=(0.3, 0.4, 0.3))
    world.clock.advance(timedelta(minutes=11))  # past both deadlines; nobody made a consensus
    world.predict(some, "beta", "0:1", probabilities=(0.2, 0.2, 0.6))  # retroactive
    world.predict(none, "alpha", "3:0", probabilities=(0.8, 0.1, 0.1))  # retroactive
    assert _planned(ctx) == set()  # only a retroactive backfill asks for it now
    assert {("consensus", some), ("consensus", none)} <= _planned(ctx, retroactive=True)

    assert consensus.make(ctx, some, retroactive=True) == "1 written from 1 prediction(s): 2:2"
    assert consensus.make(ctx, none, retroactive=True) == (
        "abstained: no competitor predicted on time (1 owing)"
    )

    made = _consensus_of(world, some)
    assert made is not None
    assert (made.home_goals, made.away_goals, made.retroactive) == (2, 2, True)
    assert made.p_away == pytest.approx(0.3, abs=1e-12)
    assert _consensus_of(world, none) is None
    with world.database.transaction() as session:
        [abstained], _ = browse.abstentions(session, match_id=none)
        owing = {who.name for who in owed.missing_forecasters(session, none)}
    assert consensus.NAME not in owing  # an abstention is not owed
    assert owing == {"beta", "seer", "market"}  # the others' gaps wait for their own backfill
    assert (abstained.forecaster, abstained.missing) == (consensus.NAME, ("predictions",))
    deadline = (start + timedelta(minutes=10)).isoformat()
    assert abstained.reason == (
        f"needs predictions: no competitor's on-time prediction stored by {deadline}"
    )
    assert consensus.make(ctx, none, retroactive=True) == "0 written: no consensus is owed"
