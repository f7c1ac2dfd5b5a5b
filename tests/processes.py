"""Real `footcast` processes for the acceptance tests: start one with its output in a log file,
wait for something to show in the database, and read one value from it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL

__all__ = ["SMALL_SEASON", "finished", "footcast", "scalar", "wait_for"]

SMALL_SEASON = {
    "FOOTCAST_SIM_TEAMS": "6",
    "FOOTCAST_STALLED_AFTER_SECONDS": "3",
    "FOOTCAST_HEARTBEAT_SECONDS": "1",
}


def footcast(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``footcast ARGS`` on a small season, stdout and stderr appended to ``log``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")}
    return subprocess.Popen(
        [sys.executable, "-m", "footcast.cli", *args],
        env={**base, "COLUMNS": "140", **SMALL_SEASON, **env},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(what: str, check: Callable[[], object], *, timeout: float = 120) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = check()
        except sa.exc.DBAPIError:  # not there yet, or restarting
            found = None
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def scalar(url: URL, sql: str) -> object:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def finished(process: subprocess.Popen[bytes], log: Path, timeout: float = 240) -> None:
    """Wait for ``process`` to exit 0; fail with the end of its log otherwise."""
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError(
            f"still running after {timeout} s:\n{log.read_text()[-3000:]}"
        ) from None
    assert code == 0, log.read_text()[-3000:]
