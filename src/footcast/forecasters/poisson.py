"""Dixon-Coles and plain Poisson models, fitted on the snapshot's history alone.

Goals are Poisson with log-means ``base + home + attack[scorer] - defence[conceder]``. Results
are weighted by ``exp(-ln 2 * age_days / half_life_days)``, age measured from ``as_of``. A weak
ridge (``RIDGE``) keeps teams without goals finite, and a penalty keeps attack and defence summing
to zero. Below ``min_matches`` results, or for a team absent from the history, the forecast uses
the league base rates: mean home and away goals of the history (1.5 and 1.2 when it is empty).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import numpy.typing as npt
from scipy import optimize  # type: ignore[import-untyped]

from footcast.domain.analysis import Need, PastMatch, Snapshot
from footcast.domain.forecast import Forecast
from footcast.forecasters import scorelines

__all__ = [
    "CACHE_SIZE",
    "DEFAULT_AWAY_GOALS",
    "DEFAULT_HOME_GOALS",
    "RIDGE",
    "DixonColesForecaster",
    "Model",
    "PoissonForecaster",
    "fit",
]

DEFAULT_HOME_GOALS = 1.5
DEFAULT_AWAY_GOALS = 1.2
RIDGE = 1.0
CACHE_SIZE = 64
_SUM_PENALTY = 10.0
_RHO_BOUND = 0.2
_TAU_FLOOR = 1e-10

_Vector = npt.NDArray[np.float64]


@dataclass(frozen=True, kw_only=True)
class Model:
    """A fitted model; ``teams`` maps a name to its index in ``attack`` and ``defence``."""

    teams: dict[str, int]
    attack: _Vector
    defence: _Vector
    base: float
    home_advantage: float
    rho: float
    base_home_goals: float
    base_away_goals: float

    def means(self, home: str, away: str) -> tuple[float, float, float]:
        """Home mean, away mean and rho; league base rates for a team the fit has not seen."""
        h, a = self.teams.get(home), self.teams.get(away)
        if h is None or a is None:
            return self.base_home_goals, self.base_away_goals, 0.0
        log_home = self.base + self.home_advantage + self.attack[h] - self.defence[a]
        log_away = self.base + self.attack[a] - self.defence[h]
        return (
            _clip_mean(math.exp(log_home)),
            _clip_mean(math.exp(log_away)),
            self.rho,
        )


def _clip_mean(value: float) -> float:
    return min(max(value, scorelines.MIN_MEAN), scorelines.MAX_MEAN)


@dataclass(frozen=True)
class _Data:
    home: npt.NDArray[np.intp]
    away: npt.NDArray[np.intp]
    x: _Vector
    y: _Vector
    w: _Vector
    n_teams: int
    i00: npt.NDArray[np.intp]
    i01: npt.NDArray[np.intp]
    i10: npt.NDArray[np.intp]
    i11: npt.NDArray[np.intp]


def _objective(theta: _Vector, data: _Data, use_rho: bool) -> tuple[float, _Vector]:
    n = data.n_teams
    attack, defence = theta[:n], theta[n : 2 * n]
    base, home_adv = theta[2 * n], theta[2 * n + 1]
    rho = theta[2 * n + 2] if use_rho else 0.0
    log_lam = base + home_adv + attack[data.home] - defence[data.away]
    log_mu = base + attack[data.away] - defence[data.home]
    lam, mu = np.exp(log_lam), np.exp(log_mu)
    ll = data.x * log_lam - lam + data.y * log_mu - mu
    g_lam = data.x - lam
    g_mu = data.y - mu
    g_rho = 0.0
    if use_rho:
        lam00, mu00 = lam[data.i00], mu[data.i00]
        tau00 = np.maximum(1 - lam00 * mu00 * rho, _TAU_FLOOR)
        tau01 = np.maximum(1 + lam[data.i01] * rho, _TAU_FLOOR)
        tau10 = np.maximum(1 + mu[data.i10] * rho, _TAU_FLOOR)
        tau11 = max(1 - rho, _TAU_FLOOR)
        ll[data.i00] += np.log(tau00)
        ll[data.i01] += np.log(tau01)
        ll[data.i10] += np.log(tau10)
        ll[data.i11] += math.log(tau11)
        g_lam[data.i00] -= lam00 * mu00 * rho / tau00
        g_mu[data.i00] -= lam00 * mu00 * rho / tau00
        g_lam[data.i01] += lam[data.i01] * rho / tau01
        g_mu[data.i10] += mu[data.i10] * rho / tau10
        g_rho = float(
            -(data.w[data.i00] * lam00 * mu00 / tau00).sum()
            + (data.w[data.i01] * lam[data.i01] / tau01).sum()
            + (data.w[data.i10] * mu[data.i10] / tau10).sum()
            - data.w[data.i11].sum() / tau11
        )
    g_lam *= data.w
    g_mu *= data.w
    sum_att, sum_def = float(attack.sum()), float(defence.sum())
    value = (
        -float(data.w @ ll)
        + 0.5 * RIDGE * float(attack @ attack + defence @ defence)
        + 0.5 * _SUM_PENALTY * (sum_att**2 + sum_def**2)
    )
    lam_home = np.bincount(data.home, g_lam, n)
    lam_away = np.bincount(data.away, g_lam, n)
    mu_home = np.bincount(data.home, g_mu, n)
    mu_away = np.bincount(data.away, g_mu, n)
    grad = np.empty_like(theta)
    grad[:n] = -(lam_home + mu_away) + RIDGE * attack + _SUM_PENALTY * sum_att
    grad[n : 2 * n] = (lam_away + mu_home) + RIDGE * defence + _SUM_PENALTY * sum_def
    grad[2 * n] = -(g_lam.sum() + g_mu.sum())
    grad[2 * n + 1] = -g_lam.sum()
    if use_rho:
        grad[2 * n + 2] = -g_rho
    return value, grad


def _base_rates(history: Sequence[PastMatch]) -> tuple[float, float]:
    if not history:
        return DEFAULT_HOME_GOALS, DEFAULT_AWAY_GOALS
    home = sum(p.home_goals for p in history) / len(history)
    away = sum(p.away_goals for p in history) / len(history)
    return _clip_mean(home), _clip_mean(away)


def fit(
    history: Sequence[PastMatch],
    *,
    as_of: datetime,
    half_life_days: float = 180.0,
    use_rho: bool = True,
    min_matches: int = 20,
) -> Model:
    """Fit the model on ``history`` by weighted maximum likelihood (L-BFGS-B).

    With fewer than ``min_matches`` results the model knows no team and gives base rates.
    """
    base_home, base_away = _base_rates(history)
    if len(history) < min_matches:
        empty = np.zeros(0, dtype=np.float64)
        return Model(
            teams={},
            attack=empty,
            defence=empty,
            base=0.0,
            home_advantage=0.0,
            rho=0.0,
            base_home_goals=base_home,
            base_away_goals=base_away,
        )
    names = sorted({p.home for p in history} | {p.away for p in history})
    teams = {name: i for i, name in enumerate(names)}
    x = np.array([p.home_goals for p in history], dtype=np.float64)
    y = np.array([p.away_goals for p in history], dtype=np.float64)
    age = np.array([(as_of - p.kickoff).total_seconds() / 86400 for p in history])
    data = _Data(
        home=np.array([teams[p.home] for p in history], dtype=np.intp),
        away=np.array([teams[p.away] for p in history], dtype=np.intp),
        x=x,
        y=y,
        w=np.exp(-math.log(2) * age / half_life_days),
        n_teams=len(names),
        i00=np.flatnonzero((x == 0) & (y == 0)),
        i01=np.flatnonzero((x == 0) & (y == 1)),
        i10=np.flatnonzero((x == 1) & (y == 0)),
        i11=np.flatnonzero((x == 1) & (y == 1)),
    )
    n = len(names)
    start = np.zeros(2 * n + 2 + int(use_rho), dtype=np.float64)
    start[2 * n] = math.log(max((base_home + base_away) / 2, scorelines.MIN_MEAN))
    start[2 * n + 1] = math.log(base_home / base_away)
    bounds: list[tuple[float | None, float | None]] = [(None, None)] * (2 * n + 2)
    if use_rho:
        bounds.append((-_RHO_BOUND, _RHO_BOUND))
    result = optimize.minimize(
        _objective,
        start,
        args=(data, use_rho),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 500},
    )
    theta: _Vector = np.asarray(result.x, dtype=np.float64)
    return Model(
        teams=teams,
        attack=theta[:n].copy(),
        defence=theta[n : 2 * n].copy(),
        base=float(theta[2 * n]),
        home_advantage=float(theta[2 * n + 1]),
        rho=float(theta[2 * n + 2]) if use_rho else 0.0,
        base_home_goals=base_home,
        base_away_goals=base_away,
    )


class DixonColesForecaster:
    """Dixon-Coles with time decay; fits are cached per (competition, as_of date, history size)."""

    needs: frozenset[Need] = frozenset()
    remote: bool = False

    def __init__(
        self,
        name: str = "dixon-coles",
        half_life_days: float = 180.0,
        use_rho: bool = True,
        *,
        min_matches: int = 20,
    ) -> None:
        self.name = name
        self.half_life_days = half_life_days
        self.use_rho = use_rho
        self.min_matches = min_matches
        self._cache: dict[tuple[str, date, int], Model] = {}

    def model(self, snapshot: Snapshot) -> Model:
        """The model fitted on ``snapshot.history`` (cached)."""
        key = (snapshot.competition, snapshot.as_of.date(), len(snapshot.history))
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        fitted = fit(
            snapshot.history,
            as_of=snapshot.as_of,
            half_life_days=self.half_life_days,
            use_rho=self.use_rho,
            min_matches=self.min_matches,
        )
        if len(self._cache) >= CACHE_SIZE:
            del self._cache[next(iter(self._cache))]
        self._cache[key] = fitted
        return fitted

    def predict(self, snapshot: Snapshot) -> Forecast:
        home_mean, away_mean, rho = self.model(snapshot).means(snapshot.home, snapshot.away)
        matrix = scorelines.score_matrix(home_mean, away_mean, rho=rho)
        home_goals, away_goals = scorelines.pick_score(matrix)
        return Forecast(
            home_goals=home_goals,
            away_goals=away_goals,
            probabilities=scorelines.outcome_probabilities(matrix),
        )


class PoissonForecaster(DixonColesForecaster):
    """Independent Poisson goals (Dixon-Coles without the low-score correction)."""

    def __init__(
        self, name: str = "poisson", half_life_days: float = 180.0, *, min_matches: int = 20
    ) -> None:
        super().__init__(name, half_life_days, use_rho=False, min_matches=min_matches)
