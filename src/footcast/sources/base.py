"""The source protocol: fixtures for a window, one match's current state, pre-match facts."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from footcast.domain.analysis import Injury, Lineups, Odds
from footcast.domain.fixture import Fixture

__all__ = ["Source"]


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
