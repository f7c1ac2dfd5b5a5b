"""A season file as read, whatever its format: its matches, and what could not be read.

Every format's parser (``football_data``, ``openfootball``) turns a file into a ``ParsedFile``
of ``Row`` values; ``import`` stores those rows and ``replay`` tells them again
(``archive``), so both treat every format alike.

A row's odds are football-data's, the only format that has any: the pre-match sets are
collected by football-data on Friday afternoon (UK time) for weekend matches and on Tuesday
afternoon for midweek ones, the closing sets at kickoff. Each set gets that moment as its
publication time, so a replay shows a forecaster only the odds it could have seen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from footcast.domain.analysis import Odds
from footcast.domain.fixture import Fixture
from footcast.domain.names import MatchStatus

__all__ = ["BadRow", "DroppedOdds", "ParsedFile", "Row", "season_of"]

UK = ZoneInfo("Europe/London")
COLLECTED_AT = time(16, 0)  # football-data's collection of pre-match odds, UK time


@dataclass(frozen=True, kw_only=True)
class Row:
    """One match of a file: played (with its score) or only scheduled (goals ``None``)."""

    source: str
    line: int  # where it is in its file: the CSV line, or the index in a JSON "matches" list
    division: str  # the competition's code
    competition_name: str
    season: str
    day: date  # the local match date, part of the id
    kickoff: datetime
    home: str
    away: str
    home_goals: int | None
    away_goals: int | None
    home_goals_ht: int | None = None
    away_goals_ht: int | None = None
    round: str | None = None
    odds: Mapping[tuple[str, str], Odds] = field(default_factory=dict)  # (bookmaker, kind)

    @property
    def played(self) -> bool:
        return self.home_goals is not None and self.away_goals is not None

    @property
    def external_id(self) -> str:
        """Stable across re-imports: a pair of teams never meets twice on one day."""
        key = f"{self.division}:{self.day:%Y%m%d}:{self.home}:{self.away}"
        return (
            key if len(key) <= 64 else f"{self.division}:{hashlib.sha1(key.encode()).hexdigest()}"
        )

    def published(self, kind: str) -> datetime:
        """When odds of ``kind`` became known (see the module docstring)."""
        if kind == "closing":
            return self.kickoff
        local = self.kickoff.astimezone(UK)
        # weekend matches (Friday to Monday) were priced on Friday, midweek ones on Tuesday
        collection_day = 4 if local.weekday() in (4, 5, 6, 0) else 1
        back = (local.weekday() - collection_day) % 7
        collected = datetime.combine(local.date() - timedelta(days=back), COLLECTED_AT, UK)
        return min(collected.astimezone(UTC), self.kickoff - timedelta(hours=1))

    def fixture(self, *, status: MatchStatus | None = None) -> Fixture:
        """The match as a source tells it; by default finished when played, else scheduled."""
        if status is None:
            status = MatchStatus.FINISHED if self.played else MatchStatus.SCHEDULED
        finished = status == MatchStatus.FINISHED
        return Fixture(
            external_id=self.external_id,
            competition=self.division,
            competition_name=self.competition_name,
            season=self.season,
            round=self.round,
            home=self.home,
            away=self.away,
            kickoff=self.kickoff,
            status=status,
            home_goals=self.home_goals if finished else None,
            away_goals=self.away_goals if finished else None,
            home_goals_ht=self.home_goals_ht if finished else None,
            away_goals_ht=self.away_goals_ht if finished else None,
        )


@dataclass(frozen=True, kw_only=True)
class BadRow:
    """A row that can not be imported, and why."""

    path: Path
    line: int  # the CSV line, or (``entry``) the index in a JSON "matches" list
    column: str  # the CSV column, or the entry's field
    value: str
    reason: str
    entry: bool = False

    def __str__(self) -> str:
        where = f" matches[{self.line}]: " if self.entry else f"{self.line}: column "
        return f"{self.path.name}:{where}{self.column} = {self.value!r}: {self.reason}"


@dataclass(frozen=True, kw_only=True)
class DroppedOdds:
    """A bookmaker's odds set left out of one match for a bad cell; the match itself is kept."""

    path: Path
    line: int
    column: str
    value: str
    reason: str
    bookmaker: str
    kind: str  # "pre" or "closing"

    def __str__(self) -> str:
        kind = "pre-match" if self.kind == "pre" else self.kind
        return (
            f"{self.path.name}:{self.line}: column {self.column} = {self.value!r}: {self.reason};"
            f" the {self.bookmaker} {kind} odds of this match are left out"
        )


@dataclass(frozen=True, kw_only=True)
class ParsedFile:
    path: Path
    source: str  # the format's source name, under which its matches are stored
    rows: tuple[Row, ...]
    bad: tuple[BadRow, ...]
    dropped: tuple[DroppedOdds, ...] = ()


def season_of(day: date) -> str:
    """European seasons start in July: 2019-08-09 and 2020-05-01 are both 2019-20."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"
