"""Alembic migrations, applied on first use of a database and by ``footcast db upgrade``."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

__all__ = ["current_revision", "head_revision", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"
# pg_advisory_xact_lock key: two processes starting on a new database migrate one after the other.
_LOCK_KEY = 0x466F6F7463617374  # "Footcast"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Bring the schema to the newest revision; return True when something was applied."""
    with engine.connect() as connection:
        if current_revision(connection) == head_revision():
            return False
    with engine.begin() as connection:
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
        if current_revision(connection) == head_revision():
            return False
        command.upgrade(_config(connection), "head")
    return True
