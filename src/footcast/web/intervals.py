"""The statistics the pages draw, computed from plain values (no I/O): 95% bootstrap intervals of
mean points per match with the "statistically tied" marks (SCORING.md §5), paired comparisons of
each forecaster against another (the leader, the market) on the matches both predicted, and the
reliability bins (probability intervals) of a forecaster's calibration chart.

Why paired: two forecasters' intervals overlap whenever the matches were hard for both, since
most of a mean's spread is the luck of the matches drawn. A paired comparison resamples the
per-match *differences*, so that shared luck cancels and only the gap between them is left."""

from __future__ import annotations

import warnings
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
    "Comparison",
    "Difference",
    "Interval",
    "bootstrap",
    "compare",
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
        counts = np.bincount(picks.ravel(), minlength=size * width).reshape(size, width)
        drawn = counts.astype(float)  # once, not in every product below
        with np.errstate(invalid="ignore"):  # 0/0: a resample without the forecaster's matches
            means[start : start + size] = (drawn @ points.T) / (drawn @ predicted.T)
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(means, [tail, 100 - tail], axis=0)
    return {name: Interval(low=float(low[i]), high=float(high[i])) for i, name in enumerate(names)}


@dataclass(frozen=True, kw_only=True)
class Difference:
    """The mean per-match difference (this forecaster minus the other) with its paired
    bootstrap percentile interval."""

    mean: float
    low: float
    high: float

    @property
    def distinguishable(self) -> bool:
        """The interval leaves out 0: the difference is not the luck of the matches."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """One forecaster against ``against`` on the ``matches`` both predicted: the difference of
    points (higher is better) and of RPS (lower is better; on the matches both gave
    probabilities for, None when there are none)."""

    against: str
    matches: int
    points: Difference | None
    rps: Difference | None

    @property
    def verdict(self) -> str:
        """``better``, ``worse`` or ``even`` (not distinguishable) on points."""
        if self.points is None or not self.points.distinguishable:
            return "even"
        return "better" if self.points.low > 0 else "worse"


def compare(
    scored: Iterable[MatchPoints],
    *,
    against: Iterable[str],
    resamples: int = RESAMPLES,
    seed: int = SEED,
    level: float = LEVEL,
) -> dict[str, dict[str, Comparison]]:
    """Every forecaster compared with each of ``against`` (``result[other][name]``), paired:
    on the matches both predicted, the per-match differences of points and of RPS are
    resampled (matches with replacement, one draw shared by every comparison, fixed seed) and
    the percentile interval of their mean is kept. A forecaster is not compared with itself,
    nor with a forecaster it shares no match with; an unknown ``against`` gives ``{}``."""
    rows = list(scored)
    names = sorted({r.forecaster for r in rows})
    others = [name for name in dict.fromkeys(against) if name in names]
    if not rows or not others:
        return {name: {} for name in against}
    matches = sorted({r.match_id for r in rows})
    who = np.searchsorted(names, [r.forecaster for r in rows])
    where = np.searchsorted(matches, [r.match_id for r in rows])
    points = np.zeros((len(names), len(matches)))
    points[who, where] = [r.points for r in rows]
    have = np.zeros_like(points, dtype=bool)
    have[who, where] = True
    rps = np.full_like(points, np.nan)
    rps[who, where] = [np.nan if r.rps is None else r.rps for r in rows]
    # per comparison target: the pair masks and the per-match differences, names × matches
    setups = []
    for other in others:
        t = names.index(other)
        both = have & have[t]
        both_rps = both & ~np.isnan(rps) & ~np.isnan(rps[t])
        setups.append(
            (
                both.astype(float),
                np.where(both, points - points[t], 0.0),
                both_rps.astype(float),
                np.where(both_rps, rps - rps[t], 0.0),
            )
        )
    rng = np.random.default_rng(seed)
    width = len(matches)
    draws = np.empty((len(others), 2, resamples, len(names)))
    for start in range(0, resamples, _CHUNK):
        size = min(_CHUNK, resamples - start)
        picks = rng.integers(0, width, size=(size, width)) + width * np.arange(size)[:, None]
        counts = np.bincount(picks.ravel(), minlength=size * width).reshape(size, width)
        drawn = counts.astype(float)  # once, not in every product below
        with np.errstate(invalid="ignore", divide="ignore"):  # 0/0: no shared match drawn
            for k, (mask, diff, mask_rps, diff_rps) in enumerate(setups):
                draws[k, 0, start : start + size] = (drawn @ diff.T) / (drawn @ mask.T)
                draws[k, 1, start : start + size] = (drawn @ diff_rps.T) / (drawn @ mask_rps.T)
    tail = (1 - level) / 2 * 100
    found: dict[str, dict[str, Comparison]] = {name: {} for name in against}
    for k, other in enumerate(others):
        mask, diff, mask_rps, diff_rps = setups[k]
        shared = mask.sum(axis=1)
        shared_rps = mask_rps.sum(axis=1)
        with warnings.catch_warnings():  # a column of NaN: no shared match with probabilities
            warnings.simplefilter("ignore", RuntimeWarning)
            bounds = np.nanpercentile(draws[k], [tail, 100 - tail], axis=1)
        for i, name in enumerate(names):
            if name == other or shared[i] == 0:
                continue
            found[other][name] = Comparison(
                against=other,
                matches=int(shared[i]),
                points=Difference(
                    mean=float(diff[i].sum() / shared[i]),
                    low=float(bounds[0, 0, i]),
                    high=float(bounds[1, 0, i]),
                ),
                rps=None
                if shared_rps[i] == 0
                else Difference(
                    mean=float(diff_rps[i].sum() / shared_rps[i]),
                    low=float(bounds[0, 1, i]),
                    high=float(bounds[1, 1, i]),
                ),
            )
    return found


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
