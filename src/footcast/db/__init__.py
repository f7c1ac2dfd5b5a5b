"""Everything that talks SQL: engine and sessions, models, migrations, queries."""

from __future__ import annotations

from footcast.db import audit, failures, forecasters, matches, predictions, settlements
from footcast.db.engine import Database, connect, open_database

__all__ = [
    "Database",
    "audit",
    "connect",
    "failures",
    "forecasters",
    "matches",
    "open_database",
    "predictions",
    "settlements",
]
