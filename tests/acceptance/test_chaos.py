"""The chaos suite, short form (`make chaos` runs a whole 20-team season): a 4-team season (12
matches) through real worker processes SIGKILLed at random, PostgreSQL restarted, and fake
providers failing 20% of requests; every check of ``chaos_report`` must pass."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from chaos import Options, Server, run
from chaos_report import report


@pytest.fixture
def root() -> Iterator[Path]:
    """A directory the embedded server's user can read (it is not root's when run as root)."""
    path = Path(tempfile.mkdtemp(prefix="footcast-chaos-"))
    path.chmod(0o755)
    yield path
    server = Server(path / "pgdata")
    if server.running():
        server.stop("fast")
    shutil.rmtree(path, ignore_errors=True)


def test_a_season_under_chaos_loses_nothing_and_duplicates_nothing(
    root: Path, server_url: URL
) -> None:
    if server_url.host:  # FOOTCAST_TEST_DATABASE_URL: the suite's second pass
        pytest.skip(
            "the chaos run has an embedded PostgreSQL of its own (to restart it), whatever the"
            " suite's server: it ran in the suite's first pass already"
        )
    options = Options(teams=4, workers=2, kill_every=(6.0, 12.0), restart_every=(20.0, 35.0))
    outcome = run(options, root)
    found = report(outcome)
    print(found.render())
    assert found.ok, found.render()
    # the chaos happened: workers died mid-run and the database went away
    assert outcome.events.kills >= 3
    assert sum(outcome.events.restarts.values()) >= 1
