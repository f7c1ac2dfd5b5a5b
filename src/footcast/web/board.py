"""The leaderboard as the page and ``/api/leaderboard`` show it: competitors ranked, reference
rows (market, statistical, naive, the consensus) beside them without a rank, each row with its
bootstrap interval, its "tied" mark and its paired comparisons against the leader and the
market."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from fastapi import Request

from footcast.db.reads import leaderboard as board
from footcast.db.reads import points
from footcast.domain.names import ForecasterKind
from footcast.web import intervals
from footcast.web.cache import Stale
from footcast.web.deps import web

__all__ = ["RACE_LEADERS", "Race", "Standing", "Standings", "cached", "rank", "standings"]

RACE_LEADERS = 5  # competitors drawn in the season race, beside the market


@dataclass(frozen=True, kw_only=True)
class Race:
    """The cumulative points per matchday of a season (``db.reads.points.race``)."""

    season: str
    days: list[str]
    points: list[points.RacePoint]
    order: list[str]
    references: list[str]


@dataclass(frozen=True, kw_only=True)
class Standing:
    """A leaderboard row with its rank (None for a reference row), its interval and marks."""

    rank: int | None
    row: board.Row
    interval: intervals.Interval | None
    leader: bool
    tied: bool
    vs_leader: intervals.Comparison | None
    vs_market: intervals.Comparison | None


@dataclass(frozen=True, kw_only=True)
class Standings:
    rows: list[Standing]
    leader: str | None  # the best competitor with an interval
    market: str | None  # the market row the comparisons are against
    race: Race | None = None  # the season race of the leaders and the market
    matches: int = 0  # settled matches of the window
    sampled: int = 0  # of them, those the intervals and comparisons are drawn from

    @property
    def partial(self) -> bool:
        """The statistics come from a sample of the window's matches (``points.SAMPLE``)."""
        return self.sampled < self.matches

    @property
    def racing(self) -> list[str]:
        """Who the season race draws: the best competitors and the market."""
        leaders = [s.row.forecaster for s in self.rows if s.rank is not None][:RACE_LEADERS]
        if self.market is not None and self.market not in leaders:
            leaders.append(self.market)
        return leaders

    @property
    def distinguishable_old(self) -> int:
        """Rows other than the leader whose interval does not overlap the leader's."""
        return sum(1 for s in self.rows if s.interval and not s.leader and not s.tied)

    @property
    def distinguishable_paired(self) -> int:
        """Rows whose paired comparison of points with the leader leaves out 0."""
        return sum(1 for s in self.rows if s.vs_leader and s.vs_leader.verdict != "even")

    @property
    def distinguishable_rps(self) -> int:
        """Rows whose paired comparison of RPS with the leader leaves out 0."""
        return sum(
            1
            for s in self.rows
            if s.vs_leader and s.vs_leader.rps and s.vs_leader.rps.distinguishable
        )


def rank(rows: list[board.Row]) -> list[int | None]:
    """The competitors' ranks; reference rows get none (``db.reads.leaderboard.ranks``)."""
    return board.ranks(rows)


def standings(rows: list[board.Row], scored: list[points.MatchPoints]) -> Standings:
    """The rows with their bootstrap intervals and paired comparisons; the leader is the best
    competitor (not a reference row) with an interval, and every other row overlapping it is
    tied with it; the market is the first row of kind market."""
    found = intervals.bootstrap(scored)
    leader = next((r.forecaster for r in rows if not r.reference and r.forecaster in found), None)
    market = next(
        (r.forecaster for r in rows if r.kind == ForecasterKind.MARKET and r.forecaster in found),
        None,
    )
    tied = intervals.ties(found, leader=leader)
    targets = [name for name in (leader, market) if name is not None]
    paired = intervals.compare(scored, against=targets)
    return Standings(
        rows=[
            Standing(
                rank=n,
                row=r,
                interval=found.get(r.forecaster),
                leader=r.forecaster == leader,
                tied=r.forecaster in tied,
                vs_leader=None if leader is None else paired[leader].get(r.forecaster),
                vs_market=None if market is None else paired[market].get(r.forecaster),
            )
            for n, r in zip(rank(rows), rows, strict=True)
        ],
        leader=leader,
        market=market,
    )


def cached(
    request: Request,
    rows: list[board.Row],
    *,
    competition: str | None,
    season: str | None,
    retroactive: bool,
    contaminated: bool = False,
) -> Standings:
    """The window's standings: ``rows`` (the leaderboard, current on every read) with the
    intervals, comparisons and race, which are looked at every 30 s per window and recomputed
    only when a settlement was added since (the bootstraps cost far more than the leaderboard);
    between two recomputations the rows are current and their statistics up to 30 s old."""
    state = web(request)
    cache: Stale[tuple[int, tuple[board.Row, ...], Standings]] = request.app.state.standings
    key = (competition, season, retroactive, contaminated)

    def compute() -> tuple[int, tuple[board.Row, ...], Standings]:
        last = cache.peek(key)
        with state.database.transaction() as session:
            version = points.settlements_version(session)
            if last is not None and last[0] == version and last[1] == tuple(rows):
                return last
            scored = points.match_points(
                session,
                competition=competition,
                season=season,
                include_retroactive=retroactive or contaminated,
                contaminated=contaminated,
            )
            found = dataclasses.replace(
                standings(rows, scored.points), matches=scored.matches, sampled=scored.sampled
            )
            shown = season or points.latest_season(session, competition=competition)
            if shown is not None:
                days, raced = points.race(
                    session, forecasters=found.racing, season=shown, competition=competition,
                    include_retroactive=retroactive,
                )  # fmt: skip
                references = [r.forecaster for r in rows if r.reference]
                race = Race(
                    season=shown, days=days, points=raced, order=found.racing,
                    references=references,
                )  # fmt: skip
                found = dataclasses.replace(found, race=race)
        return version, tuple(rows), found

    _, seen, found = cache.get(key, compute)
    if seen == tuple(rows):
        return found
    return _current(found, rows)


def _current(found: Standings, rows: list[board.Row]) -> Standings:
    """``found``'s statistics on the current ``rows`` (their points moved since)."""
    by_name = {s.row.forecaster: s for s in found.rows}
    fresh = []
    for n, r in zip(rank(rows), rows, strict=True):
        old = by_name.get(r.forecaster)
        fresh.append(
            Standing(
                rank=n,
                row=r,
                interval=old.interval if old else None,
                leader=r.forecaster == found.leader,
                tied=bool(old and old.tied),
                vs_leader=old.vs_leader if old else None,
                vs_market=old.vs_market if old else None,
            )
        )
    return dataclasses.replace(found, rows=fresh)
