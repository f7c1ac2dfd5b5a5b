"""A database outage through a real server: every database-backed route answers 503
``database_unavailable`` at once (pages as HTML), health follows the database on every call,
and no answer shows where the database is."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import URL

from chaos import Server
from footcast import errors
from footcast.clock import SimulatedClock
from footcast.config import load_settings
from footcast.db import Database, connect, engine
from footcast.web.app import create_app
from footcast.web.serving import serve
from web_server import SECRET

JSON_ROUTES = ["/api/matches", "/api/matches/1", "/api/forecasters/alice", "/metrics"]
PAGE_ROUTES = ["/", "/matches/1", "/forecasters/alice"]
ADMIN = {"Authorization": f"Bearer {SECRET}"}
AT_ONCE = 3.0  # seconds: an answer that waits for a timeout is not "at once"


@dataclass
class Private:
    """A PostgreSQL server of this module's own, which its tests stop and start."""

    server: Server
    url: URL

    def leaks(self, text: str) -> list[str]:
        """What of the server's whereabouts ``text`` shows."""
        signs = [
            str(self.server.pgdata),
            str(self.server.pgdata.parent),
            "host=",
            ".s.PGSQL",
            str(self.url.port or 5432),
            "postgresql",
            "socket",
        ]
        return [sign for sign in signs if sign in text]


@pytest.fixture(scope="module")
def private(server_url: URL) -> Iterator[Private]:
    if server_url.host:  # FOOTCAST_TEST_DATABASE_URL: a server this test can not stop
        pytest.skip("stops and restarts an embedded PostgreSQL of its own")
    root = Path(tempfile.mkdtemp(prefix="footcast-outage-"))
    root.chmod(0o755)  # readable by the embedded server's user
    server = Server(root / "pgdata")
    try:
        url = engine.ensure_database(server.start(), "footcast")
        connect(url).dispose()  # migrated
        yield Private(server=server, url=url)
    finally:
        if server.running():
            server.stop("fast")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def database(private: Private) -> Iterator[Database]:
    if not private.server.running():
        private.server.start()
    db = connect(private.url, upgrade=False)
    yield db
    db.dispose()
    if not private.server.running():
        private.server.start()


def _get(client: httpx.Client, path: str, **headers: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    answer = client.get(path, headers=headers)
    return answer, time.monotonic() - started


def test_routes_answer_503_database_unavailable_while_the_database_is_down(
    private: Private, database: Database, clock: SimulatedClock
) -> None:
    settings = load_settings({}, admin_token=SECRET, health_cache_seconds=30)
    app = create_app(database, settings, clock=clock)
    with serve(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        # the pool holds connections, and health has a cached answer, when the database stops
        assert _get(client, "/api/health")[0].status_code == 200
        assert _get(client, "/api/matches")[0].status_code == 200
        private.server.stop("fast")

        answer, seconds = _get(client, "/api/health")
        assert (answer.status_code, answer.json()["database"]) == (503, "unreachable")
        assert seconds < AT_ONCE
        assert private.leaks(answer.text) == []

        for path, headers in [
            *((p, {}) for p in JSON_ROUTES),
            ("/api/admin/failures", ADMIN),
        ]:
            answer, seconds = _get(client, path, **headers)
            assert answer.status_code == 503, (path, answer.text)
            assert answer.json()["error"]["code"] == "database_unavailable", path
            assert seconds < AT_ONCE, path
            assert private.leaks(answer.text) == [], (path, answer.text)

        for path, headers in [
            *((p, {"Accept": "text/html"}) for p in PAGE_ROUTES),
            *((p, {}) for p in PAGE_ROUTES),  # a page route is a page whatever it accepts
            ("/api/matches", {"Accept": "text/html,application/xhtml+xml"}),  # a browser
        ]:
            answer, seconds = _get(client, path, **headers)
            assert answer.status_code == 503, (path, headers, answer.text)
            assert answer.headers["content-type"].startswith("text/html"), (path, headers)
            assert "<h1>Temporarily unavailable</h1>" in answer.text, path
            assert "database_unavailable" in answer.text, path
            assert seconds < AT_ONCE, path
            assert private.leaks(answer.text) == [], (path, answer.text)

        private.server.start()
        answer, seconds = _get(client, "/api/health")
        assert (answer.status_code, answer.json()["database"]) == (200, "ok")
        assert seconds < AT_ONCE
        assert _get(client, "/api/matches")[0].status_code == 200
        assert _get(client, "/api/admin/failures", **ADMIN)[0].status_code == 200
        assert _get(client, "/matches/1")[0].status_code == 404  # the page again, no such match


def test_a_transaction_raises_database_unavailable_while_the_database_is_down(
    private: Private, database: Database
) -> None:
    with database.transaction() as session:  # a pooled connection the stop will break
        session.connection()
    private.server.stop("fast")
    with pytest.raises(errors.DatabaseUnavailable) as lost, database.transaction() as session:
        session.connection()
    assert lost.value.retryable
    assert private.leaks(lost.value.message) == []
    assert lost.value.__cause__ is not None  # the driver's error, for the logs
