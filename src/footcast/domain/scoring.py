"""Scores, tendencies and the point rules of SCORING.md §2 (``quota-v1``, ``standard-v1``).

Quotas are computed in exact rational arithmetic and rounded half up, so the same frozen set and the
same final score give the same points on any machine.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import ClassVar, TypeAlias

__all__ = [
    "BUILTIN_RULES",
    "QuotaRule",
    "Quotas",
    "Rule",
    "Score",
    "StandardRule",
    "Tendency",
    "TendencyCounts",
    "quota",
    "round_half_up",
    "rule_from_params",
    "tendency",
]


class Tendency(StrEnum):
    """The outcome of a score: home win, draw or away win."""

    HOME = "H"
    DRAW = "D"
    AWAY = "A"


def _require_non_negative_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}={value!r} is not an integer")
    if value < 0:
        raise ValueError(f"{name}={value!r} is negative; it must be >= 0")


def tendency(home: int, away: int) -> Tendency:
    """Return the tendency of the score ``home:away``."""
    if home > away:
        return Tendency.HOME
    if home < away:
        return Tendency.AWAY
    return Tendency.DRAW


@dataclass(frozen=True, kw_only=True)
class Score:
    """A final score or a predicted score, ``home:away``."""

    home: int
    away: int

    def __post_init__(self) -> None:
        _require_non_negative_int("home", self.home)
        _require_non_negative_int("away", self.away)

    def __str__(self) -> str:
        return f"{self.home}:{self.away}"

    @property
    def tendency(self) -> Tendency:
        return tendency(self.home, self.away)

    @property
    def goal_difference(self) -> int:
        return self.home - self.away


@dataclass(frozen=True, kw_only=True)
class TendencyCounts:
    """How many predictions of a frozen set have each tendency (T_H, T_D, T_A)."""

    home: int = 0
    draw: int = 0
    away: int = 0

    def __post_init__(self) -> None:
        _require_non_negative_int("home", self.home)
        _require_non_negative_int("draw", self.draw)
        _require_non_negative_int("away", self.away)

    @property
    def total(self) -> int:
        return self.home + self.draw + self.away

    def of(self, t: Tendency) -> int:
        """Return the count for tendency ``t``."""
        return {Tendency.HOME: self.home, Tendency.DRAW: self.draw, Tendency.AWAY: self.away}[t]

    @classmethod
    def from_scores(cls, scores: Iterable[Score]) -> TendencyCounts:
        """Count the tendencies of ``scores``."""
        counts = Counter(score.tendency for score in scores)
        return cls(
            home=counts[Tendency.HOME], draw=counts[Tendency.DRAW], away=counts[Tendency.AWAY]
        )


@dataclass(frozen=True, kw_only=True)
class Quotas:
    """The points a right tendency is worth for one match, per tendency."""

    home: int
    draw: int
    away: int

    def of(self, t: Tendency) -> int:
        """Return the quota of tendency ``t``."""
        return {Tendency.HOME: self.home, Tendency.DRAW: self.draw, Tendency.AWAY: self.away}[t]


def round_half_up(value: Fraction) -> int:
    """Round to the nearest integer, halves up (2.5 -> 3, -2.5 -> -2); not ``round()``."""
    return math.floor(value + Fraction(1, 2))


def quota(*, n: int, t: int, minimum: int, maximum: int) -> int:
    """Return the quota of a tendency picked by ``t`` of ``n`` predictions (SCORING.md §2)."""
    _require_non_negative_int("n", n)
    _require_non_negative_int("t", t)
    if t > n:
        raise ValueError(f"t={t} is greater than n={n}; a tendency count can not exceed the total")
    if minimum > maximum:
        raise ValueError(f"minimum={minimum} is greater than maximum={maximum}")
    if t == 0:
        return maximum
    exact = Fraction(maximum * n, 10 * t) - Fraction(maximum, 10) + minimum
    return min(max(round_half_up(exact), minimum), maximum)


@dataclass(frozen=True, kw_only=True)
class QuotaRule:
    """Kicktipp's quota rule: a right tendency earns its quota, plus bonuses."""

    kind: ClassVar[str] = "quota"

    name: str = "quota-v1"
    minimum: int = 2
    maximum: int = 6
    goal_difference_bonus: int = 1
    exact_bonus: int = 3

    def __post_init__(self) -> None:
        for key, value in self.params().items():
            _require_non_negative_int(key, value)
        if self.minimum > self.maximum:
            raise ValueError(f"minimum={self.minimum} is greater than maximum={self.maximum}")

    def quotas(self, counts: TendencyCounts) -> Quotas | None:
        """Return the quotas of a frozen set, or None when it is empty (nothing to freeze)."""
        n = counts.total
        if n == 0:
            return None
        return Quotas(
            home=quota(n=n, t=counts.home, minimum=self.minimum, maximum=self.maximum),
            draw=quota(n=n, t=counts.draw, minimum=self.minimum, maximum=self.maximum),
            away=quota(n=n, t=counts.away, minimum=self.minimum, maximum=self.maximum),
        )

    def points(self, predicted: Score, actual: Score, quotas: Quotas | None) -> int:
        """Return the points of ``predicted`` for the result ``actual`` under ``quotas``."""
        if quotas is None:
            raise ValueError(f"{self.name} needs the match's quotas; quotas=None")
        if predicted.tendency is not actual.tendency:
            return 0
        points = quotas.of(actual.tendency)
        if predicted.goal_difference == actual.goal_difference:
            points += self.goal_difference_bonus
        if predicted == actual:
            points += self.exact_bonus
        return points

    @property
    def max_points(self) -> int:
        return self.maximum + self.goal_difference_bonus + self.exact_bonus

    def params(self) -> dict[str, int]:
        """Return the parameters stored with every settlement."""
        return {
            "minimum": self.minimum,
            "maximum": self.maximum,
            "goal_difference_bonus": self.goal_difference_bonus,
            "exact_bonus": self.exact_bonus,
        }


