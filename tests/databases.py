"""Test databases: copies of the migrated template the suite makes once per session."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import URL

__all__ = ["clone"]


def clone(template: URL, name: str) -> URL:
    """Create database ``name`` as a copy of the migrated ``template``; its URL."""
    admin = sa.create_engine(template.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"'))
    admin.dispose()
    return template.set(database=name)
