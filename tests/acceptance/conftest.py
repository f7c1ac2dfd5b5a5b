"""Acceptance fixtures: the environment that points the real command at a test database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL


@pytest.fixture
def env(database_url: URL) -> dict[str, str]:
    url = database_url.render_as_string(hide_password=False)
    return {"FOOTCAST_DATABASE_URL": url}


@pytest.fixture
def scratch_database(server_url: URL) -> Iterator[URL]:
    """The URL of a database a command creates itself (demo, replay); dropped afterwards."""
    name = f"fc_w_{uuid.uuid4().hex[:10]}"
    yield server_url.set(database=name)
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
