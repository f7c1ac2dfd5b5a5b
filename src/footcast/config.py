"""Settings, read once at the entry point from the environment (``FOOTCAST_*``) and ``.env``.

Every variable is read by one flat, private reader (its name, type, default and bounds are
declared once, there), then sorted into small frozen groups (``settings.database``,
``settings.windows``, ``settings.pipeline``, ``settings.queue``, ``settings.sources``,
``settings.llm``, ``settings.web``), so a function takes only the group it needs. ``_PLACES``
says where each variable lands.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import (
    Field,
    SecretStr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from footcast import errors

__all__ = [
    "ApiFootballSettings",
    "DatabaseSettings",
    "LlmSettings",
    "PipelineSettings",
    "QueueSettings",
    "Settings",
    "SimulatedLeagueSettings",
    "SourceSettings",
    "WebSettings",
    "Windows",
    "load_settings",
]

ClockKind = Literal["system", "simulated"]
SourceKind = Literal["simulated", "api-football"]


@dataclass(frozen=True, kw_only=True)
class DatabaseSettings:
    """Where the database is: a PostgreSQL URL, or an embedded server under ``data_dir``."""

    url: str | None
    data_dir: Path
    pgdata: Path | None

    @property
    def embedded_pgdata(self) -> Path:
        return self.pgdata or self.data_dir / "pgdata"


@dataclass(frozen=True, kw_only=True)
class Windows:
    """When each stage becomes due, relative to kickoff (the deadline is the kickoff)."""

    analysis_lead: timedelta
    lineups_lead: timedelta
    prediction_lead: timedelta
    consensus_lead: timedelta  # the consensus is made by then at the latest
    live_every: timedelta


@dataclass(frozen=True, kw_only=True)
class PipelineSettings:
    """The pipeline's other timing, and the clock every process reads."""

    stuck_after: timedelta
    fixtures_every: timedelta
    fixtures_ahead: timedelta
    fixtures_behind: timedelta
    reconcile_lookback: timedelta
    reconcile_every_seconds: float
    history_window: timedelta
    clock: ClockKind


@dataclass(frozen=True, kw_only=True)
class QueueSettings:
    """The job queue and its workers."""

    max_attempts: int
    retry_base_seconds: float
    stalled_after_seconds: float
    heartbeat_seconds: float
    poll_seconds: float
    worker_name: str | None
    start_wait_seconds: float
    job_retention: timedelta


@dataclass(frozen=True, kw_only=True)
class SimulatedLeagueSettings:
    """The simulated league(s): seed, size, first day, and how many leagues and seasons."""

    seed: int
    teams: int
    start: datetime
    leagues: int
    seasons: int


@dataclass(frozen=True, kw_only=True)
class ApiFootballSettings:
    """API-Football v3: the key, what to follow, and the request budget of all workers."""

    key: SecretStr | None
    url: str
    leagues: tuple[int, ...]
    season: int
    timeout: float
    per_minute: int
    daily_budget: int
    window_seconds: float


@dataclass(frozen=True, kw_only=True)
class SourceSettings:
    """Where fixtures come from: ``kind`` picks one of the two sources configured here."""

    kind: SourceKind
    simulated: SimulatedLeagueSettings
    api_football: ApiFootballSettings


@dataclass(frozen=True, kw_only=True)
class LlmSettings:
    """The LLM forecasters: their roster, fan-out, health and circuit breakers."""

    roster: Path | None
    predict_fanout: int
    disable_after: int
    probe_after: timedelta
    circuit_threshold: int
    circuit_cooldown_seconds: float


