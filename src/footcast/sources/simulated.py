"""A simulated league: a whole season scripted from a seed, told as of any moment.

Everything (schedule, goals and their minutes, odds, postponements, kickoff changes, score
corrections, lineups) is drawn at construction; each call then answers with what was known at
``now``, so nothing later leaks.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from footcast import errors
from footcast.domain import analysis
from footcast.domain.fixture import Fixture
from footcast.domain.names import MatchStatus

__all__ = ["TEAM_NAMES", "SimulatedLeague"]

_TOWNS = (
    "Ashcombe", "Brackenford", "Caldermoor", "Dunhollow", "Elderbridge", "Fernleigh",
    "Greywater", "Hollowmere", "Ironvale", "Juniper Cross", "Kestrelby", "Larkhaven",
    "Marrowby", "Netherfold", "Oakenvale", "Pellingham", "Quillhampton", "Ravenholt",
    "Stonebury", "Thornwick", "Umberfield", "Wexcombe", "Yarrowdale", "Zellbrook",
)  # fmt: skip
_SUFFIXES = ("United", "City", "Rovers", "Athletic", "Albion", "Town")
TEAM_NAMES = len(_TOWNS) * len(_SUFFIXES)  # distinct team names; ``first_team`` picks from them
_FIRST = (
    "Alfie", "Ben", "Callum", "Dario", "Elias", "Finn", "Gabriel", "Hugo", "Idris", "Jonah",
    "Kai", "Luca", "Mateo", "Nico", "Oscar", "Pavel", "Rafael", "Sami", "Theo", "Umar",
    "Viktor", "Wes", "Yusuf", "Zane",
)  # fmt: skip
_LAST = (
    "Abbott", "Bellamy", "Carver", "Dunmore", "Eastwood", "Fairley", "Garner", "Holloway",
    "Ingram", "Jarvis", "Lowry", "Marsh", "Norwood", "Okafor", "Pryce", "Quinlan", "Rourke",
    "Sutton", "Tillman", "Underhill", "Vance", "Whitlock", "Yeats", "Ashby", "Brennan",
    "Calloway", "Devlin", "Ellery", "Fenn", "Hartigan",
)  # fmt: skip
# (days after the round's anchor, hour, minute) in UTC; a round takes its slots in this order
_WEEKEND = ((0, 15, 0), (1, 15, 30), (0, 12, 30), (1, 13, 0), (0, 17, 30), (1, 18, 0),
            (0, 15, 0), (0, 20, 0), (0, 15, 0), (1, 15, 30))  # fmt: skip
_MIDWEEK = ((0, 19, 45), (1, 20, 0), (0, 19, 0), (1, 19, 45), (0, 20, 0), (1, 19, 0))
_WEEKEND_TIMES = ((12, 30), (13, 0), (15, 0), (15, 30), (17, 30), (18, 0), (20, 0))
_EVENING_TIMES = ((19, 45), (20, 0))
_BREAKS = (0.08, 0.18, 0.3, 0.55, 0.8)  # international breaks after these fractions of rounds
_MIDWEEKS = (0.4, 0.48, 0.65)  # rounds played on Tuesday/Wednesday
_REST = timedelta(hours=48)  # moved or rescheduled matches keep this gap to a team's others
_HOME_MEAN, _AWAY_MEAN = 1.45, 1.12


@dataclass(frozen=True, slots=True)
class _Goal:
    offset: float  # minutes after kickoff
    minute: int
    home: bool


@dataclass(slots=True)
class _Match:
    number: int
    external_id: str
    round: int
    home: str
    away: str
    original: datetime  # the kickoff first published
    kickoff: datetime  # the kickoff it is played at
    half_time: float  # minutes after kickoff when the first half ends
    whistle: float  # minutes after kickoff of the final whistle
    goals: tuple[_Goal, ...]
    odds: analysis.Odds
    has_lineups: bool
    moved_at: datetime | None = None  # kickoff change announced
    postponed_at: datetime | None = None
    rescheduled_at: datetime | None = None
    corrected_at: datetime | None = None
    corrected: tuple[_Goal, ...] = ()


class SimulatedLeague:
    """A league season deterministic from ``seed``; a ``Source`` for replays and tests.
    ``first_team``: where its team names start among the ``TEAM_NAMES`` (leagues played side
    by side take different ones)."""

    name = "simulated"

    def __init__(
        self,
        seed: int = 7,
        *,
        start: datetime = datetime(2025, 8, 16, tzinfo=UTC),
        teams: int = 20,
        competition: str = "SIM",
        competition_name: str = "Simulated League",
        season: str = "2025-26",
        first_team: int = 0,
    ) -> None:
        if teams < 4 or teams % 2:
            raise ValueError(f"a simulated league needs an even number of teams >= 4, got {teams}")
        if first_team < 0 or first_team + teams > TEAM_NAMES:
            raise ValueError(
                f"{teams} teams from name {first_team} do not fit the {TEAM_NAMES} team names"
            )
        if start.tzinfo is None:
            raise ValueError(f"start must be timezone-aware, got {start!r}")
        self._seed = seed
        self._competition = competition
        self._competition_name = competition_name
        self._season = season
        rng = random.Random(seed)
        names = [
            f"{_TOWNS[i % len(_TOWNS)]} {_SUFFIXES[(i + i // len(_TOWNS)) % len(_SUFFIXES)]}"
            for i in range(first_team, first_team + teams)
        ]
        self._strength = _strengths(rng, names)
        self._squads = {team: _squad(rng) for team in names}
        anchor = datetime.combine(start.astimezone(UTC).date(), time(), UTC)
        self._all = self._play(rng, names, anchor)
        self._by_id = {m.external_id: m for m in self._all}
        self._by_team: dict[str, list[_Match]] = {team: [] for team in names}
        for m in self._all:
            self._by_team[m.home].append(m)
            self._by_team[m.away].append(m)
        self._move(rng, max(1, round(0.03 * len(self._all))))
        self._postpone(rng, max(1, round(0.02 * len(self._all))), anchor)
        self._correct(rng, max(1, round(0.01 * len(self._all))))
        self._ordered = sorted(self._all, key=lambda m: (m.kickoff, m.external_id))
        self._kickoffs = [m.kickoff for m in self._ordered]
        self._moved = [m for m in self._ordered if m.kickoff != m.original]

    @property
    def matches(self) -> int:
        """How many matches the season has."""
        return len(self._all)

    @property
    def first_kickoff(self) -> datetime:
        return self._kickoffs[0]

    @property
    def last_kickoff(self) -> datetime:
        return self._kickoffs[-1]

    def fixtures(self, start: datetime, end: datetime, *, now: datetime) -> list[Fixture]:
        """Fixtures whose kickoff as known at ``now`` lies in [start, end)."""
        lo, hi = bisect.bisect_left(self._kickoffs, start), bisect.bisect_left(self._kickoffs, end)
        found = [self._fixture(m, now) for m in self._ordered[lo:hi]]
        found += [self._fixture(m, now) for m in self._moved if not start <= m.kickoff < end]
        found = [f for f in found if start <= f.kickoff < end]
        return sorted(found, key=lambda f: (f.kickoff, f.external_id))

    def fixture(self, external_id: str, *, now: datetime) -> Fixture:
        """One fixture as known at ``now``.

        Raises:
            errors.NotFound: no match has this id.
        """
        return self._fixture(self._get(external_id), now)

    def odds(self, external_id: str, *, now: datetime) -> analysis.Odds | None:
        """Pre-match odds, published a week before the first published kickoff."""
        m = self._get(external_id)
        return m.odds if now >= m.original - timedelta(days=7) else None

    def lineups(self, external_id: str, *, now: datetime) -> analysis.Lineups | None:
        """Starting elevens from an hour before kickoff, for about nine matches in ten."""
        m = self._get(external_id)
        if not m.has_lineups or now < m.kickoff - timedelta(minutes=60):
            return None
        rng = random.Random(self._seed * 100_003 + m.number)
        home, away = (tuple(rng.sample(self._squads[t], 11)) for t in (m.home, m.away))
        return analysis.Lineups(home=home, away=away)

    def injuries(self, external_id: str, *, now: datetime) -> tuple[analysis.Injury, ...]:
        """The simulated league reports no injuries."""
        self._get(external_id)
        return ()

    def close(self) -> None:
        """Nothing to release."""

    def postponed(self) -> dict[str, tuple[datetime, datetime]]:
        """Postponed matches: external id -> (original kickoff, kickoff played at)."""
        return {
            m.external_id: (m.original, m.kickoff) for m in self._all if m.postponed_at is not None
        }

    def corrected(self) -> list[str]:
        """External ids of matches whose final score is corrected after the whistle."""
        return [m.external_id for m in self._all if m.corrected_at is not None]

    def truth(self, external_id: str) -> tuple[int, int]:
        """The final 90-minute score, corrected if it ever is (for tests; it knows the future)."""
        m = self._get(external_id)
        return _score(m.corrected if m.corrected_at is not None else m.goals)

    def _get(self, external_id: str) -> _Match:
        try:
            return self._by_id[external_id]
        except KeyError:
            raise errors.NotFound(
                f"the simulated league has no match {external_id!r}", external_id=external_id
            ) from None

    def _fixture(self, m: _Match, now: datetime) -> Fixture:
        kickoff, status = m.kickoff, MatchStatus.SCHEDULED
        if m.postponed_at is not None and m.rescheduled_at is not None and now < m.rescheduled_at:
            kickoff = m.original
            status = MatchStatus.POSTPONED if now >= m.postponed_at else MatchStatus.SCHEDULED
        elif m.moved_at is not None and now < m.moved_at:
            kickoff = m.original
        score = half = None
        minute = None
        if status == MatchStatus.SCHEDULED and now >= kickoff:
            elapsed = (now - kickoff).total_seconds() / 60
            fixed = m.corrected_at is not None and now >= m.corrected_at
            goals = m.corrected if fixed else m.goals
            if elapsed < m.whistle:
                status, minute = MatchStatus.LIVE, _minute(m.half_time, elapsed)
                score = _score(g for g in goals if g.offset <= elapsed)
            else:
                status, score = MatchStatus.FINISHED, _score(goals)
            if elapsed >= m.half_time:
                half = _score(g for g in goals if g.offset < m.half_time)
        return Fixture(
            external_id=m.external_id,
            competition=self._competition,
            competition_name=self._competition_name,
            season=self._season,
            round=f"Round {m.round}",
            home=m.home,
            away=m.away,
            kickoff=kickoff,
            status=status,
            home_goals=None if score is None else score[0],
            away_goals=None if score is None else score[1],
            home_goals_ht=None if half is None else half[0],
            away_goals_ht=None if half is None else half[1],
            minute=minute,
        )

    def _play(self, rng: random.Random, names: list[str], anchor: datetime) -> list[_Match]:
        """The season as first published, with every result drawn."""
        played: list[_Match] = []
        for round_number, (day, pairs) in enumerate(_calendar(rng, names, anchor), start=1):
            slots = _MIDWEEK if day.weekday() not in (5, 6) else _WEEKEND
            rng.shuffle(pairs)
            timed = sorted(
                (day + timedelta(days=slots[i % len(slots)][0]), slots[i % len(slots)][1:], pair)
                for i, pair in enumerate(pairs)
            )
            for date, (hour, minute), (home, away) in timed:
                kickoff = date.replace(hour=hour, minute=minute)
                number = len(played) + 1
                external_id = f"{self._competition}-{self._season}-{number:04d}"
                played.append(
                    self._draw(rng, number, external_id, round_number, home, away, kickoff)
                )
        return played

    def _draw(
        self,
        rng: random.Random,
        number: int,
        external_id: str,
        round_number: int,
        home: str,
        away: str,
        kickoff: datetime,
    ) -> _Match:
        (attack_h, defence_h), (attack_a, defence_a) = self._strength[home], self._strength[away]
        mean_home = _HOME_MEAN * math.exp(attack_h - defence_a)
        mean_away = _AWAY_MEAN * math.exp(attack_a - defence_h)
        half_time = 45 + rng.randint(1, 4)
        whistle = half_time + 15 + 45 + rng.randint(3, 7)
        playing = whistle - 15
        goals = [
            _goal_at(rng.uniform(0, playing), half_time, side)
            for side, mean in ((True, mean_home), (False, mean_away))
            for _ in range(_poisson(rng, mean))
        ]
        return _Match(
            number=number,
            external_id=external_id,
            round=round_number,
            home=home,
            away=away,
            original=kickoff,
            kickoff=kickoff,
            half_time=half_time,
            whistle=whistle,
            goals=tuple(sorted(goals, key=lambda g: g.offset)),
            odds=_odds(rng, mean_home, mean_away),
            has_lineups=rng.random() < 0.9,
        )

    def _clear(self, m: _Match, kickoff: datetime) -> bool:
        """Whether both teams have no other match within the rest gap of ``kickoff``."""
        return all(
            other is m or abs(other.kickoff - kickoff) >= _REST
            for team in (m.home, m.away)
            for other in self._by_team[team]
        )

    def _move(self, rng: random.Random, count: int) -> None:
        """Kickoff changes of 1-26 hours, announced about five days before the first kickoff."""
        first = min(m.original for m in self._all)
        for m in rng.sample(self._all, len(self._all)):
            if count == 0:
                return
            day = m.original.replace(hour=0, minute=0)
            options = [
                t
                for shift in (-1, 0, 1)
                for hour, minute in (
                    _WEEKEND_TIMES
                    if (day + timedelta(days=shift)).weekday() in (5, 6)
                    else _EVENING_TIMES
                )
                if timedelta(hours=1)
                <= abs((t := day + timedelta(days=shift, hours=hour, minutes=minute)) - m.original)
                <= timedelta(hours=26)
                and t >= first
                and self._clear(m, t)
            ]
            if options:
                m.kickoff = rng.choice(options)
                m.moved_at = m.original - timedelta(days=5, hours=rng.uniform(-12, 12))
                count -= 1

    def _postpone(self, rng: random.Random, count: int, anchor: datetime) -> None:
        """Postponements announced 2-4 days ahead, rescheduled 10-20 days after to a midweek."""
        last = max(m.original for m in self._all)
        pool = [
            m
            for m in self._all
            if m.moved_at is None and anchor + timedelta(days=7) <= m.original
            if m.original <= last - timedelta(days=35)
        ] or [m for m in self._all if m.moved_at is None]
        for m in rng.sample(pool, min(count, len(pool))):
            m.postponed_at = m.original - timedelta(days=rng.uniform(2, 4))
            m.rescheduled_at = m.original + timedelta(days=rng.uniform(10, 20))
            day = datetime.combine(m.rescheduled_at.date(), time(), UTC) + timedelta(days=4)
            slot = rng.choice(((19, 45), (20, 0)))
            while True:
                kickoff = day.replace(hour=slot[0], minute=slot[1])
                if kickoff.weekday() in (1, 2) and self._clear(m, kickoff):
                    m.kickoff = kickoff
                    break
                day += timedelta(days=1)

    def _correct(self, rng: random.Random, count: int) -> None:
        """Corrected final scores, published 2-6 hours after the final whistle."""
        for m in rng.sample(self._all, count):
            goals = list(m.goals)
            action = rng.choice(("reassign", "remove", "add") if goals else ("add",))
            if action == "add":
                side = rng.random() < 0.5
                goals.append(_goal_at(rng.uniform(0, m.whistle - 15), m.half_time, side))
            else:
                goal = goals.pop(rng.randrange(len(goals)))
                if action == "reassign":
                    goals.append(_Goal(offset=goal.offset, minute=goal.minute, home=not goal.home))
            m.corrected = tuple(sorted(goals, key=lambda g: g.offset))
            whistle = m.kickoff + timedelta(minutes=m.whistle)
            m.corrected_at = whistle + timedelta(hours=rng.uniform(2, 6))


def _strengths(rng: random.Random, names: list[str]) -> dict[str, tuple[float, float]]:
    """Hidden (attack, defence) per team, centred on zero."""
    raw = [(rng.gauss(0, 0.2), rng.gauss(0, 0.2)) for _ in names]
    attack = sum(a for a, _ in raw) / len(raw)
    defence = sum(d for _, d in raw) / len(raw)
    return {team: (a - attack, d - defence) for team, (a, d) in zip(names, raw, strict=True)}


def _squad(rng: random.Random) -> list[str]:
    names: list[str] = []
    while len(names) < 18:
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if name not in names:
            names.append(name)
    return names


def _calendar(
    rng: random.Random, names: list[str], anchor: datetime
) -> list[tuple[datetime, list[tuple[str, str]]]]:
    """Rounds of a circle-method double round robin, each with its anchor day."""
    order = rng.sample(names, len(names))
    n = len(order)
    first: list[list[tuple[str, str]]] = []
    for r in range(n - 1):
        pairs = [(order[i], order[n - 1 - i]) for i in range(n // 2)]
        first.append([(b, a) if (r + i) % 2 else (a, b) for i, (a, b) in enumerate(pairs)])
        order.insert(1, order.pop())
    second = [[(away, home) for home, away in pairs] for pairs in first]
    rng.shuffle(second)
    rounds = first + second
    breaks = {int(f * len(rounds)) for f in _BREAKS}
    midweeks = {int(f * len(rounds)) for f in _MIDWEEKS} - {0}
    weekend, days = anchor, []
    for r in range(len(rounds)):
        if r in midweeks and r - 1 not in midweeks:
            days.append(weekend + timedelta(days=3))
            continue
        if r:
            weekend += timedelta(days=14 if r - 1 in breaks and r - 1 not in midweeks else 7)
        days.append(weekend)
    return list(zip(days, rounds, strict=True))


def _goal_at(moment: float, half_time: float, home: bool) -> _Goal:
    """A goal ``moment`` minutes into playing time (the half-time break left out)."""
    if moment < half_time:
        return _Goal(offset=moment, minute=min(int(moment) + 1, 45), home=home)
    second = moment - half_time
    return _Goal(offset=half_time + 15 + second, minute=min(46 + int(second), 90), home=home)


def _minute(half_time: float, elapsed: float) -> int:
    if elapsed < half_time + 15:
        return min(int(elapsed) + 1, 45)
    return min(46 + int(elapsed - half_time - 15), 90)


def _score(goals: Iterable[_Goal]) -> tuple[int, int]:
    home = away = 0
    for goal in goals:
        if goal.home:
            home += 1
        else:
            away += 1
    return home, away


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _odds(rng: random.Random, mean_home: float, mean_away: float) -> analysis.Odds:
    """Decimal odds from the true outcome probabilities, with noise and a 5-6% margin."""
    home_pmf, away_pmf = _pmf(mean_home), _pmf(mean_away)
    home = draw = below = 0.0
    for p_home, p_away in zip(home_pmf, away_pmf, strict=True):
        home += p_home * below
        draw += p_home * p_away
        below += p_away
    noisy = [p * math.exp(rng.gauss(0, 0.05)) for p in (home, draw, max(0.0, 1 - home - draw))]
    total = sum(noisy)
    margin = 1 + rng.uniform(0.05, 0.06)
    price = [max(1.01, round(1 / (min(0.93, max(0.02, p / total)) * margin), 2)) for p in noisy]
    return analysis.Odds(home=price[0], draw=price[1], away=price[2], bookmaker="Simbook")


def _pmf(mean: float, top: int = 15) -> list[float]:
    p = [math.exp(-mean)]
    for k in range(1, top + 1):
        p.append(p[-1] * mean / k)
    return p
