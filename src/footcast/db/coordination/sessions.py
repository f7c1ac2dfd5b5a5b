"""Admin logins on the pages, shared by every web process: one ``web_sessions`` row per login.

The cookie holds a random token; the row is named by its SHA-256 (a read of the table gives no
usable cookie). A session is valid until its expiry or its revocation (logout), on the
database's clock, so every process agrees. Each session has its own CSRF token for its forms,
and a confirmation (``flash``) that the next page shows once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db.tables import WebSession

__all__ = ["Login", "find", "flash", "open_session", "prune", "revoke", "take_flash"]

KEEP_EXPIRED = timedelta(days=1)  # expired rows are deleted this long after their expiry


@dataclass(frozen=True, kw_only=True)
class Login:
    actor: str
    csrf: str


_NOW = sa.func.clock_timestamp()
_VALID = (WebSession.revoked_at.is_(None), WebSession.expires_at > _NOW)


def open_session(
    session: Session, *, token_hash: str, csrf: str, actor: str, lifetime: timedelta
) -> None:
    """Store a new login valid for ``lifetime`` from now (and forget long-expired ones)."""
    prune(session)
    session.execute(
        sa.insert(WebSession).values(
            token_hash=token_hash, csrf=csrf, actor=actor, expires_at=_NOW + lifetime
        )
    )


def find(session: Session, token_hash: str) -> Login | None:
    """The login of ``token_hash`` while it is valid (neither expired nor revoked)."""
    row = session.execute(
        sa.select(WebSession.actor, WebSession.csrf).where(
            WebSession.token_hash == token_hash, *_VALID
        )
    ).one_or_none()
    return None if row is None else Login(actor=row.actor, csrf=row.csrf)


def revoke(session: Session, token_hash: str) -> bool:
    """End a login (logout); True when a valid one was ended."""
    done = session.execute(
        sa.update(WebSession)
        .where(WebSession.token_hash == token_hash, *_VALID)
        .values(revoked_at=_NOW)
        .returning(WebSession.token_hash)
    ).scalar_one_or_none()
    return done is not None


def flash(session: Session, token_hash: str, message: str | None) -> None:
    """Leave a confirmation for the next page of this login."""
    session.execute(
        sa.update(WebSession).where(WebSession.token_hash == token_hash).values(flash=message)
    )


def take_flash(session: Session, token_hash: str) -> str | None:
    """The confirmation waiting for this login, removed as it is read."""
    found = session.execute(
        sa.select(WebSession.flash).where(WebSession.token_hash == token_hash).with_for_update()
    ).scalar_one_or_none()
    if found is not None:
        flash(session, token_hash, None)
    return found


def prune(session: Session) -> int:
    """Delete logins expired for more than ``KEEP_EXPIRED``."""
    done = session.execute(sa.delete(WebSession).where(WebSession.expires_at < _NOW - KEEP_EXPIRED))
    return int(done.rowcount)  # type: ignore[attr-defined]
