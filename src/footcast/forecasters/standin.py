"""A deterministic stand-in for an LLM forecaster, for benchmarks: no model, no history."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from footcast.domain import probabilistic
from footcast.domain.analysis import Need, Snapshot
from footcast.domain.forecast import Forecast

__all__ = ["StandInForecaster"]


class StandInForecaster:
    """Derives a score in 0..4 each and probabilities from sha256 of (name, match id) alone.

    The score's tendency always gets the largest probability. ``latency`` (seconds) makes each
    answer take that long, like a remote model; tests use it to kill a worker mid-job.
    """

    needs: frozenset[Need] = frozenset()

    def __init__(
        self, name: str, *, latency: float = 0.0, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.name = name
        self.latency = latency
        self.remote = latency > 0  # as slow as a remote model: asked beside the others
        self._sleep = sleep

    def predict(self, snapshot: Snapshot) -> Forecast:
        if self.latency:
            self._sleep(self.latency)
        digest = hashlib.sha256(f"{self.name}\x00{snapshot.match_id}".encode()).digest()
        home_goals, away_goals = digest[0] % 5, digest[1] % 5
        weights = [1.0 + digest[2] / 255, 0.6 + digest[3] / 255, 1.0 + digest[4] / 255]
        picked = 0 if home_goals > away_goals else 1 if home_goals == away_goals else 2
        weights[picked] += 1.5 + 0.25 * abs(home_goals - away_goals)
        total = weights[0] + weights[1] + weights[2]
        home, draw = weights[0] / total, weights[1] / total
        return Forecast(
            home_goals=home_goals,
            away_goals=away_goals,
            probabilities=probabilistic.Probabilities(
                home=home, draw=draw, away=max(1.0 - home - draw, 0.0)
            ),
        )
