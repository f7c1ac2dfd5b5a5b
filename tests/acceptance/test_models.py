"""`footcast models` and roster refusal at start, as an operator runs them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from commandline import run
from footcast.db import Database
from footcast.db.tables import AuditEntry
from footcast.fakes.openai import Behaviour, FakeOpenAI


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def roster_file(tmp_path: Path, fake: FakeOpenAI, *, key_env: str | None = None) -> Path:
    key = f'api_key_env = "{key_env}"\n' if key_env else ""
    path = tmp_path / "roster.toml"
    path.write_text(
        f'[providers.local]\nbase_url = "{fake.base_url("local")}"\n{key}max_concurrent = 2\n\n'
        '[[models]]\nid = "alpha"\nprovider = "local"\nmodel = "alpha-7b"\nprice_in = 1\n'
        'price_out = 2\n\n[[models]]\nid = "beta"\nprovider = "local"\nmodel = "beta-3b"\n'
    )
    return path


def test_list_disable_enable_with_the_audit_log(
    env: dict[str, str], database: Database, fake: FakeOpenAI, tmp_path: Path
) -> None:
    env = {**env, "FOOTCAST_ROSTER": str(roster_file(tmp_path, fake)), "COLUMNS": "200"}
    listed = run("models", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("active") == 2

    disabled = run("models", "disable", "beta", "--reason", "too slow", env=env)
    assert "beta: disabled" in disabled.stdout
    listed = run("models", "list", env=env)
    assert "disabled since" in listed.stdout
    assert "by cli:" in listed.stdout
    assert "too slow" in listed.stdout
    assert "beta: enabled" in run("models", "enable", "beta", env=env).stdout
    assert "beta: not paused" in run("models", "enable", "beta", env=env).stdout
    with database.transaction() as session:
        actions = session.execute(
            sa.select(AuditEntry.action, AuditEntry.target).order_by(AuditEntry.id)
        ).all()
    assert [tuple(a) for a in actions] == [
        ("forecaster.disable", "beta"),
        ("forecaster.enable", "beta"),
    ]


def test_check_asks_each_enabled_model_and_reports_failures(
    env: dict[str, str], fake: FakeOpenAI, tmp_path: Path
) -> None:
    env = {**env, "FOOTCAST_ROSTER": str(roster_file(tmp_path, fake)), "COLUMNS": "200"}
    good = run("models", "check", env=env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "2 ok, 0 failed" in good.stdout
    fake.behave("beta-3b", Behaviour.SCHEMA_ECHO)
    fake.fail_next("beta-3b", Behaviour.SCHEMA_ECHO, times=2)
    bad = run("models", "check", env=env)
    assert bad.returncode == 1
    assert "1 ok, 1 failed" in bad.stdout
    assert "invalid_output" in bad.stdout


def test_a_worker_refuses_a_roster_whose_key_variable_is_missing(
    env: dict[str, str], fake: FakeOpenAI, tmp_path: Path
) -> None:
    path = roster_file(tmp_path, fake, key_env="FOOTCAST_TEST_ABSENT_KEY")
    done = run("worker", env={**env, "FOOTCAST_ROSTER": str(path)})
    assert done.returncode == 1
    assert "roster.toml:3: provider 'local': environment variable FOOTCAST_TEST_ABSENT_KEY" in (
        done.stderr
    )


def test_a_roster_with_an_unknown_provider_is_refused_with_its_line(
    env: dict[str, str], fake: FakeOpenAI, tmp_path: Path
) -> None:
    path = roster_file(tmp_path, fake)
    path.write_text(
        path.read_text().replace(
            'provider = "local"\nmodel = "beta', 'provider = "remote"\nmodel = "beta'
        )
    )
    done = run("models", "list", env={**env, "FOOTCAST_ROSTER": str(path)})
    assert done.returncode == 1
    assert "Error [config_error]: roster refused:" in done.stderr
    assert "roster.toml:14: model 'beta': unknown provider 'remote' (known: local)" in done.stderr
