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


def test_settings_simulate_one_league_season_by_default_and_read_more() -> None:
    assert (load_settings({}).sim_leagues, load_settings({}).sim_seasons) == (1, 1)
    settings = load_settings({"FOOTCAST_SIM_LEAGUES": "5", "FOOTCAST_SIM_SEASONS": "10"})
    assert (settings.sim_leagues, settings.sim_seasons) == (5, 10)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"FOOTCAST_SIM_LEAGUES": "0"}, r"FOOTCAST_SIM_LEAGUES: .*greater than or equal to 1"),
        ({"FOOTCAST_SIM_SEASONS": "0"}, r"FOOTCAST_SIM_SEASONS: .*greater than or equal to 1"),
    ],
)
def test_settings_refuse_simulated_leagues_that_do_not_fit(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(errors.ConfigError, match=message):
        load_settings(environ)


def test_settings_read_an_empty_variable_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    # regression: FOOTCAST_ADMIN_TOKEN= became an empty secret, which signed admin cookies
    # with an empty key (found while writing deploy/compose.yaml)
    monkeypatch.setenv("FOOTCAST_ADMIN_TOKEN", "")
    monkeypatch.setenv("FOOTCAST_ROSTER", "")
    settings = load_settings()
    assert settings.admin_token is None
    assert settings.roster is None
