"""Tests of footcast.forecasters.builtin: the registry, and every forecaster's output."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from footcast import errors
from footcast.domain import probabilistic
from footcast.domain.analysis import Odds, PastMatch, Snapshot
from footcast.domain.forecast import Forecast
from footcast.forecasters import builtin


def test_builtin_ids_and_kinds() -> None:
    assert {model_id: kind for model_id, (kind, _) in builtin.BUILTIN.items()} == {
        "market": "market",
        "dixon-coles": "statistical",
        "poisson": "statistical",
        "elo": "statistical",
        "naive-home-1-0": "naive",
        "naive-draw-1-1": "naive",
        "naive-base-rates": "naive",
    }


@pytest.mark.parametrize("model_id", sorted(builtin.BUILTIN))
def test_builtin_gives_a_fresh_forecaster_named_by_its_id(model_id: str) -> None:
    made = builtin.builtin(model_id)
    assert made.name == model_id
    assert builtin.builtin(model_id) is not made


def test_builtin_unknown_id_lists_the_known_ones() -> None:
    with pytest.raises(errors.NotFound, match="unknown built-in forecaster 'gpt'") as caught:
        builtin.builtin("gpt")
    for model_id in builtin.BUILTIN:
        assert model_id in caught.value.message


def test_standin_factory() -> None:
    assert builtin.standin("llm-x").name == "llm-x"


@pytest.mark.parametrize("model_id", [*sorted(builtin.BUILTIN), "standin"])
@pytest.mark.parametrize("history_size", [0, 5, 380])
def test_every_forecaster_gives_a_valid_forecast(
    model_id: str,
    history_size: int,
    league: tuple[PastMatch, ...],
    snapshot: Callable[..., Snapshot],
) -> None:
    forecaster = builtin.standin("llm") if model_id == "standin" else builtin.builtin(model_id)
    odds = Odds(home=2.4, draw=3.3, away=3.0)
    made = forecaster.predict(snapshot(league[:history_size], home="T03", away="T11", odds=odds))
    assert isinstance(made, Forecast)
    assert isinstance(made.probabilities, probabilistic.Probabilities)
    p = made.probabilities
    assert abs(p.home + p.draw + p.away - 1) <= 1e-9
