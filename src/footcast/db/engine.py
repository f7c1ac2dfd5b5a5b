"""Engines and sessions: which database, how to reach it, and keeping its schema current."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from procrastinate import PsycopgConnector
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from footcast import errors
from footcast.config import Settings
from footcast.db import _errors, embedded, migrate

__all__ = [
    "Database",
    "QueueConnector",
    "connect",
    "database_url_of",
    "ensure_database",
    "normalize_url",
    "open_database",
    "redact",
    "server_url_of",
    "use_clock",
]

EMBEDDED_DATABASE = "footcast"
_CREATE_LOCK_KEY = 0x466F6F7463617374 + 1


def normalize_url(url: str | URL) -> URL:
    """Parse a PostgreSQL URL and pin the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except sa_exc.ArgumentError as exc:
        raise errors.ConfigError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() != "postgresql":
        raise errors.ConfigError(f"footcast needs PostgreSQL, got {parsed.drivername!r} in {url!r}")
    return parsed.set(drivername="postgresql+psycopg")


def redact(url: URL) -> str:
    """The URL with its password hidden, for messages."""
    return url.render_as_string(hide_password=True)


@dataclass(frozen=True, kw_only=True)
class Database:
    """One database: its engine and a session factory."""

    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def url(self) -> URL:
        return self.engine.url

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error.

        Raises:
            DatabaseUnavailable: the database can not be reached, or the connection was lost.
            Conflict: a unique constraint refused a change.
        """
        with _errors.translated(), self.sessions.begin() as session:
            yield session

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection of the pool (the caller commits), its errors raised as footcast's.

        Raises:
            DatabaseUnavailable: the database can not be reached, or the connection was lost.
        """
        with _errors.translated(), self.engine.connect() as connection:
            yield connection

    def dispose(self) -> None:
        self.engine.dispose()


class QueueConnector(PsycopgConnector):
    """Procrastinate's psycopg connector, whose pool raises footcast errors when it can not
    open (the database is down or restarting)."""

    async def open_async(self, pool: AsyncConnectionPool | None = None) -> None:
        """Open the pool.

        Raises:
            DatabaseUnavailable: the pool could not connect in time.
        """
        with _errors.translated():
            await super().open_async(pool)


def connect(
    url: str | URL, *, upgrade: bool = True, pool_size: int = 5, max_overflow: int = 10
) -> Database:
    """Open ``url``, check it answers, and bring its schema to the newest migration.

    Raises:
        DatabaseUnavailable: nothing answers at the URL (the message names it, password hidden).
    """
    parsed = normalize_url(url)
    engine = sa.create_engine(
        parsed,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args={"connect_timeout": 5},
    )
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa_exc.OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise errors.DatabaseUnavailable(
            f"database unreachable at {redact(parsed)}: {reason}", url=redact(parsed)
        ) from exc
    if upgrade:
        migrate.upgrade(engine)
    return Database(engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))


def server_url_of(settings: Settings) -> URL:
    """The configured server (any database on it), starting the embedded one when none is set."""
    if settings.database.url:
        return normalize_url(settings.database.url)
    return normalize_url(embedded.embedded_server_url(settings.database.embedded_pgdata))


def database_url_of(settings: Settings) -> URL:
    """footcast's database: FOOTCAST_DATABASE_URL, or ``footcast`` on the embedded server."""
    if settings.database.url:
        return normalize_url(settings.database.url)
    return ensure_database(server_url_of(settings), EMBEDDED_DATABASE)


def ensure_database(server: URL, name: str, *, drop_first: bool = False) -> URL:
    """Create database ``name`` on ``server`` when missing (or anew) and return its URL."""
    admin = sa.create_engine(normalize_url(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            # processes starting together on a new server create the database one at a time
            connection.execute(sa.select(sa.func.pg_advisory_lock(_CREATE_LOCK_KEY)))
            try:
                if drop_first:
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                exists = connection.execute(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
                ).scalar()
                if not exists:
                    connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            finally:
                connection.execute(sa.select(sa.func.pg_advisory_unlock(_CREATE_LOCK_KEY)))
    except sa_exc.OperationalError as exc:
        raise errors.DatabaseUnavailable(
            f"database unreachable at {redact(server)}: {exc.orig}", url=redact(server)
        ) from exc
    finally:
        admin.dispose()
    return normalize_url(server).set(database=name)


def open_database(settings: Settings) -> Database:
    """The database the settings point at, migrated and ready."""
    return connect(database_url_of(settings))


def use_clock(session: Session, now: datetime) -> None:
    """Tell the database the injected clock's time for this transaction.

    The prediction lock trigger reads it (``footcast_now()``), so a replay on a simulated clock
    is held to its own deadlines; without it the trigger uses the server's ``now()``.
    """
    session.execute(sa.select(sa.func.set_config("footcast.now", now.isoformat(), sa.true())))
