"""Ops fixtures: the audit log as each test reads it back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from footcast.db import Database
from footcast.db.tables import AuditEntry

Entry = tuple[str, str, str | None, dict[str, Any]]  # actor, action, target, details


@pytest.fixture
def audit_log(database: Database) -> Callable[[], list[Entry]]:
    """(actor, action, target, details) of every audit entry, oldest first."""

    def read() -> list[Entry]:
        with database.transaction() as session:
            rows = session.execute(
                sa.select(
                    AuditEntry.actor, AuditEntry.action, AuditEntry.target, AuditEntry.details
                ).order_by(AuditEntry.id)
            ).all()
        return [(r.actor, r.action, r.target, dict(r.details)) for r in rows]

    return read
