"""The geometry of the pages' SVG charts, computed on the server from plain values (the
templates only draw it): the season race (cumulative points per matchday, one line per
forecaster) and the bars of a match's consensus. Nothing is loaded by the browser."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from footcast.db.reads.points import RacePoint

__all__ = ["Bar", "Line", "Race", "bars", "race"]

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 40, 130, 12, 28  # margins; the right one holds the line labels
PALETTE = ("#1f6feb", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#0b7285", "#5c6475")


@dataclass(frozen=True, kw_only=True)
class Line:
    name: str
    points: str  # "x,y x,y …" for a polyline
    total: int
    colour: str
    label_y: float
    reference: bool


@dataclass(frozen=True, kw_only=True)
class Race:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    lines: list[Line]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    days: int


def _nice(top: float) -> float:
    """A round upper bound ≥ ``top`` for the y axis."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if top <= step * 5:
            return float(step * max(1, -(-int(top) // step)))
    return float(top)


def race(
    days: Sequence[str],
    points: Iterable[RacePoint],
    *,
    order: Sequence[str],
    references: Iterable[str] = (),
) -> Race | None:
    """The cumulative points of the forecasters in ``order`` (drawn and labelled in that
    order) over ``days``; None when there is nothing to draw."""
    if not days or not order:
        return None
    per: dict[str, list[int]] = {name: [0] * len(days) for name in order}
    for p in points:
        if p.forecaster in per and 1 <= p.matchday <= len(days):
            per[p.forecaster][p.matchday - 1] += p.points
    totals: dict[str, list[int]] = {}
    for name, values in per.items():
        running, out = 0, []
        for v in values:
            running += v
            out.append(running)
        totals[name] = out
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = _nice(max(max(v[-1] for v in totals.values()), 1))
    count = len(days)

    def x(day: int) -> float:  # day 0 is the start (0 points)
        return LEFT + plot_w * day / count

    def y(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    refs = set(references)
    lines = []
    for k, name in enumerate(order):
        values = totals[name]
        coords = [(x(0), y(0))] + [(x(d + 1), y(v)) for d, v in enumerate(values)]
        lines.append(
            Line(
                name=name,
                points=" ".join(f"{a:.1f},{b:.1f}" for a, b in coords),
                total=values[-1],
                colour=PALETTE[k % len(PALETTE)],
                label_y=y(values[-1]),
                reference=name in refs,
            )
        )
    _spread(lines)
    step = max(1, count // 8)
    x_ticks = [(x(d), str(d)) for d in range(step, count + 1, step)]
    y_ticks = [(y(top * f / 5), f"{top * f / 5:g}") for f in range(6)]
    return Race(
        width=WIDTH, height=HEIGHT, left=LEFT, top=TOP, plot_width=plot_w, plot_height=plot_h,
        lines=lines, x_ticks=x_ticks, y_ticks=y_ticks, days=count,
    )  # fmt: skip


def _spread(lines: list[Line], gap: float = 12.0) -> None:
    """Move the end labels apart (at least ``gap`` apart vertically), keeping their order."""
    ordered = sorted(range(len(lines)), key=lambda i: lines[i].label_y)
    last = -gap
    for i in ordered:
        wanted = max(lines[i].label_y, last + gap)
        object.__setattr__(lines[i], "label_y", wanted)
        last = wanted


@dataclass(frozen=True, kw_only=True)
class Bar:
    label: str
    share: float  # 0–1
    count: int | None
    kind: str  # a CSS class: home, draw, away


def bars(home: int, draw: int, away: int) -> list[Bar]:
    """The three tendency shares of a consensus (empty when nobody picked)."""
    total = home + draw + away
    if not total:
        return []
    return [
        Bar(label=label, share=n / total, count=n, kind=kind)
        for label, n, kind in (
            ("home", home, "home"),
            ("draw", draw, "draw"),
            ("away", away, "away"),
        )
    ]
