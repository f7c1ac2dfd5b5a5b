"""`footcast forecasters`: a pause for some hours (or until a moment) and its early resume, told
apart from a disable and its enable, as an operator runs them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from commandline import run
from footcast.db import Database
from footcast.db.tables import AuditEntry


def _state(env: dict[str, str], name: str) -> str:
    listed = run("forecasters", "list", env={**env, "COLUMNS": "250"})
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if f" {name} " in line)
    return line


def test_pause_resume_disable_enable(env: dict[str, str], database: Database) -> None:
    assert run("forecasters", "add", "alice", env=env).returncode == 0
    assert "active" in _state(env, "alice")

    paused = run("forecasters", "pause", "alice", "--hours", "2", "--reason", "incident", env=env)
    assert paused.returncode == 0, paused.stderr
    assert "alice: paused until " in paused.stdout
    state = _state(env, "alice")
    assert "paused until" in state
    assert "incident" in state
    assert "alice: resumed" in run("forecasters", "resume", "alice", env=env).stdout
    assert "active" in _state(env, "alice")

    end = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    until = run("forecasters", "pause", "alice", "--until", f"{end:%Y-%m-%dT%H:%M}", env=env)
    assert f"paused until {end:%Y-%m-%d %H:%M} UTC" in until.stdout  # no zone given: UTC
    both = run("forecasters", "pause", "alice", "--hours", "1", "--until", "2030-01-01", env=env)
    assert both.returncode == 2
    assert "exactly one of --hours and --until" in both.stderr
    bad = run("forecasters", "pause", "alice", "--until", "tomorrow", env=env)
    assert (bad.returncode, bad.stderr.strip()) == (
        1, "Error [invalid_input]: --until 'tomorrow' is no ISO 8601 moment",
    )  # fmt: skip

    assert "alice: disabled" in run("forecasters", "disable", "alice", env=env).stdout
    assert "disabled since" in _state(env, "alice")
    refused = run("forecasters", "pause", "alice", "--hours", "1", env=env)
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error [conflict]: alice is disabled")
    assert run("forecasters", "resume", "alice", env=env).returncode == 1
    assert "alice: enabled" in run("forecasters", "enable", "alice", env=env).stdout
    assert "active" in _state(env, "alice")
    with database.transaction() as session:
        actions = session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
        assert list(actions) == [
            "forecaster.add", "forecaster.pause", "forecaster.resume", "forecaster.pause",
            "forecaster.disable", "forecaster.enable",
        ]  # fmt: skip