@dataclass(frozen=True, kw_only=True)
class WebSettings:
    """The web surface (`footcast web`, `footcast run`)."""

    host: str
    port: int
    admin_token: SecretStr | None
    admin_rate_limit: str
    health_cache_seconds: float
    admin_session_hours: float
    trusted_proxies: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything footcast reads from outside; build it once and pass down what is needed."""

    database: DatabaseSettings
    windows: Windows
    pipeline: PipelineSettings
    queue: QueueSettings
    sources: SourceSettings
    llm: LlmSettings
    web: WebSettings

    def evolve(self, **changes: object) -> Settings:
        """These settings with ``changes``, named as ``load_settings`` overrides are (the
        variable without ``FOOTCAST_``, lowercased: ``sim_teams=6``), checked like them.

        Raises:
            ConfigError: a changed value is invalid; the message names its variable.
        """
        unknown = sorted(set(changes) - set(_PLACES))
        if unknown:
            raise errors.ConfigError(f"invalid settings: unknown {', '.join(unknown)}")
        values = {name: _at(self, place) for name, place in _PLACES.items()}
        return _checked(lambda: _Variables.model_validate({**values, **changes}))


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("footcast", appauthor=False))


class _Variables(BaseSettings):
    """The ``FOOTCAST_*`` variables, flat as they are named: the one place each variable's
    type, default and bounds are declared."""

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
    consensus_lead: timedelta = Field(
        default=timedelta(minutes=2),
        gt=timedelta(0),
        description="The consensus is made once every other owed prediction is resolved, or"
        " this long before the deadline at the latest (shorter than prediction_lead).",
    )
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
    job_retention: timedelta = Field(
        default=timedelta(days=14),
        gt=timedelta(0),
        description="Finished jobs older than this (by the clock) are deleted with their events;"
        " the failure ledger and the audit log keep what happened.",
    )
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
        default=16, ge=1, description="Remote forecasters (models) one prediction job asks at once."
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
    admin_session_hours: float = Field(
        default=8.0, gt=0, le=24 * 30, description="How long an admin login on the pages lasts."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses (or CIDR ranges, or *), comma-separated, of reverse proxies whose"
        " X-Forwarded-Proto and X-Forwarded-For are believed; none by default.",
    )

    clock: Literal["system", "simulated"] = Field(
        default="system",
        description="'simulated': read the replay's shared time from the database (sim_clock).",
    )

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("consensus_lead")
    @classmethod
    def _within_the_prediction_window(cls, value: timedelta, info: ValidationInfo) -> timedelta:
        window = info.data.get("prediction_lead")
        if window is not None and value >= window:
            raise ValueError(f"must be shorter than the prediction lead ({window})")
        return value

    @field_validator("database_url")
    @classmethod
    def _postgresql_only(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(
            ("postgresql://", "postgresql+", "postgres://")
        ):
            raise ValueError(f"must be a postgresql:// URL, got {value.split('@')[-1]!r}")
        return value


# variable (``FOOTCAST_`` + upper case) -> where it lands in ``Settings``
_PLACES: dict[str, tuple[str, ...]] = {
    "database_url": ("database", "url"),
    "data_dir": ("database", "data_dir"),
    "pgdata": ("database", "pgdata"),
    "analysis_lead": ("windows", "analysis_lead"),
    "lineups_lead": ("windows", "lineups_lead"),
    "prediction_lead": ("windows", "prediction_lead"),
    "consensus_lead": ("windows", "consensus_lead"),
    "live_every": ("windows", "live_every"),
    "stuck_after": ("pipeline", "stuck_after"),
    "fixtures_every": ("pipeline", "fixtures_every"),
    "fixtures_ahead": ("pipeline", "fixtures_ahead"),
    "fixtures_behind": ("pipeline", "fixtures_behind"),
    "reconcile_lookback": ("pipeline", "reconcile_lookback"),
    "reconcile_every_seconds": ("pipeline", "reconcile_every_seconds"),
    "history_window": ("pipeline", "history_window"),
    "clock": ("pipeline", "clock"),
    "max_attempts": ("queue", "max_attempts"),
    "retry_base_seconds": ("queue", "retry_base_seconds"),
    "stalled_after_seconds": ("queue", "stalled_after_seconds"),
    "heartbeat_seconds": ("queue", "heartbeat_seconds"),
    "poll_seconds": ("queue", "poll_seconds"),
    "worker_name": ("queue", "worker_name"),
    "start_wait_seconds": ("queue", "start_wait_seconds"),
    "job_retention": ("queue", "job_retention"),
    "source": ("sources", "kind"),
    "sim_seed": ("sources", "simulated", "seed"),
    "sim_teams": ("sources", "simulated", "teams"),
    "sim_start": ("sources", "simulated", "start"),
    "sim_leagues": ("sources", "simulated", "leagues"),
    "sim_seasons": ("sources", "simulated", "seasons"),
    "api_football_key": ("sources", "api_football", "key"),
    "api_football_url": ("sources", "api_football", "url"),
    "api_football_leagues": ("sources", "api_football", "leagues"),
    "api_football_season": ("sources", "api_football", "season"),
    "api_football_timeout": ("sources", "api_football", "timeout"),
    "api_football_per_minute": ("sources", "api_football", "per_minute"),
    "api_football_daily_budget": ("sources", "api_football", "daily_budget"),
    "api_football_window_seconds": ("sources", "api_football", "window_seconds"),
    "roster": ("llm", "roster"),
    "predict_fanout": ("llm", "predict_fanout"),
    "llm_disable_after": ("llm", "disable_after"),
    "llm_probe_after": ("llm", "probe_after"),
    "circuit_threshold": ("llm", "circuit_threshold"),
    "circuit_cooldown_seconds": ("llm", "circuit_cooldown_seconds"),
    "web_host": ("web", "host"),
    "web_port": ("web", "port"),
    "admin_token": ("web", "admin_token"),
    "admin_rate_limit": ("web", "admin_rate_limit"),
    "health_cache_seconds": ("web", "health_cache_seconds"),
    "admin_session_hours": ("web", "admin_session_hours"),
    "trusted_proxies": ("web", "trusted_proxies"),
}


def _at(settings: Settings, place: tuple[str, ...]) -> object:
    found: object = settings
    for name in place:
        found = getattr(found, name)
    return found


@functools.cache
def _groups() -> TypeAdapter[Settings]:
    return TypeAdapter(Settings)


def _grouped(variables: _Variables) -> Settings:
    """The groups of ``variables``, already checked: this only sorts them into place."""
    tree: dict[str, Any] = {}
    for name, place in _PLACES.items():
        node = tree
        for group in place[:-1]:
            node = node.setdefault(group, {})
        node[place[-1]] = getattr(variables, name)
    return _groups().validate_python(tree)


def _checked(read: Callable[[], _Variables]) -> Settings:
    try:
        variables = read()
    except ValidationError as exc:
        problems = "; ".join(
            f"FOOTCAST_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise errors.ConfigError(f"invalid settings: {problems}") from exc
    return _grouped(variables)


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from ``environ`` (the process environment and ``.env`` when None) and
    ``overrides``, named as the variables without ``FOOTCAST_``, in lower case (``sim_teams=6``).

    Raises:
        ConfigError: a value is invalid; the message names it.
    """
    if environ is None:
        return _checked(lambda: _Variables(**overrides))  # type: ignore[arg-type]
    values: dict[str, object] = {
        key.removeprefix("FOOTCAST_").lower(): value
        for key, value in environ.items()
        if key.startswith("FOOTCAST_") and value != ""
    }
    values.update(overrides)
    return _checked(lambda: _Variables(_env_file=None, **values))  # type: ignore[arg-type]
