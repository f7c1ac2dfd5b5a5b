"""The built-in forecasters by model id, and the LLM stand-in for benchmarks."""

from __future__ import annotations

from collections.abc import Callable

from footcast import errors
from footcast.domain.names import ForecasterKind
from footcast.forecasters import elo, market, naive, poisson
from footcast.forecasters import standin as standin_module
from footcast.forecasters.base import Forecaster

__all__ = ["BUILTIN", "builtin", "standin"]

BUILTIN: dict[str, tuple[ForecasterKind, Callable[[], Forecaster]]] = {
    "market": (ForecasterKind.MARKET, market.MarketForecaster),
    "dixon-coles": (ForecasterKind.STATISTICAL, poisson.DixonColesForecaster),
    "poisson": (ForecasterKind.STATISTICAL, poisson.PoissonForecaster),
    "elo": (ForecasterKind.STATISTICAL, elo.EloForecaster),
    "naive-home-1-0": (ForecasterKind.NAIVE, naive.HomeWinForecaster),
    "naive-draw-1-1": (ForecasterKind.NAIVE, naive.DrawForecaster),
    "naive-base-rates": (ForecasterKind.NAIVE, naive.BaseRatesForecaster),
}


def builtin(model_id: str) -> Forecaster:
    """A new instance of the built-in forecaster ``model_id``.

    Raises:
        errors.NotFound: ``model_id`` is not a built-in forecaster.
    """
    entry = BUILTIN.get(model_id)
    if entry is None:
        known = ", ".join(sorted(BUILTIN))
        raise errors.NotFound(
            f"unknown built-in forecaster {model_id!r}; known: {known}", model_id=model_id
        )
    return entry[1]()


def standin(name: str, *, latency: float = 0.0) -> Forecaster:
    """A deterministic LLM stand-in called ``name``, answering after ``latency`` seconds."""
    return standin_module.StandInForecaster(name, latency=latency)
