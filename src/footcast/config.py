"""Settings, read once at the entry point from the environment (``FOOTCAST_*``) and ``.env``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from footcast import errors

__all__ = ["Settings", "load_settings"]


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("footcast", appauthor=False))


class Settings(BaseSettings):
    """Everything footcast reads from outside; build it once and pass it down."""

    model_config = SettingsConfigDict(
        env_prefix="FOOTCAST_",
        env_file=".env",
        env_ignore_empty=True,  # FOOTCAST_ADMIN_TOKEN= is no token, not an empty one
        extra="ignore",
        frozen=True,
    )

    database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL; when unset, an embedded server is started under data_dir.",
    )
    data_dir: Path = Field(default_factory=_default_data_dir)
    pgdata: Path | None = Field(
        default=None, description="Embedded server data directory (default: <data_dir>/pgdata)."
    )

    # pipeline windows (ARCHITECTURE.md "Stages of one match"); the deadline is the kickoff
    analysis_lead: timedelta = Field(default=timedelta(hours=48), gt=timedelta(0))
    lineups_lead: timedelta = Field(default=timedelta(minutes=60), gt=timedelta(0))
    prediction_lead: timedelta = Field(default=timedelta(minutes=30), gt=timedelta(0))
    stuck_after: timedelta = Field(
        default=timedelta(minutes=150),
        gt=timedelta(0),
        description="A match still live or scheduled this long after kickoff is stuck.",
    )
    live_every: timedelta = Field(
        default=timedelta(minutes=1), gt=timedelta(0), description="Live polling interval."
    )
    fixtures_every: timedelta = Field(default=timedelta(hours=6), gt=timedelta(0))
    fixtures_ahead: timedelta = Field(default=timedelta(days=14), gt=timedelta(0))
    fixtures_behind: timedelta = Field(default=timedelta(days=3), ge=timedelta(0))
    reconcile_lookback: timedelta = Field(
        default=timedelta(days=7),
        ge=timedelta(0),
        description="How far back every reconciler tick looks for unfinished work.",
    )
    reconcile_every_seconds: float = Field(default=60.0, gt=0)
    history_window: timedelta = Field(
        default=timedelta(days=730),
        gt=timedelta(0),
        description="How far back an analysis snapshot's results reach: a bounded history keeps"
        " snapshots (and the database) growing linearly with the seasons played.",
    )

    # the job queue
    max_attempts: int = Field(default=5, ge=1, description="Attempts per job before it fails.")
    retry_base_seconds: float = Field(
        default=2.0, ge=0, description="First retry delay; doubles each attempt, with jitter."
    )
    stalled_after_seconds: float = Field(
        default=6.0, gt=0, description="A worker silent this long is dead; its jobs re-run."
    )
    heartbeat_seconds: float = Field(default=2.0, gt=0)
    poll_seconds: float = Field(
        default=1.0,
        gt=0,
        description="How often an idle worker looks for jobs without a notification (after a"
        " database restart its listener is away for up to 30 s).",
    )
    worker_name: str | None = None
    start_wait_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How long `footcast worker` waits at start for a database that does not"
        " answer yet (restarting, or no replay time yet) before it gives up.",
    )

    # where fixtures come from and which clock the workers read
    source: Literal["simulated", "api-football"] = "simulated"
    sim_seed: int = 7
    sim_teams: int = Field(default=20, ge=4, description="Teams of the simulated league (even).")
    sim_start: datetime = Field(
        default=datetime(2025, 8, 16, tzinfo=UTC),
        description="First day of the simulated league's season.",
    )
    sim_leagues: int = Field(
        default=1,
        ge=1,
        description="Simulated leagues played side by side (SIM, SIM2...), each with its teams.",
    )
    sim_seasons: int = Field(
        default=1,
        ge=1,
        le=1000,
        description="Consecutive seasons each simulated league plays, a year apart.",
    )

    # API-Football v3 (source "api-football")
    api_football_key: SecretStr | None = Field(
        default=None, description="The x-apisports-key; required when the source is api-football."
    )
    api_football_url: str = "https://v3.football.api-sports.io"
    api_football_leagues: list[int] = Field(
        default_factory=lambda: [39], description="League ids to follow (39: Premier League)."
    )
    api_football_season: int = Field(
        default=2025, description="Season year as API-Football counts it."
    )
    api_football_timeout: float = Field(default=10.0, gt=0, description="Seconds per request.")
    api_football_per_minute: int = Field(
        default=300,
        gt=0,
        description="Requests per minute, all workers together (the headers may lower it).",
    )
    api_football_daily_budget: int = Field(
        default=7500, gt=0, description="Requests per UTC day for all workers together."
    )
    api_football_window_seconds: float = Field(
        default=60.0, gt=0, description="Length of the per-minute window (tests shorten it)."
    )

    # LLM forecasters
    roster: Path | None = Field(
        default=None, description="Roster TOML of LLM providers and models (none: no LLMs)."
    )
    predict_fanout: int = Field(
        default=16, ge=1, description="Forecasters one prediction job asks at once."
    )
    llm_disable_after: int = Field(
        default=5, ge=1, description="Failures in a row that disable a model until a probe."
    )
    llm_probe_after: timedelta = Field(
        default=timedelta(minutes=30), gt=timedelta(0), description="First probe of a model."
    )
    circuit_threshold: int = Field(
        default=5, ge=1, description="Provider failures in a row that open its circuit."
    )
    circuit_cooldown_seconds: float = Field(default=30.0, gt=0)

    # the web surface (`footcast web`, `footcast run`)
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=0, le=65535)
    admin_token: SecretStr | None = Field(
        default=None,
        description="The admin secret (bearer token or X-Admin-Password); unset: admin is closed.",
    )
    admin_rate_limit: str = Field(
        default="10/minute", description="Admin requests allowed per client (limits notation)."
    )
    health_cache_seconds: float = Field(default=30.0, ge=0, le=60)

    clock: Literal["system", "simulated"] = Field(
        default="system",
        description="'simulated': read the replay's shared time from the database (sim_clock).",
    )

    @field_validator("database_url")
    @classmethod
    def _postgresql_only(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(
            ("postgresql://", "postgresql+", "postgres://")
        ):
            raise ValueError(f"must be a postgresql:// URL, got {value.split('@')[-1]!r}")
        return value

    @property
    def embedded_pgdata(self) -> Path:
        return self.pgdata or self.data_dir / "pgdata"


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from ``environ`` (the process environment when None) and overrides.

    Raises:
        ConfigError: a value is invalid; the message names it.
    """
    try:
        if environ is None:
            return Settings(**overrides)  # type: ignore[arg-type]
        values: dict[str, object] = {
            key.removeprefix("FOOTCAST_").lower(): value
            for key, value in environ.items()
            if key.startswith("FOOTCAST_") and value != ""
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"FOOTCAST_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise errors.ConfigError(f"invalid settings: {problems}") from exc
