"""A played season told again as of any moment: the source of ``footcast replay``.

Built from season-file rows (football-data.co.uk, openfootball), it answers like a live provider
would have: a match is scheduled before its kickoff, live for the next 110 minutes (the files
hold only the half-time and full-time scores, so the live score is unknown until half-time and
then stays the half-time score), and finished after. A match the file has no score for stays
scheduled: the file does not know it was played. Odds appear when football-data collected them
(see ``season_file``), so a forecaster sees only what it could have seen. There are no lineups
and no injury reports.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime, timedelta

from footcast import errors
from footcast.domain.analysis import Injury, Lineups, Odds, preferred_odds
from footcast.domain.fixture import Fixture
from footcast.domain.names import MatchStatus
from footcast.sources.season_file import Row

__all__ = ["ArchiveSource"]

HALF_TIME = timedelta(minutes=45)
SECOND_HALF = timedelta(minutes=60)  # kickoff of the second half, after a 15-minute break
FULL_TIME = timedelta(minutes=110)


class ArchiveSource:
    """A source replaying played matches; ``now`` decides what is known. Its name is the rows'
    source (``+``-joined when the files are of several formats)."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self._rows = sorted(rows, key=lambda r: (r.kickoff, r.external_id))
        if not self._rows:
            raise errors.InvalidInput("nothing to replay: the files hold no matches")
        self._by_id = {r.external_id: r for r in self._rows}
        self.name = "+".join(sorted({r.source for r in self._rows}))

    @property
    def first_kickoff(self) -> datetime:
        return self._rows[0].kickoff

    @property
    def last_kickoff(self) -> datetime:
        return self._rows[-1].kickoff

    def fixtures(self, start: datetime, end: datetime, *, now: datetime) -> list[Fixture]:
        return [self._as_of(r, now) for r in self._rows if start <= r.kickoff < end]

    def fixture(self, external_id: str, *, now: datetime) -> Fixture:
        return self._as_of(self._get(external_id), now)

    def odds(self, external_id: str, *, now: datetime) -> Odds | None:
        row = self._get(external_id)
        return preferred_odds(
            quote
            for (_, kind), quote in row.odds.items()
            if kind == "pre" and row.published(kind) <= now
        )

    def lineups(self, external_id: str, *, now: datetime) -> Lineups | None:
        self._get(external_id)
        return None

    def injuries(self, external_id: str, *, now: datetime) -> tuple[Injury, ...]:
        self._get(external_id)
        return ()  # the files have none

    def close(self) -> None:
        """Nothing to release."""

    def _get(self, external_id: str) -> Row:
        try:
            return self._by_id[external_id]
        except KeyError:
            raise errors.NotFound(f"no match {external_id!r} in the replayed files") from None

    @staticmethod
    def _as_of(row: Row, now: datetime) -> Fixture:
        played = now - row.kickoff
        if played < timedelta(0) or not row.played:
            return row.fixture(status=MatchStatus.SCHEDULED)
        if played >= FULL_TIME:
            return row.fixture()
        fixture = row.fixture(status=MatchStatus.LIVE)
        if played < HALF_TIME:
            return dataclasses.replace(fixture, minute=int(played.total_seconds() // 60) + 1)
        break_ = SECOND_HALF - HALF_TIME
        minute = 45 if played < SECOND_HALF else int((played - break_).total_seconds() // 60)
        return dataclasses.replace(
            fixture,
            minute=min(minute, 90),
            home_goals=row.home_goals_ht,
            away_goals=row.away_goals_ht,
            home_goals_ht=row.home_goals_ht,
            away_goals_ht=row.away_goals_ht,
        )
