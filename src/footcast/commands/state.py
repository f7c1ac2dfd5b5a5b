"""What every command shares: settings, the clock, the database (opened on first use), and the
way output and errors are printed."""

from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass, field

from rich.console import Console

from footcast import errors
from footcast.clock import Clock
from footcast.config import Settings
from footcast.db import Database, open_database
from footcast.db.coordination import shared_clock

__all__ = ["State", "console", "show_error"]

# A line is never broken to fit a width: a terminal wraps it for the eye, and a pipe, a file or a
# pasted log keeps it whole (rich would otherwise break every line at 80 columns there, even a
# database URL). Tables still fit the width: their cells wrap inside the table.
console = Console(soft_wrap=True)


def show_error(exc: errors.FootcastError) -> None:
    """Print ``Error [<code>]: <message>`` on stderr, as plain text (a message's brackets are not
    markup), on one line however long."""
    sys.stderr.write(f"Error [{exc.code}]: {exc.message}\n")


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
            self._clock = shared_clock.configured_clock(self.settings, lambda: self.database)
        return self._clock

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()
