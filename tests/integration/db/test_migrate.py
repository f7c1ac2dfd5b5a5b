"""Migrations: applied once, on first use, even when several processes start together."""

from __future__ import annotations

import threading
import uuid

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import URL

from footcast.db import Database, connect, engine, migrate
from footcast.db.tables import Base


def test_connect_migrates_a_new_database_once_under_concurrency(server_url: URL) -> None:
    name = f"fc_migrate_{uuid.uuid4().hex[:8]}"
    url = engine.ensure_database(server_url, name, drop_first=True)
    outcomes: list[str] = []

    def open_it() -> None:
        try:
            connect(url).dispose()
            outcomes.append("ok")
        except Exception as exc:  # the assertion below reports it
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == ["ok"] * 4
    database = connect(url)
    with database.engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.head_revision()
        rules = connection.execute(sa.text("SELECT name FROM scoring_rules ORDER BY name"))
        assert list(rules.scalars()) == ["quota-v1", "standard-v1"]
    assert migrate.upgrade(database.engine) is False
    database.dispose()
    engine.ensure_database(server_url, name, drop_first=True)


def test_the_models_and_the_migrations_describe_the_same_schema(database: Database) -> None:
    """A column or index added to one and not the other shows up here."""
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_name": lambda name, kind, parent: (
                    not (kind == "table" and (name or "").startswith("procrastinate_"))
                ),
                "compare_server_default": False,
            },
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
