"""The roster's models as forecasters of this process: one OpenAI client and one gate per
provider, shared by its models; and the roster's registration as forecaster rows.

A roster model is a forecaster named by its id (kind ``llm``, provider = the roster provider,
model id = the provider's model name). A model marked ``enabled = false`` in the file is paused
by the actor ``roster``; marking it enabled again resumes it at the next registration. Pauses by
an operator or by health are left alone.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from footcast.config import Settings
from footcast.db import Database
from footcast.db.coordination import gates, pauses, slots
from footcast.db.writes import forecasters as forecaster_rows
from footcast.forecasters.roster import PROVIDER_KIND, Roster

if TYPE_CHECKING:
    import openai

    from footcast.forecasters.llm import Formats, LLMForecaster

__all__ = ["ROSTER_ACTOR", "LLMs", "register"]

ROSTER_ACTOR = "roster"


class LLMs:
    """Makes the roster's forecasters; clients and gates are built on first use."""

    def __init__(
        self,
        database: Database,
        roster: Roster,
        settings: Settings,
        environ: Mapping[str, str],
    ) -> None:
        self.roster = roster
        self._database = database
        self._settings = settings
        self._environ = environ
        self._lock = threading.Lock()
        self._gates: dict[str, gates.Gate] = {}
        self._slots: slots.SlotHolder | None = None  # one connection for every provider's slots
        self._clients: dict[str, openai.OpenAI] = {}
        self._formats: Formats | None = None  # what each provider refused, for all its models

    def knows(self, provider: str | None) -> bool:
        return provider in self.roster.providers

    def make(self, name: str) -> LLMForecaster:
        # the openai SDK takes a third of a second to import: only processes that ask LLMs pay
        import openai

        from footcast.forecasters.llm import Formats, LLMForecaster

        model = self.roster.model(name)
        provider = self.roster.providers[model.provider]
        with self._lock:
            if provider.name not in self._gates:
                # the gate first: it writes to the database, which may be away; nothing is
                # kept until both exist (a client without its gate failed every later request)
                if self._slots is None:
                    self._slots = slots.SlotHolder(self._database)
                gate = gates.Gate(
                    self._database,
                    gates.GateSettings(
                        provider=provider.name,
                        max_concurrent=provider.max_concurrent,
                        per_minute=provider.requests_per_minute,
                        threshold=self._settings.llm.circuit_threshold,
                        cooldown=timedelta(seconds=self._settings.llm.circuit_cooldown_seconds),
                    ),
                    holder=self._slots,
                )
                key = self._environ.get(provider.api_key_env or "", "") or "not-needed"
                self._clients[provider.name] = openai.OpenAI(
                    base_url=provider.base_url,
                    api_key=key,
                    max_retries=0,  # retries go through the gate (LLMForecaster)
                    timeout=provider.timeout_seconds,
                )
                self._gates[provider.name] = gate
            if self._formats is None:
                self._formats = Formats()
            return LLMForecaster(
                model, provider, self._clients[provider.name], self._gates[provider.name],
                formats=self._formats,
            )  # fmt: skip

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        for gate in self._gates.values():
            gate.close()
        if self._slots is not None:
            self._slots.close()


def register(database: Database, roster: Roster, *, active_from: datetime, now: datetime) -> int:
    """Make every roster model a forecaster (active from ``active_from`` when new) and pause or
    resume it as the file says. Returns how many models the roster has."""
    with database.transaction() as session:
        for model in roster.models:
            forecaster_id = forecaster_rows.upsert_forecaster(
                session,
                name=model.id,
                kind=PROVIDER_KIND,
                active_from=active_from,
                provider=model.provider,
                model_id=model.model,
                knowledge_cutoff=model.knowledge_cutoff,
            )
            if model.enabled:
                open_pause = pauses.open_pause(session, forecaster_id)
                if open_pause is not None and open_pause.actor == ROSTER_ACTOR:
                    pauses.resume(
                        session, forecaster_id, at=now, actor=ROSTER_ACTOR,
                        reason=f"enabled in {roster.path}",
                    )  # fmt: skip
            else:
                pauses.pause(
                    session, forecaster_id, at=now, reason=f"disabled in {roster.path}",
                    actor=ROSTER_ACTOR,
                )  # fmt: skip
    return len(roster.models)
