"""What every command shares: settings, the clock, the database (opened on first use)."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from rich.console import Console

from footcast.clock import Clock
from footcast.config import Settings
from footcast.db import Database, open_database
from footcast.db.coordination import shared_clock

__all__ = ["State", "console"]

console = Console()


@dataclass
class State:
    """What every command shares: settings, and (built on first use, so a command that needs
    neither opens no database) the database and the configured clock."""

    settings: Settings
    actor: str = field(default_factory=lambda: f"cli:{getpass.getuser()}")
    _database: Database | None = field(default=None)
    _clock: Clock | None = field(default=None)

    @property
    def database(self) -> Database:
        if self._database is None:
            self._database = open_database(self.settings)
        return self._database

    @property
    def clock(self) -> Clock:
        """The clock of every process of this installation (``db.clock.configured_clock``)."""
        if self._clock is None:
            self._clock = shared_clock.configured_clock(self.settings, self.database)
        return self._clock

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
