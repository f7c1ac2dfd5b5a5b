"""LLM cost per model and season, from the tokens and USD stored with each prediction."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from factories import World
from footcast.db.reads import costs
from footcast.db.writes import forecasters
from footcast.db.writes import predictions as prediction_rows
from footcast.domain.forecast import Forecast, Trace


def _answer(world: World, match_id: int, model: str, tokens: tuple[int, int], usd: str) -> None:
    trace = Trace(prompt="q", response="a", prompt_tokens=tokens[0], completion_tokens=tokens[1],
                  cost_usd=Decimal(usd))  # fmt: skip
    with world.database.transaction() as session:
        forecaster_id = forecasters.by_name(session, model).id
        prediction_rows.save_many(
            session, match_id=match_id, created_at=world.clock.now(), analysis_snapshot_id=None,
            forecasts={forecaster_id: Forecast(home_goals=1, away_goals=0, trace=trace)},
        )  # fmt: skip


def test_cost_is_summed_per_model_and_averaged_per_match(world: World) -> None:
    world.forecasters("gpt-a", "gpt-b", kind="llm")
    world.forecasters("market")
    now = world.clock.now()
    first, second = (world.match(kickoff=now + timedelta(hours=h)) for h in (2, 3))
    _answer(world, first, "gpt-a", (1000, 50), "0.001")
    _answer(world, second, "gpt-a", (1200, 70), "0.002")
    _answer(world, first, "gpt-b", (900, 40), "0.0005")
    world.predict(first, "market", "2:1")  # no LLM: not on the bill
    with world.database.transaction() as session:
        rows = {row.model: row for row in costs.by_model(session)}
    assert set(rows) == {"gpt-a", "gpt-b"}
    a = rows["gpt-a"]
    assert (a.matches, a.prompt_tokens, a.completion_tokens, a.cost_usd) == (
        2, 2200, 120, Decimal("0.003"),
    )  # fmt: skip
    assert a.per_match == (1100.0, 60.0, Decimal("0.0015"))
    with world.database.transaction() as session:
        assert costs.by_model(session, season="1999-00") == []
