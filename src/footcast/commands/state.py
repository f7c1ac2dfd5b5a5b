"""What every command shares: settings, the clock, the database (opened on first use)."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from rich.console import Console

from footcast.clock import Clock
from footcast.config import Settings
from footcast.db import Database, open_database

__all__ = ["State", "console"]

console = Console()


@dataclass
class State:
    """What every command shares: settings, the clock and (opened on first use) the database."""

    settings: Settings
    clock: Clock
    actor: str = field(default_factory=lambda: f"cli:{getpass.getuser()}")
    _database: Database | None = field(default=None)

    @property
    def database(self) -> Database:
        if self._database is None:
            self._database = open_database(self.settings)
        return self._database

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
