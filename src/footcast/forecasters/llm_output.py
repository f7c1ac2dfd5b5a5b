"""What an LLM forecaster is asked to answer, and a tolerant reader of what it answers instead.

The model is asked (``SYSTEM_PROMPT``, ``JSON_INSTRUCTIONS``) for exactly one JSON object::

    {"home_goals": 2, "away_goals": 1, "p_home": 0.55, "p_draw": 0.25, "p_away": 0.2}

``parse`` also accepts what real models send instead, and names every tolerance it applied in
``Answer.repairs``, so a model's sloppiness stays visible:

* ``<think>…</think>`` blocks are dropped. After an unclosed ``<think>`` nothing counts (the
  reasoning was cut short); after a lone ``</think>`` (the opening tag was in the chat template)
  only the text that follows does.
* Code fences (with or without a language) and prose around the JSON: every balanced ``{…}`` that
  is valid JSON is a candidate, and the last one with both goal keys wins.
* A few key aliases: ``homeGoals``, ``home_score`` and ``home`` for ``home_goals`` (the same for
  away); ``pHome`` and ``home_win`` for ``p_home``; ``pDraw`` and ``draw`` for ``p_draw``;
  ``pAway`` and ``away_win`` for ``p_away``.
* Numbers as strings (``"2"``, ``"0.55"``, ``"55%"``) and whole floats as goals (``2.0``).
* Numbers above 1 where probabilities belong, read only where one reading fits: percentages
  (written with ``%``, or summing to 100 ± 5) are divided by 100; decimal odds (all above 1, their
  inverses summing to 0.95 … 1.25, a bookmaker's margin) become their normalised inverses. Numbers
  that fit both, or neither (``1.5, 4.8, 17.6``), are rejected.
* Probabilities summing to 1 ± ``SUM_TOLERANCE`` (0.05) are divided by their sum; further off,
  the answer is rejected.
* No probabilities at all: a score alone is a prediction (``probabilities=None``).

Anything else raises ``errors.InvalidForecast``: its message says what was wrong (long values
abbreviated) and quotes up to 200 characters of the answer, and ``context["reason"]`` holds the
reason alone, for ``repair_prompt``.
"""

from __future__ import annotations

import json
import math
import re
import reprlib
from dataclasses import dataclass

from footcast import errors
from footcast.domain import probabilistic
from footcast.domain.forecast import MAX_GOALS, Forecast

__all__ = [
    "EXCERPT_CHARS",
    "JSON_INSTRUCTIONS",
    "MAX_ODDS_MARGIN",
    "PREDICTION_SCHEMA",
    "SUM_TOLERANCE",
    "SYSTEM_PROMPT",
    "Answer",
    "parse",
    "repair_prompt",
]

SUM_TOLERANCE = 0.05
MAX_ODDS_MARGIN = 0.25  # a bookmaker's overround: decimal odds' inverses sum to at most 1.25
EXCERPT_CHARS = 200

JSON_INSTRUCTIONS = (
    "Answer with exactly one JSON object and nothing else: no prose, no code fence.\n"
    '{"home_goals": <integer>, "away_goals": <integer>, '
    '"p_home": <number>, "p_draw": <number>, "p_away": <number>}\n'
    f"home_goals and away_goals are the full-time goals, whole numbers from 0 to {MAX_GOALS}. "
    "p_home, p_draw and p_away are the probabilities of a home win, a draw and an away win: "
    "numbers between 0 and 1 that sum to 1."
)
# the answer's shape, sent to providers that take a schema (AnswerFormat.JSON_SCHEMA and
# JSON_OBJECT_SCHEMA); strict mode wants every property required and no others
PREDICTION_SCHEMA: dict[str, object] = {
    "type": "object",
    "properties": {
        "home_goals": {"type": "integer", "minimum": 0, "maximum": MAX_GOALS},
        "away_goals": {"type": "integer", "minimum": 0, "maximum": MAX_GOALS},
        "p_home": {"type": "number", "minimum": 0, "maximum": 1},
        "p_draw": {"type": "number", "minimum": 0, "maximum": 1},
        "p_away": {"type": "number", "minimum": 0, "maximum": 1},
    },
    "required": ["home_goals", "away_goals", "p_home", "p_draw", "p_away"],
    "additionalProperties": False,
}
SYSTEM_PROMPT = (
    "You are a football forecaster. For the match described, predict the exact final score and "
    "the probability of each outcome.\n" + JSON_INSTRUCTIONS
)

