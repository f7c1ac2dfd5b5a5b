"""Admin logins in PostgreSQL: valid until they expire or are revoked, a flash read once."""

from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa

from footcast.db import Database
from footcast.db.coordination import sessions
from footcast.db.tables import WebSession


def _open(database: Database, token_hash: str, lifetime: timedelta) -> None:
    with database.transaction() as session:
        sessions.open_session(
            session, token_hash=token_hash, csrf="c", actor="admin@here", lifetime=lifetime
        )


def test_a_login_is_found_until_it_is_revoked(database: Database) -> None:
    _open(database, "a" * 64, timedelta(hours=1))
    with database.transaction() as session:
        assert sessions.find(session, "a" * 64) == sessions.Login(actor="admin@here", csrf="c")
        assert sessions.find(session, "b" * 64) is None
        assert sessions.revoke(session, "a" * 64)
    with database.transaction() as session:
        assert sessions.find(session, "a" * 64) is None
        assert not sessions.revoke(session, "a" * 64)  # revoked once


def test_a_login_expires_on_the_database_clock(database: Database) -> None:
    _open(database, "a" * 64, timedelta(seconds=0.3))
    time.sleep(0.5)
    with database.transaction() as session:
        assert sessions.find(session, "a" * 64) is None


def test_a_flash_is_read_once(database: Database) -> None:
    _open(database, "a" * 64, timedelta(hours=1))
    with database.transaction() as session:
        assert sessions.take_flash(session, "a" * 64) is None
        sessions.flash(session, "a" * 64, "done")
    with database.transaction() as session:
        assert sessions.take_flash(session, "a" * 64) == "done"
        assert sessions.take_flash(session, "a" * 64) is None


def test_long_expired_logins_are_pruned(database: Database) -> None:
    _open(database, "a" * 64, timedelta(days=-2))  # expired two days ago
    _open(database, "b" * 64, timedelta(hours=-1))  # expired, kept for a day
    with database.transaction() as session:
        left = set(session.execute(sa.select(WebSession.token_hash)).scalars())
    assert left == {"b" * 64}  # the second open pruned the first
