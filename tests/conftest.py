"""Shared fixtures: no FOOTCAST_* leaks in, and a fresh real PostgreSQL database per test.

The server is the embedded one by default; with FOOTCAST_TEST_DATABASE_URL it is that server
(CI runs the suite a second time that way). Each test database is cloned from a migrated template.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from databases import clone
from footcast.clock import SimulatedClock
from footcast.db import Database, connect, embedded
from footcast.db import engine as db_engine

TEST_SERVER = os.environ.get("FOOTCAST_TEST_DATABASE_URL", "")
SERVER_KEY = "footcast_test_server"
for _name in [name for name in os.environ if name.startswith("FOOTCAST_")]:
    del os.environ[_name]

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _admin(url: URL) -> sa.Engine:
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: hand the test server to each worker, which starts with the environment
    this module has already emptied of FOOTCAST_* variables."""
    node.workerinput[SERVER_KEY] = TEST_SERVER


@pytest.fixture(scope="session")
def server_url(pytestconfig: pytest.Config) -> URL:
    """The PostgreSQL server the tests run on (its maintenance database)."""
    server = getattr(pytestconfig, "workerinput", {}).get(SERVER_KEY, TEST_SERVER)
    if server:
        return db_engine.normalize_url(server)
    pgdata = Path(tempfile.gettempdir()) / f"footcast-tests-{os.getuid()}" / "pgdata"
    return db_engine.normalize_url(embedded.embedded_server_url(pgdata))


@pytest.fixture(scope="session")
def template_url(server_url: URL) -> Iterator[URL]:
    """A database migrated once per test session; every test clones it."""
    name = f"fc_tmpl_{uuid.uuid4().hex[:12]}"
    url = db_engine.ensure_database(server_url, name, drop_first=True)
    connect(url).dispose()
    yield url
    admin = _admin(server_url)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database_url(server_url: URL, template_url: URL) -> Iterator[URL]:
    """A fresh, migrated, empty database for one test."""
    name = f"fc_t_{uuid.uuid4().hex[:12]}"
    yield clone(template_url, name)
    admin = _admin(server_url)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def database(database_url: URL) -> Iterator[Database]:
    db = connect(database_url)
    yield db
    db.dispose()


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(datetime(2025, 8, 15, 12, 0, tzinfo=UTC))


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"needs ../shared beside the project (looked for {SHARED})")
    return SHARED


@pytest.fixture
def scratch_names(server_url: URL) -> Iterator[Callable[[str], str]]:
    """Names (``prefix`` and a random part) for databases a test or a command creates; each
    is dropped afterwards, so runs against a shared server leave nothing behind."""
    made: list[str] = []

    def name(prefix: str) -> str:
        made.append(f"{prefix}_{uuid.uuid4().hex[:10]}")
        return made[-1]

    yield name
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for made_name in made:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{made_name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def scratch_database(server_url: URL, scratch_names: Callable[[str], str]) -> URL:
    """The URL of a database a command creates itself (demo, replay); dropped afterwards."""
    return server_url.set(database=scratch_names("fc_w"))
