"""Alembic environment: footcast always hands in an open connection (see ``db/migrate.py``)."""

from __future__ import annotations

from alembic import context

from footcast.db.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `footcast db upgrade`, which supplies a connection")
context.configure(connection=connection, target_metadata=Base.metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
