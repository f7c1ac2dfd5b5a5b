"""The season race's geometry: cumulative points, in order, with labels apart."""

from __future__ import annotations

from footcast.db.reads.points import RacePoint
from footcast.web import charts


def test_the_race_accumulates_points_per_matchday() -> None:
    scored = [
        RacePoint(forecaster="a", matchday=1, points=4),
        RacePoint(forecaster="a", matchday=3, points=2),
        RacePoint(forecaster="m", matchday=2, points=6),
    ]
    race = charts.race(["R1", "R2", "R3"], scored, order=["a", "m"], references=["m"])
    assert race is not None
    a, m = race.lines
    assert (a.total, m.total, a.reference, m.reference) == (6, 6, False, True)
    assert len(a.points.split()) == 4  # the start and three matchdays
    assert abs(a.label_y - m.label_y) >= 12  # the same total: the labels are moved apart
    assert [label for _, label in race.x_ticks] == ["1", "2", "3"]
    assert charts.race([], scored, order=["a"]) is None


def test_the_bars_share_the_picks() -> None:
    assert [(b.kind, b.share) for b in charts.bars(2, 1, 1)] == [
        ("home", 0.5), ("draw", 0.25), ("away", 0.25)
    ]  # fmt: skip
    assert charts.bars(0, 0, 0) == []
