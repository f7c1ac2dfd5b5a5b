"""Settings, read once at the entry point from the environment (``FOOTCAST_*``) and ``.env``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import platformdirs
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from footcast import errors

__all__ = ["Settings", "load_settings"]


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("footcast", appauthor=False))


class Settings(BaseSettings):
    """Everything footcast reads from outside; build it once and pass it down."""

    model_config = SettingsConfigDict(
        env_prefix="FOOTCAST_", env_file=".env", extra="ignore", frozen=True
    )

    database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL; when unset, an embedded server is started under data_dir.",
    )
    data_dir: Path = Field(default_factory=_default_data_dir)
    pgdata: Path | None = Field(
        default=None, description="Embedded server data directory (default: <data_dir>/pgdata)."
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
