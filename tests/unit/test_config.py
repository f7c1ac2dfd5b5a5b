from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest

from footcast import config, errors
from footcast.config import Settings, Windows, load_settings
from footcast.db import engine


def test_settings_default_to_the_embedded_server_under_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings({"FOOTCAST_DATA_DIR": str(tmp_path)})
    assert settings.database.url is None
    assert settings.database.embedded_pgdata == tmp_path / "pgdata"


def test_settings_read_the_database_url_and_ignore_other_variables() -> None:
    settings = load_settings({"FOOTCAST_DATABASE_URL": "postgresql://u@h/db", "HOME": "/x"})
    assert settings.database.url == "postgresql://u@h/db"


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
    default = load_settings({}).sources.simulated
    assert (default.leagues, default.seasons) == (1, 1)
    settings = load_settings({"FOOTCAST_SIM_LEAGUES": "5", "FOOTCAST_SIM_SEASONS": "10"})
    assert (settings.sources.simulated.leagues, settings.sources.simulated.seasons) == (5, 10)


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
    assert settings.web.admin_token is None
    assert settings.llm.roster is None


def test_settings_groups_are_read_from_the_same_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    environ = {
        "FOOTCAST_ANALYSIS_LEAD": "PT24H",
        "FOOTCAST_LIVE_EVERY": "PT2M",
        "FOOTCAST_STUCK_AFTER": "PT3H",
        "FOOTCAST_CLOCK": "simulated",
        "FOOTCAST_RETRY_BASE_SECONDS": "0.5",
        "FOOTCAST_SOURCE": "api-football",
        "FOOTCAST_SIM_TEAMS": "6",
        "FOOTCAST_API_FOOTBALL_KEY": "k3y",
        "FOOTCAST_API_FOOTBALL_PER_MINUTE": "10",
        "FOOTCAST_ROSTER": str(tmp_path / "roster.toml"),
        "FOOTCAST_LLM_PROBE_AFTER": "PT1H",
        "FOOTCAST_ADMIN_TOKEN": "s3cret",
        "FOOTCAST_WEB_PORT": "9000",
    }
    settings = load_settings(environ)
    assert settings.windows == Windows(
        analysis_lead=timedelta(hours=24),
        lineups_lead=timedelta(minutes=60),
        prediction_lead=timedelta(minutes=30),
        consensus_lead=timedelta(minutes=2),
        live_every=timedelta(minutes=2),
    )
    assert (settings.pipeline.stuck_after, settings.pipeline.clock) == (
        timedelta(hours=3),
        "simulated",
    )
    assert settings.queue.retry_base_seconds == 0.5
    assert (settings.sources.kind, settings.sources.simulated.teams) == ("api-football", 6)
    api = settings.sources.api_football
    assert (api.key and api.key.get_secret_value(), api.per_minute, api.leagues) == (
        "k3y",
        10,
        (39,),
    )
    assert (settings.llm.roster, settings.llm.probe_after) == (
        tmp_path / "roster.toml",
        timedelta(hours=1),
    )
    token = settings.web.admin_token
    assert (token and token.get_secret_value(), settings.web.port) == ("s3cret", 9000)
    # overrides use the same names, and the process environment reaches the same groups
    overrides = {name.removeprefix("FOOTCAST_").lower(): v for name, v in environ.items()}
    assert load_settings({}, **overrides) == settings
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert load_settings() == settings


def test_every_variable_lands_in_exactly_one_group_field() -> None:
    def leaves(value: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        if not dataclasses.is_dataclass(value):
            return [path]
        return [
            leaf
            for field in dataclasses.fields(value)
            for leaf in leaves(getattr(value, field.name), (*path, field.name))
        ]

    places = config._PLACES
    assert set(places) == set(config._Variables.model_fields)
    assert sorted(places.values()) == sorted(leaves(load_settings({})))


def test_settings_groups_are_frozen() -> None:
    settings = load_settings({})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.web.admin_token = None  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.windows = settings.windows  # type: ignore[misc]
    with pytest.raises(TypeError):
        Windows(timedelta(1), timedelta(1), timedelta(1), timedelta(1))  # type: ignore[call-arg]


def test_settings_evolve_checks_changes_like_the_variables() -> None:
    settings = load_settings({})
    several = settings.evolve(sim_leagues=2, history_window=timedelta(days=1))
    assert (several.sources.simulated.leagues, several.pipeline.history_window) == (
        2,
        timedelta(days=1),
    )
    assert several.evolve(sim_leagues=1, history_window=timedelta(days=730)) == settings
    assert settings.sources.simulated.leagues == 1  # unchanged
    with pytest.raises(errors.ConfigError, match=r"FOOTCAST_SIM_TEAMS: .*greater than or equal"):
        settings.evolve(sim_teams=2)
    with pytest.raises(errors.ConfigError, match="unknown teams"):
        settings.evolve(teams=6)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"FOOTCAST_ANALYSIS_LEAD": "PT0S"}, r"FOOTCAST_ANALYSIS_LEAD: .*greater than"),
        ({"FOOTCAST_WEB_PORT": "70000"}, r"FOOTCAST_WEB_PORT: .*less than or equal to 65535"),
        ({"FOOTCAST_API_FOOTBALL_PER_MINUTE": "x"}, r"FOOTCAST_API_FOOTBALL_PER_MINUTE: "),
        ({"FOOTCAST_SOURCE": "csv"}, r"FOOTCAST_SOURCE: .*'simulated' or 'api-football'"),
        (
            {"FOOTCAST_PREDICTION_LEAD": "PT10M", "FOOTCAST_CONSENSUS_LEAD": "PT10M"},
            r"FOOTCAST_CONSENSUS_LEAD: .*shorter than the prediction lead \(0:10:00\)",
        ),
    ],
)
def test_settings_errors_name_the_variable_not_the_group(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(errors.ConfigError, match=message):
        load_settings(environ)


def test_settings_are_a_value_built_once() -> None:
    assert load_settings({}) == load_settings({})
    assert isinstance(load_settings({}), Settings)
