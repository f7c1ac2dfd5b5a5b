"""Tests of footcast.forecasters.scorelines: score matrices, tendencies and Poisson inversion."""

from __future__ import annotations

import math

import numpy as np
import pytest

from footcast.forecasters import scorelines


def test_score_matrix_is_a_normalised_11_by_11_grid() -> None:
    matrix = scorelines.score_matrix(1.5, 1.1)
    assert matrix.shape == (11, 11)
    assert matrix.sum() == pytest.approx(1.0, abs=1e-12)
    # P(0:0) of independent Poisson means 1.5 and 1.1, rescaled by the kept mass
    assert matrix[0, 0] == pytest.approx(math.exp(-2.6), rel=1e-3)


def test_score_matrix_negative_rho_moves_mass_to_low_draws() -> None:
    plain = scorelines.score_matrix(1.4, 1.2)
    corrected = scorelines.score_matrix(1.4, 1.2, rho=-0.1)
    assert corrected[0, 0] > plain[0, 0]
    assert corrected[1, 1] > plain[1, 1]
    assert corrected[1, 0] < plain[1, 0]
    assert corrected[0, 1] < plain[0, 1]
    assert corrected.sum() == pytest.approx(1.0, abs=1e-12)


def test_outcome_probabilities_are_symmetric_for_equal_means() -> None:
    p = scorelines.outcome_probabilities(scorelines.score_matrix(1.3, 1.3))
    assert p.home == pytest.approx(p.away, abs=1e-12)
    assert p.home + p.draw + p.away == pytest.approx(1.0, abs=1e-12)
    stronger = scorelines.outcome_probabilities(scorelines.score_matrix(2.0, 0.8))
    assert stronger.home > 0.6 > stronger.away


def test_pick_score_takes_the_best_score_of_the_likeliest_tendency() -> None:
    matrix = np.zeros((11, 11))
    matrix[1, 1] = 0.30  # the single likeliest score is a draw ...
    matrix[1, 0] = 0.25  # ... but home wins together are likelier (0.45)
    matrix[2, 1] = 0.20
    matrix[0, 1] = 0.25
    assert scorelines.pick_score(matrix) == (1, 0)


@pytest.mark.parametrize(
    ("home", "away", "expected"),
    [
        pytest.param(1.0, 1.0, (1, 0), id="even-home-first"),
        pytest.param(0.7, 2.4, (0, 2), id="away-favourite"),
        pytest.param(0.2, 0.2, (0, 0), id="low-scoring-draw"),
    ],
)
def test_pick_score_examples(home: float, away: float, expected: tuple[int, int]) -> None:
    assert scorelines.pick_score(scorelines.score_matrix(home, away)) == expected


@pytest.mark.parametrize(
    ("home", "away"),
    [(1.5, 1.2), (0.4, 2.8), (3.2, 0.5), (1.0, 1.0), (0.1, 0.3), (4.5, 3.9)],
)
def test_poisson_means_from_probabilities_round_trips(home: float, away: float) -> None:
    p = scorelines.outcome_probabilities(scorelines.score_matrix(home, away))
    found = scorelines.poisson_means_from_probabilities(p.home, p.away)
    assert found == pytest.approx((home, away), rel=1e-4)


@pytest.mark.parametrize(
    ("p_home", "p_away"),
    [(0.49, 0.49), (0.01, 0.01), (1.2, -0.3), (0.0, 0.0)],
)
def test_poisson_means_from_probabilities_stays_in_bounds(p_home: float, p_away: float) -> None:
    for mean in scorelines.poisson_means_from_probabilities(p_home, p_away):
        assert scorelines.MIN_MEAN - 1e-9 <= mean <= scorelines.MAX_MEAN + 1e-9


def test_poisson_means_unreachable_target_gives_closest_pair() -> None:
    # a 2% draw chance is beyond any pair within the bounds: both means go to the top
    home, away = scorelines.poisson_means_from_probabilities(0.49, 0.49)
    assert home == pytest.approx(scorelines.MAX_MEAN, rel=1e-3)
    assert away == pytest.approx(scorelines.MAX_MEAN, rel=1e-3)


def test_probabilities_rescales_weights() -> None:
    p = scorelines.probabilities(2.0, 1.0, 1.0)
    assert (p.home, p.draw, p.away) == pytest.approx((0.5, 0.25, 0.25))
    uniform = scorelines.probabilities(0.0, -1.0, 0.0)
    assert (uniform.home, uniform.draw, uniform.away) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
