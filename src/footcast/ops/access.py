"""The admin surface's logins as audit records: who logged in, failed to, or logged out, and
from where. A failed login is recorded too: a guessed secret shows in the audit log."""

from __future__ import annotations

from datetime import datetime

from footcast.db import Database
from footcast.db.writes import audit

__all__ = ["logged_in", "logged_out", "login_failed"]


def logged_in(database: Database, *, actor: str, now: datetime) -> None:
    with database.transaction() as session:
        audit.record(session, actor=actor, action="admin.login", now=now)


def login_failed(database: Database, *, client: str, now: datetime, reason: str) -> None:
    with database.transaction() as session:
        audit.record(
            session, actor=f"anonymous@{client}", action="admin.login_failed", now=now,
            details={"reason": reason},
        )  # fmt: skip


def logged_out(database: Database, *, actor: str, now: datetime) -> None:
    with database.transaction() as session:
        audit.record(session, actor=actor, action="admin.logout", now=now)
