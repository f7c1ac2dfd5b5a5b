from __future__ import annotations

from pathlib import Path

import pytest

from footcast import errors
from footcast.config import load_settings
from footcast.db import engine


def test_settings_default_to_the_embedded_server_under_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings({"FOOTCAST_DATA_DIR": str(tmp_path)})
    assert settings.database_url is None
    assert settings.embedded_pgdata == tmp_path / "pgdata"


def test_settings_read_the_database_url_and_ignore_other_variables() -> None:
    settings = load_settings({"FOOTCAST_DATABASE_URL": "postgresql://u@h/db", "HOME": "/x"})
    assert settings.database_url == "postgresql://u@h/db"


def test_settings_bad_value_names_the_variable() -> None:
    with pytest.raises(errors.ConfigError, match=r"FOOTCAST_DATABASE_URL: .*postgresql://"):
        load_settings({"FOOTCAST_DATABASE_URL": "mysql://root@localhost/db"})


@pytest.mark.parametrize(
    ("url", "message"),
    [("mysql://u@h/db", "needs PostgreSQL"), ("not a url", "not a database URL")],
)
def test_database_url_must_be_postgresql(url: str, message: str) -> None:
    with pytest.raises(errors.ConfigError, match=message):
        engine.normalize_url(url)


def test_database_url_gets_the_psycopg_driver_and_hides_passwords() -> None:
    url = engine.normalize_url("postgresql://u:secret@h:5432/db")
    assert url.drivername == "postgresql+psycopg"
    assert "secret" not in engine.redact(url)
