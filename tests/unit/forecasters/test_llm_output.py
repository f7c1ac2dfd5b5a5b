"""Tests of footcast.forecasters.llm_output: every tolerance, every rejection, and fuzzing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footcast import errors
from footcast.domain import probabilistic
from footcast.domain.forecast import MAX_GOALS, Forecast
from footcast.forecasters import llm_output

VALID = '{"home_goals": 2, "away_goals": 1, "p_home": 0.55, "p_draw": 0.25, "p_away": 0.2}'
EXPECTED = probabilistic.Probabilities(home=0.55, draw=0.25, away=0.2)


def probabilities(answer: llm_output.Answer) -> tuple[float, float, float]:
    assert answer.probabilities is not None
    p = answer.probabilities
    return (p.home, p.draw, p.away)


def test_parse_a_clean_answer_needs_no_repair() -> None:
    answer = llm_output.parse(VALID)
    assert answer == llm_output.Answer(
        home_goals=2, away_goals=1, probabilities=EXPECTED, repairs=()
    )
    assert answer.forecast == Forecast(home_goals=2, away_goals=1, probabilities=EXPECTED)


@pytest.mark.parametrize(
    ("text", "repairs"),
    [
        pytest.param(
            f"<think>\nArsenal are strong at home.\n</think>\n{VALID}",
            ("stripped <think>",),
            id="think-block",
        ),
        pytest.param(
            f'<THINK>maybe {{"home_goals": 0}}</THINK>{VALID}',
            ("stripped <think>",),
            id="think-block-with-json-inside",
        ),
        pytest.param(
            f"reasoning without the opening tag</think>\n\n{VALID}",
            ("kept only the text after </think>",),
            id="lone-close-tag",
        ),
        pytest.param(
            f"<think>a</think><think>b</think>{VALID}", ("stripped <think>",), id="two-think-blocks"
        ),
        pytest.param(
            f"{VALID}\n<think>and one more thing",
            ("dropped unclosed <think>",),
            id="unclosed-think-after-answer",
        ),
        pytest.param(f"```json\n{VALID}\n```", ("stripped code fence",), id="json-fence"),
        pytest.param(f"```\n{VALID}\n```", ("stripped code fence",), id="bare-fence"),
        pytest.param(
            f"Here is my prediction:\n```json\n{VALID}\n```\nGood luck!",
            ("stripped code fence", "ignored text around the JSON"),
            id="fence-and-prose",
        ),
        pytest.param(
            f"I predict {VALID} for this match.",
            ("ignored text around the JSON",),
            id="prose-around",
        ),
        pytest.param(
            f'First {{"home_goals": 0, "away_goals": 0}}, no, rather: {VALID}',
            ("ignored text around the JSON",),
            id="last-object-wins",
        ),
        pytest.param(
            f'{VALID} and {{"confidence": "high"}}',
            ("ignored text around the JSON",),
            id="last-object-with-goal-keys-wins",
        ),
        pytest.param(
            f"A set {{like this}} then {VALID}",
            ("ignored text around the JSON",),
            id="braces-that-are-not-json",
        ),
        pytest.param(
            f'<think>{{"type": "object"}}</think>{VALID}',
            ("stripped <think>",),
            id="schema-only-inside-think",
        ),
    ],
)
def test_parse_finds_the_json_in_the_text(text: str, repairs: tuple[str, ...]) -> None:
    answer = llm_output.parse(text)
    assert (answer.home_goals, answer.away_goals, answer.probabilities) == (2, 1, EXPECTED)
    assert answer.repairs == repairs


def _fields(**fields: object) -> str:
    base: dict[str, object] = {
        "home_goals": 2,
        "away_goals": 1,
        "p_home": 0.55,
        "p_draw": 0.25,
        "p_away": 0.2,
    }
    base.update(fields)
    return json.dumps({key: value for key, value in base.items() if value is not None})


@pytest.mark.parametrize(
    ("text", "goals", "expected", "repairs"),
    [
        pytest.param(
            _fields(home_goals="2", away_goals="1"),
            (2, 1),
            (0.55, 0.25, 0.2),
            ("numbers as strings",),
            id="goals-as-strings",
        ),
        pytest.param(
            _fields(home_goals=2.0, away_goals=1.0),
            (2, 1),
            (0.55, 0.25, 0.2),
            ("whole floats as goals",),
            id="goals-as-whole-floats",
        ),
        pytest.param(
            _fields(home_goals=" 2.0 "),
            (2, 1),
            (0.55, 0.25, 0.2),
            ("numbers as strings", "whole floats as goals"),
            id="goal-as-float-string",
        ),
        pytest.param(
            _fields(p_home="0.55", p_draw="0.25", p_away="0.2"),
            (2, 1),
            (0.55, 0.25, 0.2),
            ("numbers as strings",),
            id="probabilities-as-strings",
        ),
        pytest.param(
            _fields(p_home=55, p_draw=25, p_away=20),
            (2, 1),
            (0.55, 0.25, 0.2),
            ("percentages",),
            id="percentages",
        ),
        pytest.param(
            _fields(p_home="55%", p_draw="25%", p_away="20%"),
            (2, 1),
            (0.55, 0.25, 0.2),
            ("numbers as strings", "percentages"),
            id="percent-signs",
        ),
        pytest.param(
            _fields(p_home=70, p_draw=30, p_away=0),
            (2, 1),
            (0.7, 0.3, 0.0),
            ("percentages",),
            id="percentages-with-a-zero",
        ),
        pytest.param(
            _fields(p_home="1%", p_draw="0.5%", p_away="98.5%"),
            (2, 1),
            (0.01, 0.005, 0.985),
            ("numbers as strings", "percentages"),
            id="percent-signs-below-one",
        ),
        pytest.param(
            _fields(p_home=56, p_draw=26, p_away=21),
            (2, 1),
            (56 / 103, 26 / 103, 21 / 103),
            ("percentages", "normalised sum 1.03"),
            id="percentages-summing-to-103",
        ),
        pytest.param(
            _fields(p_home=2.0, p_draw=4.0, p_away=4.0),
            (2, 1),
            (0.5, 0.25, 0.25),
            ("decimal odds (margin +0.000)",),
            id="fair-decimal-odds",
        ),
        pytest.param(
            _fields(p_home="1.80", p_draw=3.6, p_away=4.5),
            (2, 1),
            tuple(x / (1 / 1.8 + 1 / 3.6 + 1 / 4.5) for x in (1 / 1.8, 1 / 3.6, 1 / 4.5)),
            ("numbers as strings", "decimal odds (margin +0.056)"),
            id="bookmaker-odds-with-margin",
        ),
        pytest.param(
            _fields(p_home=0.56, p_draw=0.26, p_away=0.2),
            (2, 1),
            (0.56 / 1.02, 0.26 / 1.02, 0.2 / 1.02),
            ("normalised sum 1.02",),
            id="sum-1.02",
        ),
        pytest.param(
            _fields(p_home=0.51, p_draw=0.25, p_away=0.2),
            (2, 1),
            (0.51 / 0.96, 0.25 / 0.96, 0.2 / 0.96),
            ("normalised sum 0.96",),
            id="sum-0.96",
        ),
        pytest.param(
            _fields(p_home=None, p_draw=None, p_away=None),
            (2, 1),
            None,
            ("no probabilities",),
            id="no-probabilities",
        ),
        pytest.param(
            '{"home": 3, "away": 0, "home_win": 0.8, "draw": 0.15, "away_win": 0.05}',
            (3, 0),
            (0.8, 0.15, 0.05),
            (
                "key home for home_goals",
                "key away for away_goals",
                "key home_win for p_home",
                "key draw for p_draw",
                "key away_win for p_away",
            ),
            id="short-aliases",
        ),
        pytest.param(
            '{"homeGoals": 0, "awayGoals": 0, "pHome": 0.3, "pDraw": 0.4, "pAway": 0.3}',
            (0, 0),
            (0.3, 0.4, 0.3),
            (
                "key homeGoals for home_goals",
                "key awayGoals for away_goals",
                "key pHome for p_home",
                "key pDraw for p_draw",
                "key pAway for p_away",
            ),
            id="camel-case-aliases",
        ),
        pytest.param(
            '{"home_score": 1, "away_score": 4}',
            (1, 4),
            None,
            ("key home_score for home_goals", "key away_score for away_goals", "no probabilities"),
            id="score-aliases",
        ),
        pytest.param(
            _fields(home="Arsenal", away="Chelsea"),
            (2, 1),
            (0.55, 0.25, 0.2),
            (),
            id="canonical-key-beats-alias",
        ),
        pytest.param(
            _fields(home_goals=MAX_GOALS, away_goals=0),
            (MAX_GOALS, 0),
            (0.55, 0.25, 0.2),
            (),
            id="max-goals",
        ),
        pytest.param(
            _fields(p_home=1, p_draw=0, p_away=0),
            (2, 1),
            (1.0, 0.0, 0.0),
            (),
            id="certainty-is-not-a-percentage",
        ),
    ],
)
def test_parse_tolerates(
    text: str,
    goals: tuple[int, int],
    expected: tuple[float, float, float] | None,
    repairs: tuple[str, ...],
) -> None:
    answer = llm_output.parse(text)
    assert (answer.home_goals, answer.away_goals) == goals
    if expected is None:
        assert answer.probabilities is None
    else:
        assert probabilities(answer) == pytest.approx(expected, abs=1e-12)
    assert answer.repairs == repairs


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("", "the answer is empty", id="empty"),
        pytest.param("  \n\t ", "the answer is empty", id="whitespace"),
        pytest.param(
            "<think>Let me weigh the form of both sides",
            "the answer holds only <think> reasoning and no prediction",
            id="unclosed-think-only",
        ),
        pytest.param(
            f"<think>{VALID}</think>",
            "the answer holds only <think> reasoning and no prediction",
            id="json-only-inside-think",
        ),
        pytest.param(
            "I expect Arsenal to win 2-1, with a 55% chance of a home win.",
            "the answer holds no JSON object",
            id="natural-language",
        ),
        pytest.param(
            "{'home_goals': 2, 'away_goals': 1}",
            "the answer holds no JSON object",
            id="python-dict",
        ),
        pytest.param("[2, 1]", "the answer holds no JSON object", id="json-array"),
        pytest.param(
            '{"type":"object"}',
            "the answer echoes the JSON schema instead of a prediction",
            id="schema-echo",
        ),
        pytest.param(
            '```json\n{"type": "object", "properties": {"home_goals": {"type": "integer"}}}\n```',
            "the answer echoes the JSON schema instead of a prediction",
            id="schema-echo-with-properties",
        ),
        pytest.param(
            '{"prediction": "2-1"}',
            "the JSON object has no home_goals and away_goals (its keys: prediction)",
            id="no-goal-keys",
        ),
        pytest.param(
            '{"home_goals": 2, "p_home": 0.5}',
            "the JSON object has no away_goals (its keys: home_goals, p_home)",
            id="one-goal-key",
        ),
        pytest.param(
            _fields(home_goals=2.5),
            "home_goals=2.5 is not a whole number of goals",
            id="fractional-goals",
        ),
        pytest.param(
            _fields(away_goals="2%"),
            "away_goals='2%' is not a whole number of goals",
            id="percent-goals",
        ),
        pytest.param(_fields(home_goals=-1), "home_goals=-1 is outside 0..20", id="negative-goals"),
        pytest.param(_fields(away_goals=21), "away_goals=21 is outside 0..20", id="too-many-goals"),
        pytest.param(
            _fields(home_goals="two"),
            "home_goals='two' is not a finite number",
            id="goals-as-words",
        ),
        pytest.param(
            _fields(home_goals=True), "home_goals=True is not a finite number", id="bool-goals"
        ),
        pytest.param(
            _fields(away_goals=[1]), "away_goals=[1] is not a finite number", id="list-goals"
        ),
        pytest.param(
            '{"home_goals": NaN, "away_goals": 1}',
            "home_goals=nan is not a finite number",
            id="nan-goals",
        ),
        pytest.param(
            _fields(p_home="1e999"),
            "p_home='1e999' is not a finite number",
            id="infinite-probability",
        ),
        pytest.param(
            _fields(p_draw="likely"),
            "p_draw='likely' is not a finite number",
            id="probability-as-word",
        ),
        pytest.param(
            _fields(p_draw=None),
            "the probabilities are incomplete: p_draw missing",
            id="one-probability-missing",
        ),
        pytest.param(
            _fields(p_home=None, p_away=None),
            "the probabilities are incomplete: p_home, p_away missing",
            id="two-probabilities-missing",
        ),
        pytest.param(_fields(p_away=-0.2), "p_away=-0.2 is negative", id="negative-probability"),
        pytest.param(
            _fields(p_home=0.75, p_draw=0.5, p_away=0.25),
            "p_home + p_draw + p_away = 1.5, more than 0.05 away from 1",
            id="sum-1.5",
        ),
        pytest.param(
            _fields(p_home=0.5, p_draw=0.2, p_away=0.2),
            "p_home + p_draw + p_away = 0.9, more than 0.05 away from 1",
            id="sum-0.9",
        ),
        pytest.param(
            _fields(p_home=0.61, p_draw=0.25, p_away=0.2),
            "p_home + p_draw + p_away = 1.06, more than 0.05 away from 1",
            id="sum-1.06",
        ),
        pytest.param(
            _fields(p_home=0, p_draw=0, p_away=0),
            "p_home + p_draw + p_away = 0, more than 0.05 away from 1",
            id="all-zero",
        ),
        pytest.param(
            _fields(p_home=60, p_draw=30, p_away=30),
            "the probabilities (60, 30, 30) are not probabilities: they sum to 120, and"
            " read neither as percentages (summing to 100) nor as decimal odds",
            id="percentages-summing-to-120",
        ),
        pytest.param(
            _fields(p_home=1.2, p_draw=0.1, p_away=0.1),
            "the probabilities (1.2, 0.1, 0.1) are not probabilities: they sum to 1.4, and"
            " read neither as percentages (summing to 100) nor as decimal odds",
            id="one-probability-above-1",
        ),
        pytest.param(
            _fields(p_home="0.5%", p_draw="0.3%", p_away="0.2%"),
            "the probabilities (0.5, 0.3, 0.2) are not probabilities: they sum to 1, and"
            " read neither as percentages (summing to 100) nor as decimal odds",
            id="percent-signs-summing-to-1",
        ),
        pytest.param(
            _fields(p_home=1.5, p_draw=3, p_away=95.5),
            "the probabilities (1.5, 3, 95.5) read both as percentages and as decimal odds",
            id="percentages-or-odds",
        ),
        pytest.param(
            _fields(p_home=1.5, p_draw=4.8, p_away=17.6),
            "the probabilities (1.5, 4.8, 17.6) are not probabilities: they sum to 23.9, and"
            " read neither as percentages (summing to 100) nor as decimal odds",
            id="far-more-than-1",
        ),
    ],
)
def test_parse_rejects(text: str, reason: str) -> None:
    with pytest.raises(errors.InvalidForecast) as caught:
        llm_output.parse(text)
    assert caught.value.code == "invalid_forecast"
    assert caught.value.context["reason"] == reason
    assert caught.value.message.startswith(f"{reason}; the answer was ")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_fields(home_goals=10**400), id="huge-integer-goals"),
        pytest.param(_fields(p_home=10**400), id="huge-integer-probability"),
        pytest.param(_fields(p_draw="x" * 1000), id="long-string"),
    ],
)
def test_parse_rejection_abbreviates_long_values(text: str) -> None:
    with pytest.raises(errors.InvalidForecast) as caught:
        llm_output.parse(text)
    reason = caught.value.context["reason"]
    assert isinstance(reason, str)
    assert reason.endswith(" is not a finite number")
    assert len(reason) < 100


def test_parse_rejection_quotes_a_short_excerpt_head_and_tail() -> None:
    text = "<think>" + "weighing the evidence " * 100 + "</think> no idea, sorry"
    with pytest.raises(errors.InvalidForecast) as caught:
        llm_output.parse(text)
    excerpt = caught.value.context["excerpt"]
    assert isinstance(excerpt, str)
    assert len(excerpt) == llm_output.EXCERPT_CHARS
    assert excerpt.startswith("<think>weighing")
    assert excerpt.endswith("</think> no idea, sorry")
    assert repr(excerpt) in caught.value.message


def test_parse_survives_deep_nesting() -> None:
    with pytest.raises(errors.InvalidForecast, match="no JSON object"):
        llm_output.parse("{" * 100_000)


def test_repair_prompt_names_the_reason_and_asks_for_json_only() -> None:
    prompt = llm_output.repair_prompt("the answer holds no JSON object")
    assert "the answer holds no JSON object" in prompt
    assert llm_output.JSON_INSTRUCTIONS in prompt


def test_prompts_name_every_key() -> None:
    for key in ("home_goals", "away_goals", "p_home", "p_draw", "p_away"):
        assert f'"{key}"' in llm_output.JSON_INSTRUCTIONS
    assert llm_output.JSON_INSTRUCTIONS in llm_output.SYSTEM_PROMPT


_goals = st.integers(min_value=0, max_value=MAX_GOALS)
_weights = st.tuples(*[st.floats(min_value=0.01, max_value=1.0)] * 3)
_prose = st.text(st.characters(blacklist_characters="{}<>`"), max_size=80)


@given(home=_goals, away=_goals, weights=_weights, before=_prose, after=_prose)
def test_parse_reads_back_any_valid_answer_in_prose(
    home: int, away: int, weights: tuple[float, float, float], before: str, after: str
) -> None:
    total = sum(weights)
    p_home, p_draw = weights[0] / total, weights[1] / total
    p_away = 1 - p_home - p_draw
    text = json.dumps(
        {
            "home_goals": home,
            "away_goals": away,
            "p_home": p_home,
            "p_draw": p_draw,
            "p_away": p_away,
        }
    )
    answer = llm_output.parse(f"{before}{text}{after}")
    assert (answer.home_goals, answer.away_goals) == (home, away)
    assert probabilities(answer) == pytest.approx((p_home, p_draw, p_away), abs=1e-6)


@given(st.text(max_size=300))
def test_parse_of_any_text_gives_an_answer_or_invalid_forecast(text: str) -> None:
    try:
        answer = llm_output.parse(text)
    except errors.InvalidForecast:
        return
    assert 0 <= answer.home_goals <= MAX_GOALS
    assert 0 <= answer.away_goals <= MAX_GOALS


# Real answers of SmolLM2-135M-Instruct (llama.cpp's server on this machine, temperature 0) to
# footcast's prompt, by the answer format it was asked in: what the reader makes of each.
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param(
            '{ "home_goals": 2, "away_goals": 3, "p_home": 0.15, "p_draw": 0.4, "p_away": 0.6 }',
            "p_home + p_draw + p_away = 1.15, more than 0.05 away from 1",
            id="json-object-schema-sum-1.15",
        ),
        pytest.param(
            '{\n  "match_score": 2.10,\n  "p_home": 3.40,\n  "p_draw": 3.60\n}',
            "the JSON object has no home_goals and away_goals (its keys: match_score, p_draw,"
            " p_home)",
            id="json-object-odds-as-keys",
        ),
        pytest.param(
            '{"home_goals": 2.10, "away_goals": 3.40}',
            "home_goals=2.1 is not a whole number of goals",
            id="json-object-expected-goals",
        ),
        pytest.param(
            '{"home_goals": 10, "away_goals": 25}',
            "away_goals=25 is outside 0..20",
            id="text-out-of-range",
        ),
        pytest.param(
            "Ash (home) v Birch (away): 2.10, 3.40\nProbability of home win: 2.10 * 3 = 6.80%\n"
            "Probability of draw: 3.60 * 3 = 9.60%\nProbability of away win: 3.60 * 3 = 9.60%\n"
            "The final score is 7 points (home-to-draw) + 1 point (away-to-draw), which is 8 "
            "points for Ash and 2 more points for Birch, but the actual o",
            "the answer holds no JSON object",
            id="text-rambling-cut-at-max-tokens",
        ),
    ],
)
def test_parse_refuses_real_bad_answers_of_the_local_model(text: str, reason: str) -> None:
    with pytest.raises(errors.InvalidForecast) as caught:
        llm_output.parse(text)
    assert caught.value.context["reason"] == reason


def test_parse_reads_the_local_models_odds_shaped_probabilities_as_decimal_odds() -> None:
    # json_object with the schema (no bounds then): 1.50, 4.80, 7.60 read only one way
    answer = llm_output.parse(
        '{"home_goals": 2, "away_goals": 1, "p_home": 1.50, "p_draw": 4.80, "p_away": 7.60}'
    )
    inverse = 1 / 1.5 + 1 / 4.8 + 1 / 7.6
    assert probabilities(answer) == pytest.approx(
        (1 / 1.5 / inverse, 1 / 4.8 / inverse, 1 / 7.6 / inverse)
    )
    assert answer.repairs == ("decimal odds (margin +0.007)",)
