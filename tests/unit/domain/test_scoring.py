"""Tests of footcast.domain.scoring; the worked examples of SCORING.md §2 are cases here."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footcast.domain import scoring

QUOTA_V1 = scoring.QuotaRule()
STANDARD_V1 = scoring.StandardRule()


def _score(text: str) -> scoring.Score:
    home, away = text.split(":")
    return scoring.Score(home=int(home), away=int(away))


# --- tendencies and scores ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("home", "away", "expected"),
    [
        pytest.param(2, 1, scoring.Tendency.HOME, id="home-win"),
        pytest.param(1, 1, scoring.Tendency.DRAW, id="draw"),
        pytest.param(0, 0, scoring.Tendency.DRAW, id="goalless-draw"),
        pytest.param(0, 1, scoring.Tendency.AWAY, id="away-win"),
    ],
)
def test_tendency_of_score(home: int, away: int, expected: scoring.Tendency) -> None:
    assert scoring.tendency(home, away) is expected
    assert scoring.Score(home=home, away=away).tendency is expected


def test_score_goal_difference_is_home_minus_away() -> None:
    assert _score("1:3").goal_difference == -2


@pytest.mark.parametrize(
    ("home", "away", "named"),
    [
        pytest.param(-1, 0, "home=-1", id="negative-home"),
        pytest.param(0, -2, "away=-2", id="negative-away"),
        pytest.param(True, 0, "home=True", id="bool"),
    ],
)
def test_score_rejects_invalid_goals(home: int, away: int, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        scoring.Score(home=home, away=away)


def test_tendency_counts_from_scores() -> None:
    counts = scoring.TendencyCounts.from_scores([_score(s) for s in ("2:1", "1:0", "1:1", "0:2")])
    assert counts == scoring.TendencyCounts(home=2, draw=1, away=1)
    assert counts.total == 4
    assert counts.of(scoring.Tendency.HOME) == 2


# --- rounding and the quota formula ------------------------------------------------------------

# 16·41/(10·16) − 16/10 + 0 is exactly 5/2, but the same float computation gives 2.4999999999999996.
_FLOAT_TRAP = Fraction(16 * 41, 10 * 16) - Fraction(16, 10)


@pytest.mark.parametrize(
    ("value", "as_float", "half_up", "python_round"),
    [
        pytest.param(Fraction(5, 2), 2.5, 3, 2, id="2.5"),
        pytest.param(Fraction(7, 2), 3.5, 4, 4, id="3.5"),
        pytest.param(Fraction(1, 2), 0.5, 1, 0, id="0.5"),
        pytest.param(_FLOAT_TRAP, 16 * 41 / 160 - 1.6, 3, 2, id="2.5-exact-but-2.4999-as-float"),
        pytest.param(Fraction(24999, 10000), 2.4999, 2, 2, id="2.4999"),
        pytest.param(Fraction(-5, 2), -2.5, -2, -2, id="-2.5"),
        pytest.param(Fraction(-26, 10), -2.6, -3, -3, id="-2.6"),
    ],
)
def test_round_half_up_differs_from_python_round(
    value: Fraction, as_float: float, half_up: int, python_round: int
) -> None:
    assert scoring.round_half_up(value) == half_up
    assert round(as_float) == python_round


def test_round_half_up_float_trap_is_below_half_as_float() -> None:
    assert Fraction(5, 2) == _FLOAT_TRAP
    assert 16 * 41 / (10 * 16) - 16 / 10 + 0 < 2.5
    assert scoring.quota(n=41, t=16, minimum=0, maximum=16) == 3


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        pytest.param((24, 4, 2), (2, 6, 6), id="24/4/2-of-30"),
        pytest.param((6, 3, 1), (2, 3, 6), id="6/3/1-of-10"),
        pytest.param((6, 5, 0), (3, 3, 6), id="6/5/0-of-11-half-up"),
        pytest.param((42, 0, 0), (2, 6, 6), id="42/0/0-everyone-agrees"),
        pytest.param((1, 0, 0), (2, 6, 6), id="1/0/0-single-prediction"),
    ],
)
def test_quota_rule_quotas_worked_examples(
    counts: tuple[int, int, int], expected: tuple[int, int, int]
) -> None:
    home, draw, away = counts
    quotas = QUOTA_V1.quotas(scoring.TendencyCounts(home=home, draw=draw, away=away))
    assert quotas == scoring.Quotas(home=expected[0], draw=expected[1], away=expected[2])


def test_quota_rule_quotas_none_for_empty_set() -> None:
    assert QUOTA_V1.quotas(scoring.TendencyCounts()) is None


def test_quota_kicktipp_example() -> None:
    assert scoring.quota(n=25, t=5, minimum=3, maximum=10) == 7


@pytest.mark.parametrize(
    ("n", "t", "named"),
    [
        pytest.param(3, 4, "t=4", id="t-above-n"),
        pytest.param(3, -1, "t=-1", id="negative-t"),
        pytest.param(-1, 0, "n=-1", id="negative-n"),
    ],
)
def test_quota_rejects_invalid_counts(n: int, t: int, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        scoring.quota(n=n, t=t, minimum=2, maximum=6)


# --- points ------------------------------------------------------------------------------------

_QUOTAS_266 = scoring.Quotas(home=2, draw=6, away=6)


@pytest.mark.parametrize(
    ("actual", "predicted", "points"),
    [
        pytest.param("0:1", "0:1", 10, id="away-exact"),
        pytest.param("0:1", "1:2", 7, id="away-goal-difference"),
        pytest.param("0:1", "0:2", 6, id="away-tendency"),
        pytest.param("0:1", "1:1", 0, id="away-wrong"),
        pytest.param("1:1", "1:1", 10, id="draw-exact"),
        pytest.param("1:1", "0:0", 7, id="draw-not-exact"),
        pytest.param("1:1", "2:0", 0, id="draw-wrong"),
        pytest.param("2:0", "1:0", 2, id="home-tendency-low-quota"),
    ],
)
def test_quota_rule_points_worked_examples(actual: str, predicted: str, points: int) -> None:
    assert QUOTA_V1.points(_score(predicted), _score(actual), _QUOTAS_266) == points


def test_quota_rule_points_needs_quotas() -> None:
    with pytest.raises(ValueError, match="quotas=None"):
        QUOTA_V1.points(_score("1:0"), _score("1:0"), None)


@pytest.mark.parametrize(
    ("actual", "predicted", "points"),
    [
        pytest.param("2:1", "2:1", 4, id="exact"),
        pytest.param("2:1", "3:2", 3, id="goal-difference"),
        pytest.param("2:1", "3:0", 2, id="tendency"),
        pytest.param("1:1", "1:1", 4, id="draw-exact"),
        pytest.param("1:1", "0:0", 2, id="draw-not-exact"),
        pytest.param("2:1", "1:1", 0, id="wrong"),
        pytest.param("0:2", "2:0", 0, id="wrong-mirror"),
    ],
)
def test_standard_rule_points_table(actual: str, predicted: str, points: int) -> None:
    assert STANDARD_V1.points(_score(predicted), _score(actual), None) == points


def test_rule_max_points() -> None:
    assert QUOTA_V1.max_points == 10
    assert STANDARD_V1.max_points == 4


def test_standard_rule_quotas_always_none() -> None:
    assert STANDARD_V1.quotas(scoring.TendencyCounts(home=3)) is None


# --- rules as stored data ----------------------------------------------------------------------


def test_builtin_rules_names_and_kinds() -> None:
    assert {name: rule.kind for name, rule in scoring.BUILTIN_RULES.items()} == {
        "quota-v1": "quota",
        "standard-v1": "standard",
    }


@pytest.mark.parametrize("rule", list(scoring.BUILTIN_RULES.values()), ids=str)
def test_rule_from_params_round_trips(rule: scoring.Rule) -> None:
    rebuilt = scoring.rule_from_params(name=rule.name, kind=rule.kind, params=rule.params())
    assert rebuilt == rule


def test_rule_from_params_kicktipp_quota() -> None:
    params = {"minimum": 3, "maximum": 10, "goal_difference_bonus": 1, "exact_bonus": 3}
    rule = scoring.rule_from_params(name="kicktipp", kind="quota", params=params)
    assert isinstance(rule, scoring.QuotaRule)
    assert rule.quotas(scoring.TendencyCounts(home=5, draw=20)) == scoring.Quotas(
        home=7, draw=3, away=10
    )


_QUOTA_PARAMS = {"minimum": 2, "maximum": 6, "goal_difference_bonus": 1, "exact_bonus": 3}


@pytest.mark.parametrize(
    ("kind", "params", "named"),
    [
        pytest.param("fancy", _QUOTA_PARAMS, "kind='fancy'", id="unknown-kind"),
        pytest.param("quota", {**_QUOTA_PARAMS, "bonus": 1}, "bonus", id="unknown-param"),
        pytest.param("standard", _QUOTA_PARAMS, "minimum", id="param-of-other-kind"),
        pytest.param("quota", {**_QUOTA_PARAMS, "exact_bonus": -1}, "exact_bonus=-1", id="neg"),
        pytest.param("quota", {"minimum": 2, "maximum": 6}, "exact_bonus", id="missing"),
        pytest.param("quota", {**_QUOTA_PARAMS, "minimum": 7}, "minimum=7", id="min-above-max"),
    ],
)
def test_rule_from_params_rejects_invalid(kind: str, params: dict[str, int], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        scoring.rule_from_params(name="custom", kind=kind, params=params)


# --- properties --------------------------------------------------------------------------------

scores = st.builds(scoring.Score, home=st.integers(0, 10), away=st.integers(0, 10))


@st.composite
def quota_rules(draw: st.DrawFn) -> scoring.QuotaRule:
    minimum = draw(st.integers(0, 10))
    return scoring.QuotaRule(
        name="generated",
        minimum=minimum,
        maximum=draw(st.integers(minimum, 20)),
        goal_difference_bonus=draw(st.integers(0, 5)),
        exact_bonus=draw(st.integers(0, 5)),
    )


counts_strategy = st.builds(
    scoring.TendencyCounts,
    home=st.integers(0, 50),
    draw=st.integers(0, 50),
    away=st.integers(0, 50),
).filter(lambda counts: counts.total > 0)


@given(rule=quota_rules(), counts=counts_strategy, predicted=scores, actual=scores)
def test_quota_rule_points_within_bounds(
    rule: scoring.QuotaRule,
    counts: scoring.TendencyCounts,
    predicted: scoring.Score,
    actual: scoring.Score,
) -> None:
    points = rule.points(predicted, actual, rule.quotas(counts))
    bonuses = rule.goal_difference_bonus + rule.exact_bonus
    assert points == 0 or rule.minimum <= points <= rule.maximum + bonuses
    assert points <= rule.max_points


@given(predicted=scores, actual=scores)
def test_standard_rule_points_in_allowed_set(
    predicted: scoring.Score, actual: scoring.Score
) -> None:
    assert STANDARD_V1.points(predicted, actual, None) in {0, 2, 3, 4}


@given(rule=quota_rules(), counts=counts_strategy, predicted=scores, actual=scores)
def test_quota_rule_exact_score_earns_most(
    rule: scoring.QuotaRule,
    counts: scoring.TendencyCounts,
    predicted: scoring.Score,
    actual: scoring.Score,
) -> None:
    quotas = rule.quotas(counts)
    assert rule.points(actual, actual, quotas) >= rule.points(predicted, actual, quotas)


@given(predicted=scores, actual=scores)
def test_standard_rule_exact_score_earns_most(
    predicted: scoring.Score, actual: scoring.Score
) -> None:
    assert STANDARD_V1.points(actual, actual, None) >= STANDARD_V1.points(predicted, actual, None)


@given(predictions=st.lists(scores, min_size=1, max_size=40), seed=st.integers())
def test_quota_rule_quotas_independent_of_order(
    predictions: list[scoring.Score], seed: int
) -> None:
    shuffled = list(predictions)
    random.Random(seed).shuffle(shuffled)
    original = QUOTA_V1.quotas(scoring.TendencyCounts.from_scores(predictions))
    assert QUOTA_V1.quotas(scoring.TendencyCounts.from_scores(shuffled)) == original


@st.composite
def min_max(draw: st.DrawFn) -> tuple[int, int]:
    minimum = draw(st.integers(0, 20))
    return minimum, draw(st.integers(minimum, 30))


@given(n=st.integers(0, 500), bounds=min_max())
def test_quota_unpicked_tendency_gives_maximum(n: int, bounds: tuple[int, int]) -> None:
    minimum, maximum = bounds
    assert scoring.quota(n=n, t=0, minimum=minimum, maximum=maximum) == maximum


@given(n=st.integers(1, 500), bounds=min_max())
def test_quota_unanimous_tendency_gives_minimum(n: int, bounds: tuple[int, int]) -> None:
    minimum, maximum = bounds
    assert scoring.quota(n=n, t=n, minimum=minimum, maximum=maximum) == minimum


@given(n=st.integers(1, 500), data=st.data(), bounds=min_max())
def test_quota_monotone_non_increasing_in_t(
    n: int, data: st.DataObject, bounds: tuple[int, int]
) -> None:
    minimum, maximum = bounds
    t = data.draw(st.integers(0, n - 1))
    lower = scoring.quota(n=n, t=t, minimum=minimum, maximum=maximum)
    higher = scoring.quota(n=n, t=t + 1, minimum=minimum, maximum=maximum)
    assert higher <= lower


@given(n=st.integers(0, 500), data=st.data(), bounds=min_max())
def test_quota_within_bounds(n: int, data: st.DataObject, bounds: tuple[int, int]) -> None:
    minimum, maximum = bounds
    t = data.draw(st.integers(0, n))
    assert minimum <= scoring.quota(n=n, t=t, minimum=minimum, maximum=maximum) <= maximum
