"""Settlement against a real PostgreSQL: freezing, scoring, revisions and idempotency."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from factories import World
from footcast import errors
from footcast.db import Database
from footcast.db.tables import Match, QuotaSnapshot, Settlement, SettlementScore
from footcast.db.writes import ledger
from footcast.domain import scoring
from footcast.pipeline import settlement
from footcast.pipeline.settlement import Outcome


def _settle(world: World, match_id: int) -> settlement.SettlementResult:
    with world.database.transaction() as session:
        return settlement.settle_match(session, world.clock, match_id)


def _points(database: Database, match_id: int) -> dict[str, int]:
    """Current points per forecaster name, read straight from the tables."""
    from footcast.db.tables import Forecaster

    with database.transaction() as session:
        rows = session.execute(
            sa.select(Forecaster.name, SettlementScore.points)
            .join(Settlement, Settlement.id == SettlementScore.settlement_id)
            .join(Forecaster, Forecaster.id == SettlementScore.forecaster_id)
            .where(Settlement.match_id == match_id, Settlement.superseded_at.is_(None))
        )
        return {name: points for name, points in rows}


def _table_counts(database: Database) -> tuple[int, int, int]:
    with database.transaction() as session:
        return (
            session.scalar(sa.select(sa.func.count()).select_from(QuotaSnapshot)) or 0,
            session.scalar(sa.select(sa.func.count()).select_from(Settlement)) or 0,
            session.scalar(sa.select(sa.func.count()).select_from(SettlementScore)) or 0,
        )


def _scenario(world: World, picks: list[str]) -> int:
    match_id = world.match()
    names = world.forecasters(*(f"f{i}" for i in range(len(picks))))
    for name, pick in zip(names, picks, strict=True):
        world.predict(match_id, name, pick)
    world.clock.advance(timedelta(hours=4))
    return match_id


def test_settle_match_scores_the_worked_example(world: World) -> None:
    # 6 home, 3 draw, 1 away of 10 -> quotas 2-3-6 (SCORING.md §2)
    picks = ["2:1", "1:0", "3:1", "2:0", "1:0", "3:2", "1:1", "0:0", "2:2", "0:1"]
    match_id = _scenario(world, picks)
    world.finish(match_id, "1:0")

    result = _settle(world, match_id)

    assert result.outcome is Outcome.SETTLED
    assert result.revision == 1
    assert result.scored == 10
    assert result.quotas == scoring.Quotas(home=2, draw=3, away=6)
    points = _points(world.database, match_id)
    # 1:0 exact = 2+1+3; 2:1 and 3:2 right difference = 3; 3:1, 2:0 tendency = 2; others 0
    assert points == {
        "f0": 3, "f1": 6, "f2": 2, "f3": 2, "f4": 6, "f5": 3,
        "f6": 0, "f7": 0, "f8": 0, "f9": 0,
    }  # fmt: skip


def test_settle_match_twice_changes_nothing(world: World) -> None:
    match_id = _scenario(world, ["1:0", "1:1", "0:2"])
    world.finish(match_id, "0:1")
    _settle(world, match_id)
    before = (_table_counts(world.database), _points(world.database, match_id))

    again = _settle(world, match_id)

    assert again.outcome is Outcome.UNCHANGED
    assert (_table_counts(world.database), _points(world.database, match_id)) == before


def test_settle_match_scores_late_predictions_against_the_frozen_snapshot(world: World) -> None:
    match_id = _scenario(world, ["1:0", "2:0", "1:1"])  # H 2, D 1, A 0 -> quotas 2-3-6
    world.finish(match_id, "0:1")
    first = _settle(world, match_id)
    assert first.quotas == scoring.Quotas(home=2, draw=3, away=6)

    # two late models pick away: had they counted, quota A would drop from 6 to 3
    late = world.forecasters("late-a", "late-b")
    assert world.predict(match_id, late[0], "0:1").retroactive
    assert world.predict(match_id, late[1], "1:2").retroactive

    second = _settle(world, match_id)

    assert second.outcome is Outcome.EXTENDED
    assert second.scored == 2
    assert second.quotas == first.quotas
    points = _points(world.database, match_id)
    assert points["late-a"] == 6 + 1 + 3
    assert points["late-b"] == 6 + 1
    with world.database.transaction() as session:
        snapshot = session.execute(sa.select(QuotaSnapshot)).scalar_one()
        assert (snapshot.n, snapshot.t_home, snapshot.t_draw, snapshot.t_away) == (3, 2, 1, 0)
        assert snapshot.basis == "on_time"


def test_settle_match_corrected_score_adds_a_revision_and_keeps_the_old(world: World) -> None:
    match_id = _scenario(world, ["1:0", "1:1", "0:1"])
    world.finish(match_id, "1:0")
    _settle(world, match_id)  # 1/1/1 of 3: every quota is 3
    assert _points(world.database, match_id)["f0"] == 3 + 1 + 3

    world.finish(match_id, "1:1")  # the provider corrected the score
    result = _settle(world, match_id)

    assert result.outcome is Outcome.RESETTLED
    assert result.revision == 2
    assert _points(world.database, match_id) == {"f0": 0, "f1": 7, "f2": 0}
    with world.database.transaction() as session:
        revisions = session.execute(
            sa.select(Settlement.revision, Settlement.superseded_at.is_not(None), Settlement.reason)
            .where(Settlement.match_id == match_id)
            .order_by(Settlement.revision)
        ).all()
        snapshots = session.scalar(sa.select(sa.func.count()).select_from(QuotaSnapshot))
    assert [(r[0], r[1]) for r in revisions] == [(1, True), (2, False)]
    assert revisions[1][2] == "score corrected 1:0 → 1:1"
    assert snapshots == 1


def test_settle_match_without_final_score_is_refused_and_stores_nothing(world: World) -> None:
    match_id = _scenario(world, ["1:0"])

    with pytest.raises(errors.NotSettleable, match=rf"match {match_id} can not be settled"):
        _settle(world, match_id)

    assert _table_counts(world.database) == (0, 0, 0)


def test_settle_match_unknown_match_is_not_found(world: World) -> None:
    with pytest.raises(errors.NotFound, match="match 4242 does not exist"):
        _settle(world, 4242)


def test_settle_match_with_no_predictions_freezes_nothing(world: World) -> None:
    match_id = world.match()
    world.clock.advance(timedelta(hours=4))
    world.finish(match_id, "2:2")

    result = _settle(world, match_id)

    assert result.outcome is Outcome.NO_PREDICTIONS
    assert _table_counts(world.database) == (0, 0, 0)


def test_settle_match_only_retroactive_predictions_freeze_a_retroactive_basis(
    world: World,
) -> None:
    match_id = world.match()
    names = world.forecasters("a", "b")
    world.clock.advance(timedelta(hours=4))
    world.finish(match_id, "2:0")
    world.predict(match_id, names[0], "2:0")
    world.predict(match_id, names[1], "0:0")

    result = _settle(world, match_id)

    assert result.quotas == scoring.Quotas(home=3, draw=3, away=6)  # N 2: T 1 -> 6*2/10-0.6+2
    with world.database.transaction() as session:
        snapshot = session.execute(sa.select(QuotaSnapshot)).scalar_one()
    assert snapshot.basis == "retroactive"
    assert _points(world.database, match_id) == {"a": 3 + 1 + 3, "b": 0}


def test_settle_match_standard_rule(world: World) -> None:
    match_id = world.match(competition="STD", rule="standard-v1")
    names = world.forecasters("exact", "diff", "tendency", "wrong")
    for name, pick in zip(names, ["2:1", "3:2", "3:0", "0:0"], strict=True):
        world.predict(match_id, name, pick)
    world.clock.advance(timedelta(hours=4))
    world.finish(match_id, "2:1")

    _settle(world, match_id)

    assert _points(world.database, match_id) == {"exact": 4, "diff": 3, "tendency": 2, "wrong": 0}


def test_settle_match_stores_probabilistic_scores(world: World) -> None:
    match_id = world.match()
    (name,) = world.forecasters("probs")
    world.predict(match_id, name, "1:0", probabilities=(0.5, 0.3, 0.2))
    world.clock.advance(timedelta(hours=4))
    world.finish(match_id, "1:0")

    _settle(world, match_id)

    with world.database.transaction() as session:
        row = session.execute(sa.select(SettlementScore)).scalar_one()
    assert row.rps == pytest.approx(0.5 * (0.5**2 + 0.2**2))
    assert row.brier == pytest.approx(0.25 + 0.09 + 0.04)
    assert row.exact_hit
    assert row.tendency_hit
    assert row.goal_error == 0


def test_settle_pending_settles_due_matches_and_isolates_failures(world: World) -> None:
    done = _scenario(world, ["1:0", "0:0"])
    world.finish(done, "1:0")
    other = world.match(kickoff=world.clock.now() - timedelta(hours=3))
    world.finish(other, "0:0")  # finished, but nobody predicted it: not due
    pending = world.match(kickoff=world.clock.now() - timedelta(hours=3))

    results = settlement.settle_pending(world.database, world.clock)

    assert [(r.match_id, r.outcome) for r in results] == [(done, Outcome.SETTLED)]
    assert settlement.settle_pending(world.database, world.clock) == []
    with world.database.transaction() as session:
        settled_at = session.scalar(sa.select(Match.settled_at).where(Match.id == pending))
    assert settled_at is None


def test_settle_pending_records_a_failing_match_and_settles_the_rest(world: World) -> None:
    with world.database.transaction() as session:
        session.execute(
            sa.text(
                "INSERT INTO scoring_rules (name, kind, params)"
                """ VALUES ('broken', 'quota', '{"minimum": 9, "maximum": 2}')"""
            )
        )
    good = _scenario(world, ["1:0"])
    world.finish(good, "1:0")
    past = world.clock.now() - timedelta(hours=3)
    bad = world.match(competition="BAD", rule="broken", kickoff=past)
    (name,) = world.forecasters("late")
    world.predict(bad, name, "2:2")
    world.finish(bad, "2:2")

    results = {r.match_id: r for r in settlement.settle_pending(world.database, world.clock)}

    assert results[good].outcome is Outcome.SETTLED
    assert results[bad].outcome is Outcome.FAILED
    with world.database.transaction() as session:
        (failure,) = ledger.open_failures(session, stage="settlement")
        assert (failure.key, failure.match_id, failure.attempts) == (f"settle:{bad}", bad, 1)
        assert "broken" in failure.message
        assert "Traceback" in (failure.traceback or "")
    settlement.settle_pending(world.database, world.clock)
    with world.database.transaction() as session:
        (failure,) = ledger.open_failures(session, stage="settlement")
        assert failure.attempts == 2
