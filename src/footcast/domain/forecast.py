"""A forecaster's output for one match: an exact score and, optionally, outcome probabilities."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from footcast import errors
from footcast.domain import probabilistic, scoring

__all__ = ["MAX_GOALS", "Forecast", "Trace", "parse_score"]

MAX_GOALS = 20

_SCORE_PATTERN = re.compile(r"\s*(\d{1,9})\s*[:-]\s*(\d{1,9})\s*", re.ASCII)


def _check_goals(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.InvalidForecast(f"{name}={value!r} is not an integer", **{name: value})
    if not 0 <= value <= MAX_GOALS:
        raise errors.InvalidForecast(f"{name}={value!r} is outside 0..{MAX_GOALS}", **{name: value})


@dataclass(frozen=True, kw_only=True)
class Trace:
    """How a forecast was obtained from a model: kept with the prediction for audit and cost."""

    prompt: str
    response: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_ms: int | None = None
    cost_usd: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class Forecast:
    """One exact score per match, with outcome probabilities when the forecaster gives them.

    Raises:
        errors.InvalidForecast: a goal count is not an integer in 0..20.
    """

    home_goals: int
    away_goals: int
    probabilities: probabilistic.Probabilities | None = None
    trace: Trace | None = None

    def __post_init__(self) -> None:
        _check_goals("home_goals", self.home_goals)
        _check_goals("away_goals", self.away_goals)
        if self.probabilities is not None and not isinstance(
            self.probabilities, probabilistic.Probabilities
        ):
            raise errors.InvalidForecast(
                f"probabilities={self.probabilities!r} is not a Probabilities or None"
            )

    @property
    def score(self) -> scoring.Score:
        return scoring.Score(home=self.home_goals, away=self.away_goals)


def parse_score(text: str) -> scoring.Score:
    """Parse ``"2:1"``, ``"2-1"`` or ``" 2 : 1 "`` into a score.

    Only the syntax is checked here; ``Forecast`` enforces 0..MAX_GOALS.

    Raises:
        errors.InvalidForecast: ``text`` is not two non-negative integers joined by ``:`` or ``-``.
    """
    match = _SCORE_PATTERN.fullmatch(text)
    if match is None:
        raise errors.InvalidForecast(
            f"score {text!r} is not of the form 'home:away' or 'home-away' (e.g. '2:1')",
            text=text,
        )
    return scoring.Score(home=int(match.group(1)), away=int(match.group(2)))
