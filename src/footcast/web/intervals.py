"""The statistics the pages draw, computed from plain values (no I/O): 95% bootstrap intervals of
mean points per match with the "statistically tied" marks (SCORING.md §5), and the reliability
bins (probability intervals) of a forecaster's calibration chart."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from footcast.db.reads.points import MatchPoints, Outcome

__all__ = [
    "BINS",
    "LEVEL",
    "RESAMPLES",
    "SEED",
    "Bin",
    "Interval",
    "bootstrap",
    "reliability",
    "ties",
]

RESAMPLES = 2000
SEED = 20_250_815  # fixed, so the same settlements always give the same intervals
LEVEL = 0.95
BINS = 10
_CHUNK = 250  # resamples drawn at once: bounds the weights held in memory to _CHUNK × matches


@dataclass(frozen=True, kw_only=True)
class Interval:
    low: float
    high: float

    def overlaps(self, other: Interval) -> bool:
        return self.low <= other.high and other.low <= self.high


@dataclass(frozen=True, kw_only=True)
class Bin:
    """Predicted probabilities in ``[low, high)`` (the last bin includes 1): how many, their
    mean, and how often the outcome happened."""

    low: float
    high: float
    count: int
    predicted: float
    observed: float


def bootstrap(
    scored: Iterable[MatchPoints],
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    level: float = LEVEL,
) -> dict[str, Interval]:
    """Each forecaster's percentile interval of its mean points per predicted match.

    The matches are resampled with replacement, one draw shared by every forecaster, so models
    that scored alike on the same matches get alike intervals. A forecaster's mean in a resample
    is over the drawn matches it predicted; resamples holding none of them are left out.
    """
    rows = list(scored)
    if not rows:
        return {}
    names = sorted({r.forecaster for r in rows})
    matches = sorted({r.match_id for r in rows})
    who = np.searchsorted(names, [r.forecaster for r in rows])
    where = np.searchsorted(matches, [r.match_id for r in rows])
    points = np.zeros((len(names), len(matches)))
    points[who, where] = [r.points for r in rows]
    predicted = np.zeros_like(points)
    predicted[who, where] = 1.0
    rng = np.random.default_rng(seed)
    width = len(matches)
    means = np.empty((resamples, len(names)))
    for start in range(0, resamples, _CHUNK):
        size = min(_CHUNK, resamples - start)
        picks = rng.integers(0, width, size=(size, width)) + width * np.arange(size)[:, None]
        drawn = np.bincount(picks.ravel(), minlength=size * width).reshape(size, width)
        with np.errstate(invalid="ignore"):  # 0/0: a resample without the forecaster's matches
            means[start : start + size] = (drawn @ points.T) / (drawn @ predicted.T)
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(means, [tail, 100 - tail], axis=0)
    return {name: Interval(low=float(low[i]), high=float(high[i])) for i, name in enumerate(names)}


def ties(intervals: Mapping[str, Interval], *, leader: str | None) -> set[str]:
    """The forecasters other than ``leader`` whose interval overlaps the leader's."""
    best = None if leader is None else intervals.get(leader)
    if best is None:
        return set()
    return {name for name, found in intervals.items() if name != leader and found.overlaps(best)}


def reliability(outcomes: Iterable[Outcome], *, bins: int = BINS) -> list[Bin]:
    """The predicted probabilities in ``bins`` equal bins against the observed frequency of
    their outcomes; empty bins are left out."""
    found = list(outcomes)
    probability = np.array([o.probability for o in found], dtype=float)
    happened = np.array([o.happened for o in found], dtype=float)
    index = np.minimum((probability * bins).astype(int), bins - 1)
    counts = np.bincount(index, minlength=bins)
    sums = np.bincount(index, weights=probability, minlength=bins)
    hits = np.bincount(index, weights=happened, minlength=bins)
    return [
        Bin(
            low=k / bins,
            high=(k + 1) / bins,
            count=int(counts[k]),
            predicted=float(sums[k] / counts[k]),
            observed=float(hits[k] / counts[k]),
        )
        for k in range(bins)
        if counts[k]
    ]
