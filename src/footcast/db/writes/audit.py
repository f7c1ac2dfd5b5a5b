"""The audit log: every operator action, who did it and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from footcast.db.tables import AuditEntry

__all__ = ["record"]


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    now: datetime,
    target: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(at=now, actor=actor, action=action, target=target, details=details or {})
    )