_GOAL_KEYS = ("home_goals", "away_goals")
_PROBABILITY_KEYS = ("p_home", "p_draw", "p_away")
_ALIASES = {
    "home_goals": ("home_goals", "homeGoals", "home_score", "home"),
    "away_goals": ("away_goals", "awayGoals", "away_score", "away"),
    "p_home": ("p_home", "pHome", "home_win"),
    "p_draw": ("p_draw", "pDraw", "draw"),
    "p_away": ("p_away", "pAway", "away_win"),
}
_THINK_BLOCK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_THINK_OPEN = re.compile(r"<think>", re.IGNORECASE)
_THINK_CLOSE = re.compile(r"</think>", re.IGNORECASE)
_FENCE = re.compile(r"```[\w+-]*")

_Object = dict[str, object]


@dataclass(frozen=True, kw_only=True)
class Answer:
    """A prediction read from a model's answer, and the tolerances it took to read it."""

    home_goals: int
    away_goals: int
    probabilities: probabilistic.Probabilities | None
    repairs: tuple[str, ...] = ()

    @property
    def forecast(self) -> Forecast:
        return Forecast(
            home_goals=self.home_goals,
            away_goals=self.away_goals,
            probabilities=self.probabilities,
        )


def parse(text: str) -> Answer:
    """Read a prediction from an answer's text, applying the tolerances the module lists.

    Raises:
        errors.InvalidForecast: no usable prediction; the message says why.
    """
    if not text.strip():
        raise _invalid("the answer is empty", text)
    repairs: list[str] = []
    body = _without_thinking(text, repairs)
    if not body.strip():
        raise _invalid("the answer holds only <think> reasoning and no prediction", text)
    candidates = _json_objects(body)
    if not candidates:
        raise _invalid("the answer holds no JSON object", text)
    start, end, chosen = _prediction_object(candidates, text)
    if _FENCE.search(body):
        _note(repairs, "stripped code fence")
    if _FENCE.sub("", body[:start] + body[end:]).strip():
        _note(repairs, "ignored text around the JSON")
    home_goals, away_goals = (_goals(chosen, key, text, repairs) for key in _GOAL_KEYS)
    probabilities = _probabilities(chosen, text, repairs)
    return Answer(
        home_goals=home_goals,
        away_goals=away_goals,
        probabilities=probabilities,
        repairs=tuple(repairs),
    )


def repair_prompt(reason: str) -> str:
    """The follow-up user message asking once more, after an answer that could not be used."""
    return f"Your previous answer could not be used: {reason}.\n{JSON_INSTRUCTIONS}"


def _without_thinking(text: str, repairs: list[str]) -> str:
    body, closed = _THINK_BLOCK.subn("", text)
    if closed:
        _note(repairs, "stripped <think>")
    after_close = _THINK_CLOSE.split(body)
    if len(after_close) > 1:
        body = after_close[-1]
        _note(repairs, "kept only the text after </think>")
    before_open = _THINK_OPEN.split(body, maxsplit=1)
    if len(before_open) > 1:
        body = before_open[0]
        _note(repairs, "dropped unclosed <think>")
    return body


def _json_objects(body: str) -> list[tuple[int, int, _Object]]:
    """Every outermost balanced ``{…}`` in ``body`` that is valid JSON, with its span."""
    decoder = json.JSONDecoder()
    found: list[tuple[int, int, _Object]] = []
    start = body.find("{")
    while start != -1:
        try:
            value, end = decoder.raw_decode(body, start)
        except (ValueError, RecursionError):
            start = body.find("{", start + 1)
            continue
        found.append((start, end, value))
        start = body.find("{", end)
    return found


def _prediction_object(
    candidates: list[tuple[int, int, _Object]], text: str
) -> tuple[int, int, _Object]:
    with_goals = [c for c in candidates if all(_field(c[2], key) for key in _GOAL_KEYS)]
    if with_goals:
        return with_goals[-1]
    if any("type" in value or "properties" in value for _, _, value in candidates):
        raise _invalid("the answer echoes the JSON schema instead of a prediction", text)
    last = candidates[-1][2]
    missing = " and ".join(key for key in _GOAL_KEYS if _field(last, key) is None)
    keys = ", ".join(sorted(last)[:10]) or "none"
    raise _invalid(f"the JSON object has no {missing} (its keys: {keys})", text)


def _field(value: _Object, key: str) -> tuple[str, object] | None:
    """The first of ``key``'s aliases present in ``value``, and its value."""
    for alias in _ALIASES[key]:
        if alias in value:
            return alias, value[alias]
    return None


def _take(value: _Object, key: str, repairs: list[str]) -> object:
    found = _field(value, key)
    assert found is not None, key
    alias, raw = found
    if alias != key:
        _note(repairs, f"key {alias} for {key}")
    return raw


