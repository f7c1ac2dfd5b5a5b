"""`footcast web` and `footcast run` serve the web surface."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.engine import URL

from footcast.db import connect
from footcast.db.coordination import shared_clock

START_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(*args: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "footcast.cli", *args],
        env={**base, **env, "FOOTCAST_WEB_PORT": str(port), "FOOTCAST_ADMIN_TOKEN": "s3cret"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return process, f"http://127.0.0.1:{port}"


def _wait(process: subprocess.Popen[bytes], url: str) -> httpx.Response:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"the server exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            return httpx.get(f"{url}/api/health", timeout=2)
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"nothing answered at {url} within {START_SECONDS} s")


@pytest.mark.parametrize("command", [("web",), ("run", "--concurrency", "1")], ids=["web", "run"])
def test_the_command_serves_health_api_and_admin(
    env: dict[str, str], command: tuple[str, ...]
) -> None:
    process, url = _serve(*command, env=env)
    try:
        health = _wait(process, url)
        assert health.status_code == 200
        assert health.json()["database"] == "ok"
        assert httpx.get(f"{url}/api/leaderboard").json()["rows"] == []
        assert httpx.get(f"{url}/api/admin/failures").status_code == 401
        opened = httpx.get(f"{url}/api/admin/failures", headers={"X-Admin-Password": "s3cret"})
        assert opened.json() == []
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def test_web_under_a_simulated_clock_tells_the_replay_s_time(
    env: dict[str, str], database_url: URL
) -> None:
    database = connect(database_url)
    shared_clock.set_simulated_time(database, datetime(2025, 8, 15, 12, 0, tzinfo=UTC))
    database.dispose()
    process, url = _serve("web", env={**env, "FOOTCAST_CLOCK": "simulated"})
    try:
        health = _wait(process, url)
        assert health.status_code == 200, health.text
        assert health.json()["checked_at"] == "2025-08-15T12:00:00+00:00"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)


def test_web_serves_a_named_database_on_its_replay_clock(database_url: URL) -> None:
    """What `footcast demo` prints: another database of the same server, at the replay's time."""
    database = connect(database_url)
    shared_clock.set_simulated_time(database, datetime(2025, 8, 16, 9, 30, tzinfo=UTC))
    database.dispose()
    elsewhere = database_url.set(database="postgres").render_as_string(hide_password=False)
    assert database_url.database is not None
    process, url = _serve(
        "web", "--database", database_url.database, "--replay-clock",
        env={"FOOTCAST_DATABASE_URL": elsewhere},
    )  # fmt: skip
    try:
        health = _wait(process, url)
        assert health.json()["checked_at"] == "2025-08-16T09:30:00+00:00"
        home = httpx.get(f"{url}/")
        assert home.status_code == 200
        assert "2025-08-16 09:30 UTC" in home.text
        assert httpx.head(f"{url}/").status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
