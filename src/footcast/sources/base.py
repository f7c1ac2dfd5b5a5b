"""The source protocol: fixtures for a window, one match's current state, pre-match facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from footcast.domain.analysis import Injury, Lineups, Odds

__all__ = ["Fixture", "Source"]


@dataclass(frozen=True, kw_only=True)
class Fixture:
    """One match as the source knows it at the time asked.

    ``status`` is one of footcast's statuses: scheduled, live, interrupted, finished, postponed,
    cancelled, abandoned, awarded. Goals are the 90-minute score (the current score while live),
    ``None`` before kickoff.
    """

    external_id: str
    competition: str
    competition_name: str
    season: str
    round: str | None
    home: str
    away: str
    kickoff: datetime
    status: str
    home_goals: int | None = None
    away_goals: int | None = None
    home_goals_ht: int | None = None
    away_goals_ht: int | None = None
    minute: int | None = None


class Source(Protocol):
    """A provider of fixtures and facts. Every call answers as of ``now``: nothing later leaks."""

    name: str

    def fixtures(self, start: datetime, end: datetime, *, now: datetime) -> list[Fixture]:
        """Fixtures whose current kickoff lies in [start, end), as known at ``now``."""
        ...

    def fixture(self, external_id: str, *, now: datetime) -> Fixture:
        """One fixture's state at ``now``. Raises ``errors.NotFound`` for an unknown id."""
        ...

    def odds(self, external_id: str, *, now: datetime) -> Odds | None:
        """The latest pre-match odds published at or before ``now`` (None when none yet)."""
        ...

    def lineups(self, external_id: str, *, now: datetime) -> Lineups | None:
        """Announced starting elevens, or None when not (yet) available at ``now``."""
        ...

    def injuries(self, external_id: str, *, now: datetime) -> tuple[Injury, ...]:
        """Players reported missing or doubtful for the match, as known at ``now``."""
        ...

    def close(self) -> None:
        """Release connections and threads (a source that holds none does nothing)."""
        ...
