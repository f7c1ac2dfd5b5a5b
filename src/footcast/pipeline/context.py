"""What every stage is handed: the database, the clock, the source, settings and forecasters."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import timedelta

from footcast import errors
from footcast.clock import Clock
from footcast.config import Settings
from footcast.db import Database
from footcast.forecasters.base import Forecaster
from footcast.pipeline.llms import LLMs
from footcast.sources.base import Source

__all__ = ["Context", "Forecasters"]


class Forecasters:
    """Turns a forecaster row (provider, model id) into the code that predicts; one instance per
    forecaster per process, so models can keep their per-day fits."""

    def __init__(self, llms: LLMs | None = None) -> None:
        self._made: dict[str, Forecaster] = {}
        self._lock = threading.Lock()
        self.llms = llms

    def get(self, *, name: str, provider: str | None, model_id: str | None) -> Forecaster:
        with self._lock:
            if name not in self._made:
                self._made[name] = self._make(name, provider, model_id)
            return self._made[name]

    def _make(self, name: str, provider: str | None, model_id: str | None) -> Forecaster:
        # the statistical models load scipy (a third of a second): only when one is made
        from footcast.forecasters import builtin

        if self.llms is not None and self.llms.knows(provider):
            return self.llms.make(name)
        if provider == "builtin" and model_id:
            return builtin.builtin(model_id)
        if provider == "standin":
            # model id "latency:<ms>" makes the stand-in as slow as a remote model
            latency = 0.0
            if model_id and model_id.startswith("latency:"):
                latency = int(model_id.removeprefix("latency:")) / 1000
            return builtin.standin(name, latency=latency)
        raise errors.ForecasterError(
            f"forecaster {name!r}: no implementation for provider {provider!r}"
            f" (model {model_id!r}); known providers: builtin, standin"
            + ("".join(f", {p}" for p in self.llms.roster.providers) if self.llms else "")
            + ("" if self.llms else " (no roster is loaded: set FOOTCAST_ROSTER)"),
            forecaster=name,
        )


@dataclass(frozen=True, kw_only=True)
class Context:
    database: Database
    clock: Clock
    source: Source
    settings: Settings
    forecasters: Forecasters = field(default_factory=Forecasters)
    actor: str = "worker"

    def close(self) -> None:
        """Release the source's and the LLM clients' connections."""
        self.source.close()
        if self.forecasters.llms is not None:
            self.forecasters.llms.close()

    @property
    def known_after(self) -> timedelta:
        """How long after kickoff a result is taken as known (for point-in-time history)."""
        return self.settings.pipeline.stuck_after
