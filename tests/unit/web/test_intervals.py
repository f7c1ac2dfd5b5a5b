"""The paired comparisons on constructed data whose answer is known."""

from __future__ import annotations

from footcast.db.reads.points import MatchPoints
from footcast.web import intervals


def _scored(name: str, points: list[int], rps: list[float] | None = None) -> list[MatchPoints]:
    return [
        MatchPoints(forecaster=name, match_id=n, points=p, rps=None if rps is None else rps[n])
        for n, p in enumerate(points)
    ]


def test_a_steady_gap_is_told_apart_though_the_intervals_overlap() -> None:
    luck = [6, 0, 4, 0, 5, 0, 3, 0, 6, 1] * 8  # matches easy or hard for everybody
    leader = _scored("leader", luck, [0.1 + 0.01 * (n % 7) for n in range(80)])
    close = _scored(
        "close", [max(0, p - 1) for p in luck], [0.12 + 0.01 * (n % 7) for n in range(80)]
    )
    alone = intervals.bootstrap(leader + close)
    assert intervals.ties(alone, leader="leader") == {"close"}  # the old rule: tied
    found = intervals.compare(leader + close, against=["leader"])["leader"]
    versus = found["close"]
    assert versus.matches == 80
    assert versus.points is not None
    assert versus.points.high < 0
    assert versus.verdict == "worse"
    assert versus.rps is not None
    assert versus.rps.low > 0  # its RPS is higher (worse) on every match: 0.02
    assert abs(versus.rps.mean - 0.02) < 1e-9
    assert "leader" not in found  # never compared with itself


def test_equal_forecasters_are_even_and_a_fixed_seed_gives_the_same_answer() -> None:
    a = _scored("a", [3, 0, 2, 0, 4, 0] * 10)
    b = _scored("b", [0, 3, 0, 2, 0, 4] * 10)
    once = intervals.compare(a + b, against=["a"])
    assert once == intervals.compare(a + b, against=["a"])
    versus = once["a"]["b"]
    assert versus.verdict == "even"
    assert versus.points is not None
    assert versus.points.low < 0 < versus.points.high
    assert versus.rps is None  # no probabilities given


def test_only_the_matches_both_predicted_are_compared() -> None:
    full = _scored("full", [2] * 10)
    part = [MatchPoints(forecaster="part", match_id=n, points=5) for n in (3, 4)]
    versus = intervals.compare(full + part, against=["full", "nobody"])
    assert versus["full"]["part"].matches == 2
    assert versus["full"]["part"].points == intervals.Difference(mean=3.0, low=3.0, high=3.0)
    assert versus["full"]["part"].verdict == "better"
    assert versus["nobody"] == {}
    assert intervals.compare([], against=["x"]) == {"x": {}}
