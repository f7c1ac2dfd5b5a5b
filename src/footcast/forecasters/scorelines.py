"""Score matrices from Poisson means, and what forecasters read off them."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy import optimize  # type: ignore[import-untyped]

from footcast.domain import probabilistic
from footcast.domain.forecast import Forecast

__all__ = [
    "GOALS",
    "MAX_MEAN",
    "MIN_MEAN",
    "forecast_from_outcomes",
    "outcome_probabilities",
    "pick_score",
    "poisson_means_from_probabilities",
    "poisson_pmf",
    "probabilities",
    "score_matrix",
]

GOALS = 10
MIN_MEAN = 0.05
MAX_MEAN = 6.0

_K = np.arange(GOALS + 1, dtype=np.float64)
_LOG_FACTORIAL = np.array([math.lgamma(k + 1.0) for k in range(GOALS + 1)], dtype=np.float64)
_EPSILON = 1e-9


def poisson_pmf(mean: float) -> npt.NDArray[np.float64]:
    """P(X = k) for k in 0..GOALS, X ~ Poisson(mean)."""
    return np.exp(_K * math.log(mean) - mean - _LOG_FACTORIAL)


def score_matrix(
    home_mean: float, away_mean: float, *, rho: float = 0.0
) -> npt.NDArray[np.float64]:
    """P(home scores i, away scores j) for i, j in 0..GOALS, normalised to sum to 1.

    ``rho`` is the Dixon-Coles correction of 0:0, 1:0, 0:1 and 1:1 (0 means independent goals).
    """
    matrix = np.outer(poisson_pmf(home_mean), poisson_pmf(away_mean))
    if rho:
        matrix[0, 0] *= max(1.0 - home_mean * away_mean * rho, 0.0)
        matrix[0, 1] *= max(1.0 + home_mean * rho, 0.0)
        matrix[1, 0] *= max(1.0 + away_mean * rho, 0.0)
        matrix[1, 1] *= max(1.0 - rho, 0.0)
    result: npt.NDArray[np.float64] = matrix / matrix.sum()
    return result


def _split(matrix: npt.NDArray[np.float64]) -> tuple[float, float, float]:
    home = float(np.tril(matrix, -1).sum())
    draw = float(np.trace(matrix))
    away = float(np.triu(matrix, 1).sum())
    return home, draw, away


def probabilities(home: float, draw: float, away: float) -> probabilistic.Probabilities:
    """``Probabilities`` from three non-negative weights, rescaled to sum to 1."""
    values = [max(float(v), 0.0) for v in (home, draw, away)]
    total = math.fsum(values)
    if not total > 0:
        values, total = [1.0, 1.0, 1.0], 3.0
    p_home, p_draw = values[0] / total, values[1] / total
    p_away = min(max(1.0 - p_home - p_draw, 0.0), 1.0)
    return probabilistic.Probabilities(home=p_home, draw=p_draw, away=p_away)


def outcome_probabilities(matrix: npt.NDArray[np.float64]) -> probabilistic.Probabilities:
    """Home win, draw and away win probabilities of a score matrix."""
    return probabilities(*_split(matrix))


def pick_score(matrix: npt.NDArray[np.float64]) -> tuple[int, int]:
    """The most likely scoreline within the most likely tendency (ties: home, draw, away)."""
    home, draw, away = _split(matrix)
    rows, cols = np.indices(matrix.shape)
    if home >= draw and home >= away:
        mask = rows > cols
    elif draw >= away:
        mask = rows == cols
    else:
        mask = rows < cols
    flat = int(np.argmax(np.where(mask, matrix, -1.0)))
    i, j = divmod(flat, matrix.shape[1])
    return i, j


def _residuals(
    log_means: npt.NDArray[np.float64], target: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    home, _, away = _split(score_matrix(math.exp(log_means[0]), math.exp(log_means[1])))
    return np.array([home, away], dtype=np.float64) - target


def poisson_means_from_probabilities(p_home: float, p_away: float) -> tuple[float, float]:
    """Poisson means (home, away) in 0.05..6 whose score matrix best matches P(home), P(away).

    Out-of-range or unreachable targets give the closest pair (least squares within the bounds).
    """
    p_home = min(max(p_home, _EPSILON), 1.0 - _EPSILON)
    p_away = min(max(p_away, _EPSILON), 1.0 - _EPSILON)
    if p_home + p_away > 1.0 - _EPSILON:
        scale = (1.0 - _EPSILON) / (p_home + p_away)
        p_home, p_away = p_home * scale, p_away * scale
    supremacy = 1.6 * (p_home - p_away)
    total = 2.6 + 2.0 * max(p_home + p_away - 0.72, -0.5)
    start = np.log(
        np.clip([(total + supremacy) / 2, (total - supremacy) / 2], MIN_MEAN * 2, MAX_MEAN / 2)
    )
    bounds = (math.log(MIN_MEAN), math.log(MAX_MEAN))
    result = optimize.least_squares(
        _residuals,
        start,
        args=(np.array([p_home, p_away], dtype=np.float64),),
        bounds=bounds,
        xtol=1e-10,
        ftol=1e-12,
        gtol=1e-12,
    )
    home_mean, away_mean = (float(math.exp(v)) for v in result.x)
    return home_mean, away_mean


def forecast_from_outcomes(home: float, draw: float, away: float) -> Forecast:
    """A forecast that reports these outcome probabilities and picks its score from the
    independent-Poisson pair matching P(home) and P(away)."""
    home_mean, away_mean = poisson_means_from_probabilities(home, away)
    home_goals, away_goals = pick_score(score_matrix(home_mean, away_mean))
    return Forecast(
        home_goals=home_goals,
        away_goals=away_goals,
        probabilities=probabilities(home, draw, away),
    )