@dataclass(frozen=True, kw_only=True)
class StandardRule:
    """Kicktipp's default fixed rule: tendency, goal difference or exact score."""

    kind: ClassVar[str] = "standard"

    name: str = "standard-v1"
    tendency: int = 2
    goal_difference: int = 3
    exact: int = 4

    def __post_init__(self) -> None:
        for key, value in self.params().items():
            _require_non_negative_int(key, value)

    def quotas(self, counts: TendencyCounts) -> Quotas | None:
        """Return None: fixed points need no quotas."""
        return None

    def points(self, predicted: Score, actual: Score, quotas: Quotas | None) -> int:
        """Return the points of ``predicted`` for the result ``actual``; ``quotas`` is ignored."""
        if predicted == actual:
            return self.exact
        if predicted.tendency is not actual.tendency:
            return 0
        if actual.tendency is not Tendency.DRAW and (
            predicted.goal_difference == actual.goal_difference
        ):
            return self.goal_difference
        return self.tendency

    @property
    def max_points(self) -> int:
        return max(self.tendency, self.goal_difference, self.exact)

    def params(self) -> dict[str, int]:
        """Return the parameters stored with every settlement."""
        return {
            "tendency": self.tendency,
            "goal_difference": self.goal_difference,
            "exact": self.exact,
        }


Rule: TypeAlias = QuotaRule | StandardRule

BUILTIN_RULES: Mapping[str, Rule] = MappingProxyType(
    {rule.name: rule for rule in (QuotaRule(), StandardRule())}
)


def rule_from_params(*, name: str, kind: str, params: Mapping[str, int]) -> Rule:
    """Rebuild a rule from its stored name, kind and parameters.

    Every parameter of the kind must be given, so a stored rule is rebuilt exactly.
    """
    if not name:
        raise ValueError("name='' is empty; a rule needs a name")
    expected = {QuotaRule.kind: QuotaRule().params(), StandardRule.kind: StandardRule().params()}
    if kind not in expected:
        raise ValueError(f"kind={kind!r} is unknown; expected one of {sorted(expected)}")
    unknown = sorted(set(params) - set(expected[kind]))
    if unknown:
        raise ValueError(f"{kind} rule {name!r}: unknown parameter(s) {', '.join(unknown)}")
    missing = [key for key in expected[kind] if key not in params]
    if missing:
        raise ValueError(f"{kind} rule {name!r}: missing parameter(s) {', '.join(missing)}")
    for key, value in params.items():
        _require_non_negative_int(key, value)
    if kind == QuotaRule.kind:
        return QuotaRule(
            name=name,
            minimum=params["minimum"],
            maximum=params["maximum"],
            goal_difference_bonus=params["goal_difference_bonus"],
            exact_bonus=params["exact_bonus"],
        )
    return StandardRule(
        name=name,
        tendency=params["tendency"],
        goal_difference=params["goal_difference"],
        exact=params["exact"],
    )
