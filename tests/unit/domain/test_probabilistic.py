"""Tests of footcast.domain.probabilistic: validation and the scores of SCORING.md §4."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footcast import errors
from footcast.domain import probabilistic, scoring

H, D, A = scoring.Tendency.HOME, scoring.Tendency.DRAW, scoring.Tendency.AWAY
THIRD = 1 / 3


def _p(home: float, draw: float, away: float) -> probabilistic.Probabilities:
    return probabilistic.Probabilities(home=home, draw=draw, away=away)


@pytest.mark.parametrize(
    ("p", "actual", "rps", "brier", "log_loss"),
    [
        pytest.param(_p(1, 0, 0), H, 0.0, 0.0, 0.0, id="perfect-home"),
        pytest.param(_p(0, 1, 0), D, 0.0, 0.0, 0.0, id="perfect-draw"),
        pytest.param(_p(0, 0, 1), A, 0.0, 0.0, 0.0, id="perfect-away"),
        pytest.param(_p(1, 0, 0), A, 1.0, 2.0, -math.log(1e-15), id="worst-home-for-away"),
        pytest.param(_p(0, 0, 1), H, 1.0, 2.0, -math.log(1e-15), id="worst-away-for-home"),
        # ½·[(1/3 − 1)² + (2/3 − 1)²] = ½·(4/9 + 1/9) = 5/18; Brier (2/3)² + 2·(1/3)² = 2/3
        pytest.param(_p(THIRD, THIRD, THIRD), H, 5 / 18, 2 / 3, math.log(3), id="uniform-home"),
        # ½·[(1/3)² + (2/3 − 1)²] = ½·(1/9 + 1/9) = 1/9
        pytest.param(_p(THIRD, THIRD, THIRD), D, 1 / 9, 2 / 3, math.log(3), id="uniform-draw"),
        # ½·[(1/3)² + (2/3)²] = 5/18
        pytest.param(_p(THIRD, THIRD, THIRD), A, 5 / 18, 2 / 3, math.log(3), id="uniform-away"),
        # ½·[0.5² + (0.8 − 1)²] = 0.145; Brier 0.25 + 0.49 + 0.04 = 0.78
        pytest.param(_p(0.5, 0.3, 0.2), D, 0.145, 0.78, -math.log(0.3), id="lopsided-draw"),
        # ½·[(0.5 − 1)² + (0.8 − 1)²] = 0.145; Brier 0.25 + 0.09 + 0.04 = 0.38
        pytest.param(_p(0.5, 0.3, 0.2), H, 0.145, 0.38, math.log(2), id="lopsided-home"),
        # ½·[0.5² + 0.8²] = 0.445; Brier 0.25 + 0.09 + 0.64 = 0.98
        pytest.param(_p(0.5, 0.3, 0.2), A, 0.445, 0.98, -math.log(0.2), id="lopsided-away"),
    ],
)
def test_scores_hand_computed(
    p: probabilistic.Probabilities,
    actual: scoring.Tendency,
    rps: float,
    brier: float,
    log_loss: float,
) -> None:
    assert probabilistic.rps(p, actual) == pytest.approx(rps, abs=1e-12)
    assert probabilistic.brier(p, actual) == pytest.approx(brier, abs=1e-12)
    assert probabilistic.log_loss(p, actual) == pytest.approx(log_loss, abs=1e-12)


def test_probabilities_of_tendency() -> None:
    p = _p(0.5, 0.3, 0.2)
    assert (p.of(H), p.of(D), p.of(A)) == (0.5, 0.3, 0.2)


def test_probabilities_accept_sum_within_tolerance() -> None:
    assert _p(0.5, 0.3, 0.2000009).away == 0.2000009


@pytest.mark.parametrize(
    ("values", "named"),
    [
        pytest.param((0.5, 0.3, 0.1), "= 0.9 (0.5 + 0.3 + 0.1); must be 1 ± 1e-06", id="sum-0.9"),
        pytest.param((0.5, 0.3, 0.200002), "= 1.000002", id="sum-above-tolerance"),
        pytest.param((-0.1, 0.6, 0.5), "p_home=-0.1 is outside [0, 1]", id="negative"),
        pytest.param((0.0, 1.2, -0.2), "p_draw=1.2 is outside [0, 1]", id="above-one"),
        pytest.param((0.5, 0.5, math.nan), "p_away=nan", id="nan"),
        pytest.param((0.5, 0.5, math.inf), "p_away=inf", id="infinite"),
        pytest.param((True, 0.0, 0.0), "p_home=True is not a real number", id="bool"),
    ],
)
def test_probabilities_reject_invalid(values: tuple[float, float, float], named: str) -> None:
    with pytest.raises(errors.InvalidForecast) as caught:
        _p(*values)
    assert caught.value.code == "invalid_forecast"
    assert named in caught.value.message


@st.composite
def normalized(draw: st.DrawFn) -> probabilistic.Probabilities:
    weights = draw(
        st.tuples(
            st.floats(0, 1e6, allow_nan=False),
            st.floats(0, 1e6, allow_nan=False),
            st.floats(0, 1e6, allow_nan=False),
        ).filter(lambda w: sum(w) > 1e-9)
    )
    total = sum(weights)
    home, draw_, away = (w / total for w in weights)
    return _p(home, draw_, away)


@given(p=normalized(), actual=st.sampled_from(scoring.Tendency))
def test_scores_within_ranges_for_normalized_probabilities(
    p: probabilistic.Probabilities, actual: scoring.Tendency
) -> None:
    slack = 1e-12  # float rounding of the normalisation
    assert -slack <= probabilistic.rps(p, actual) <= 1 + slack
    assert -slack <= probabilistic.brier(p, actual) <= 2 + slack
    assert 0 <= probabilistic.log_loss(p, actual) <= -math.log(1e-15)
