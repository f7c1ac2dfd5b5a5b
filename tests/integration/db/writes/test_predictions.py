"""The database keeps predictions honest: it derives `retroactive`, locks them at the deadline."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from factories import World
from footcast import errors
from footcast.db import engine
from footcast.db.tables import Prediction
from footcast.domain import forecast
from footcast.pipeline import predictions


def _stored(world: World, prediction_id: int) -> tuple[int, int, bool]:
    with world.database.transaction() as session:
        row = session.get_one(Prediction, prediction_id)
        return row.home_goals, row.away_goals, row.retroactive


def _replace(world: World, match_id: int, name: str, *, home: int, away: int) -> None:
    with world.database.transaction() as session:
        predictions.record_prediction(
            session,
            world.clock,
            match_id=match_id,
            forecaster=name,
            prediction=forecast.Forecast(home_goals=home, away_goals=away),
            replace=True,
        )


def test_prediction_replace_before_deadline_is_allowed(world: World) -> None:
    match_id = world.match()
    (name,) = world.forecasters("a")
    first = world.predict(match_id, name, "1:0")
    _replace(world, match_id, name, home=2, away=2)
    assert _stored(world, first.prediction_id) == (2, 2, False)


def test_prediction_after_deadline_can_not_be_updated_through_footcast(world: World) -> None:
    match_id = world.match()
    (name,) = world.forecasters("a")
    recorded = world.predict(match_id, name, "1:0")
    world.clock.advance(timedelta(hours=3))  # past kickoff = deadline

    with pytest.raises(errors.PredictionLocked, match="is locked: its deadline"):
        _replace(world, match_id, name, home=3, away=0)
    assert _stored(world, recorded.prediction_id) == (1, 0, False)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE predictions SET home_goals = 5 WHERE id = :id",
        "UPDATE predictions SET created_at = created_at - interval '1 day' WHERE id = :id",
        "DELETE FROM predictions WHERE id = :id",
    ],
    ids=["update-score", "backdate", "delete"],
)
def test_prediction_after_deadline_is_locked_for_raw_sql(world: World, statement: str) -> None:
    # the deadline is in 2025 by the simulated clock, so the server's own now() is past it too
    match_id = world.match()
    (name,) = world.forecasters("a")
    recorded = world.predict(match_id, name, "1:0")

    with world.database.engine.begin() as connection, pytest.raises(sa_exc.DBAPIError) as caught:
        connection.execute(sa.text(statement), {"id": recorded.prediction_id})

    assert getattr(caught.value.orig, "sqlstate", None) == "FC001"
    assert _stored(world, recorded.prediction_id) == (1, 0, False)


def test_prediction_lock_follows_the_injected_clock(world: World) -> None:
    match_id = world.match()
    (name,) = world.forecasters("a")
    recorded = world.predict(match_id, name, "1:0")
    with world.database.transaction() as session:
        engine.use_clock(session, world.clock.now())  # before the deadline: allowed
        session.execute(
            sa.update(Prediction)
            .where(Prediction.id == recorded.prediction_id)
            .values(home_goals=4)
        )
    assert _stored(world, recorded.prediction_id) == (4, 0, False)


def test_prediction_retroactive_is_derived_by_the_database(world: World) -> None:
    match_id = world.match()
    names = world.forecasters("honest", "liar")
    world.clock.advance(timedelta(hours=3))
    late = world.predict(match_id, names[0], "1:0")
    assert late.retroactive
    with world.database.transaction() as session:
        lying = session.execute(
            sa.insert(Prediction)
            .values(
                match_id=match_id,
                forecaster_id=sa.select(
                    sa.text("id FROM forecasters WHERE name = 'liar'")
                ).scalar_subquery(),
                home_goals=0,
                away_goals=0,
                created_at=world.clock.now(),
                retroactive=False,
            )
            .returning(Prediction.id)
        ).scalar_one()
    assert _stored(world, lying) == (0, 0, True)


@pytest.mark.parametrize(
    ("home", "away", "probs"),
    [(21, 0, None), (-1, 0, None), (1, 0, (0.5, 0.3, 0.1)), (1, 0, (1.2, -0.1, -0.1))],
    ids=["goals-21", "goals-negative", "probs-sum", "probs-range"],
)
def test_prediction_constraints_refuse_invalid_rows(
    world: World, home: int, away: int, probs: tuple[float, float, float] | None
) -> None:
    match_id = world.match()
    (name,) = world.forecasters("a")
    p = probs or (None, None, None)
    with world.database.engine.begin() as connection, pytest.raises(sa_exc.IntegrityError):
        connection.execute(
            sa.text(
                "INSERT INTO predictions (match_id, forecaster_id, home_goals, away_goals,"
                " p_home, p_draw, p_away, created_at)"
                " SELECT :m, id, :h, :a, :ph, :pd, :pa, now() FROM forecasters WHERE name = :n"
            ),
            {"m": match_id, "n": name, "h": home, "a": away, "ph": p[0], "pd": p[1], "pa": p[2]},
        )


def test_prediction_unknown_forecaster_names_it_and_stores_nothing(world: World) -> None:
    match_id = world.match()
    world.forecasters("known")
    with pytest.raises(
        errors.NotFound, match=r"forecaster 'ghost' does not exist \(known: known\)"
    ):
        world.predict(match_id, "ghost", "1:0")
    with world.database.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Prediction)) == 0


def test_prediction_twice_keeps_the_first(world: World) -> None:
    match_id = world.match()
    (name,) = world.forecasters("a")
    first = world.predict(match_id, name, "1:0")
    second = world.predict(match_id, name, "0:3")
    assert (second.prediction_id, second.written) == (first.prediction_id, False)
    assert _stored(world, first.prediction_id) == (1, 0, False)
