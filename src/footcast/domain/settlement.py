"""Settlement as pure functions: which predictions form the frozen set, and what each one earns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from footcast.domain import probabilistic, scoring

__all__ = ["Basis", "Frozen", "PredictionFacts", "PredictionScore", "freeze", "score"]


class Basis(StrEnum):
    """What the frozen set was made of (SCORING.md §3)."""

    ON_TIME = "on_time"
    RETROACTIVE = "retroactive"


@dataclass(frozen=True, kw_only=True)
class PredictionFacts:
    """A stored prediction, as settlement sees it."""

    id: int
    forecaster_id: int
    score: scoring.Score
    probabilities: probabilistic.Probabilities | None
    retroactive: bool


@dataclass(frozen=True, kw_only=True)
class Frozen:
    """The frozen set of a match and the quotas it gives."""

    prediction_ids: tuple[int, ...]
    counts: scoring.TendencyCounts
    quotas: scoring.Quotas | None
    basis: Basis


@dataclass(frozen=True, kw_only=True)
class PredictionScore:
    """What one prediction earned against one final score."""

    prediction_id: int
    forecaster_id: int
    retroactive: bool
    points: int
    tendency_hit: bool
    goal_difference_hit: bool
    exact_hit: bool
    goal_error: int
    rps: float | None
    brier: float | None
    log_loss: float | None


def freeze(rule: scoring.Rule, predictions: Sequence[PredictionFacts]) -> Frozen | None:
    """The frozen set: every on-time prediction, or every prediction when none was on time.

    Returns None when there is nothing to freeze (no predictions at all).
    """
    members = [p for p in predictions if not p.retroactive]
    basis = Basis.ON_TIME
    if not members:
        members, basis = list(predictions), Basis.RETROACTIVE
    if not members:
        return None
    counts = scoring.TendencyCounts.from_scores(p.score for p in members)
    return Frozen(
        prediction_ids=tuple(sorted(p.id for p in members)),
        counts=counts,
        quotas=rule.quotas(counts),
        basis=basis,
    )


def score(
    rule: scoring.Rule,
    quotas: scoring.Quotas | None,
    prediction: PredictionFacts,
    actual: scoring.Score,
) -> PredictionScore:
    """Points, hits and probabilistic scores of ``prediction`` for the result ``actual``."""
    predicted = prediction.score
    outcome = actual.tendency
    probabilities = prediction.probabilities
    return PredictionScore(
        prediction_id=prediction.id,
        forecaster_id=prediction.forecaster_id,
        retroactive=prediction.retroactive,
        points=rule.points(predicted, actual, quotas),
        tendency_hit=predicted.tendency == outcome,
        goal_difference_hit=predicted.goal_difference == actual.goal_difference,
        exact_hit=predicted == actual,
        goal_error=abs(predicted.home - actual.home) + abs(predicted.away - actual.away),
        rps=None if probabilities is None else probabilistic.rps(probabilities, outcome),
        brier=None if probabilities is None else probabilistic.brier(probabilities, outcome),
        log_loss=None if probabilities is None else probabilistic.log_loss(probabilities, outcome),
    )