def _number(key: str, raw: object, text: str, repairs: list[str]) -> tuple[int | float, bool]:
    """``raw`` as a finite number, and whether it was written with a percent sign."""
    value, percent = raw, False
    if isinstance(raw, str):
        _note(repairs, "numbers as strings")
        digits = raw.strip()
        percent = digits.endswith("%")
        value = _from_text(digits.removesuffix("%").strip())
    if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
        raise _invalid(f"{key}={reprlib.repr(raw)} is not a finite number", text)
    return value, percent


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _from_text(digits: str) -> int | float | None:
    for kind in (int, float):
        try:
            return kind(digits)
        except ValueError:
            continue
    return None


def _goals(value: _Object, key: str, text: str, repairs: list[str]) -> int:
    raw = _take(value, key, repairs)
    number, percent = _number(key, raw, text, repairs)
    if percent or (isinstance(number, float) and not number.is_integer()):
        raise _invalid(f"{key}={reprlib.repr(raw)} is not a whole number of goals", text)
    if isinstance(number, float):
        _note(repairs, "whole floats as goals")
    if not 0 <= number <= MAX_GOALS:
        raise _invalid(f"{key}={reprlib.repr(raw)} is outside 0..{MAX_GOALS}", text)
    return int(number)


def _probabilities(
    value: _Object, text: str, repairs: list[str]
) -> probabilistic.Probabilities | None:
    present = [key for key in _PROBABILITY_KEYS if _field(value, key) is not None]
    if not present:
        _note(repairs, "no probabilities")
        return None
    if len(present) < len(_PROBABILITY_KEYS):
        missing = ", ".join(key for key in _PROBABILITY_KEYS if key not in present)
        raise _invalid(f"the probabilities are incomplete: {missing} missing", text)
    numbers: list[float] = []
    any_percent = False
    for key in _PROBABILITY_KEYS:
        raw = _take(value, key, repairs)
        number, percent = _number(key, raw, text, repairs)
        if number < 0:
            raise _invalid(f"{key}={reprlib.repr(raw)} is negative", text)
        numbers.append(float(number))
        any_percent = any_percent or percent
    total = math.fsum(numbers)
    if any_percent or any(number > 1 for number in numbers):
        numbers = _rescaled(numbers, percent=any_percent, text=text, repairs=repairs)
        total = math.fsum(numbers)
    if abs(total - 1) > SUM_TOLERANCE:
        raise _invalid(
            f"p_home + p_draw + p_away = {total:g}, more than {SUM_TOLERANCE:g} away from 1", text
        )
    if abs(total - 1) > probabilistic.PROBABILITY_TOLERANCE:
        numbers = [number / total for number in numbers]
        _note(repairs, f"normalised sum {total:.4g}")
    home, draw, away = numbers
    return probabilistic.Probabilities(home=home, draw=draw, away=away)


def _rescaled(numbers: list[float], *, percent: bool, text: str, repairs: list[str]) -> list[float]:
    """Numbers above 1 read as probabilities, where only one reading fits: percentages (written
    with % or summing to 100 ± 5) or decimal odds (all above 1, their inverses summing to 1
    less ``SUM_TOLERANCE`` up to 1 plus ``MAX_ODDS_MARGIN``)."""
    total = math.fsum(numbers)
    as_percentages = percent or abs(total - 100) <= 100 * SUM_TOLERANCE
    inverse = math.fsum(1 / n for n in numbers) if all(n > 1 for n in numbers) else 0.0
    as_odds = not percent and 1 - SUM_TOLERANCE <= inverse <= 1 + MAX_ODDS_MARGIN
    shown = ", ".join(f"{n:g}" for n in numbers)
    if as_percentages and as_odds:
        raise _invalid(
            f"the probabilities ({shown}) read both as percentages and as decimal odds", text
        )
    if as_odds:
        _note(repairs, f"decimal odds (margin {inverse - 1:+.3f})")
        return [1 / n / inverse for n in numbers]
    if not as_percentages or abs(total - 100) > 100 * SUM_TOLERANCE:
        raise _invalid(
            f"the probabilities ({shown}) are not probabilities: they sum to {total:g}, and"
            " read neither as percentages (summing to 100) nor as decimal odds",
            text,
        )
    _note(repairs, "percentages")
    return [n / 100 for n in numbers]


def _note(repairs: list[str], repair: str) -> None:
    if repair not in repairs:
        repairs.append(repair)


def _excerpt(text: str) -> str:
    """At most ``EXCERPT_CHARS`` of ``text``, whitespace collapsed; its head and tail if longer."""
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT_CHARS:
        return flat
    head = EXCERPT_CHARS * 3 // 5
    return f"{flat[:head]} … {flat[-(EXCERPT_CHARS - head - 3) :]}"


def _invalid(reason: str, text: str) -> errors.InvalidForecast:
    excerpt = _excerpt(text)
    return errors.InvalidForecast(
        f"{reason}; the answer was {excerpt!r}", reason=reason, excerpt=excerpt
    )
