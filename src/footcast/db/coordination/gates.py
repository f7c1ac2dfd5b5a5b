"""Provider gates: the limits every worker on every machine shares on one LLM provider.

- **Concurrency**: a request in flight holds one of the provider's ``max_concurrent`` slots, a
  session-level advisory lock on this process's one slot connection (``db.coordination.slots``),
  so a crashed process frees its slots the moment its connection drops, and a process needs one
  connection for its slots whatever the limits.
- **Requests per minute**: the sliding-window log of ``db.limits`` (scope ``llm:<provider>``).
- **retry-after and the circuit**: ``provider_circuits`` keeps a "wait until" set from a 429's
  ``retry-after``, and a consecutive-failure count that opens the circuit for ``cooldown`` after
  ``threshold`` failures; while it is open, requests fail at once with ``CircuitOpen``.

Times are the database's ``clock_timestamp()``: limits are about real time, on every machine.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from footcast import errors
from footcast.db.coordination import limits, slots
from footcast.db.engine import Database

__all__ = ["Gate", "GateSettings"]

FOREVER = 10**9  # no daily budget for LLM providers: their limits are per minute


@dataclass(frozen=True, kw_only=True)
class GateSettings:
    provider: str
    max_concurrent: int
    per_minute: int
    threshold: int = 5
    cooldown: timedelta = timedelta(seconds=30)
    window: timedelta = timedelta(seconds=60)

    @property
    def scope(self) -> str:
        return f"llm:{self.provider}"


_ENSURE_CIRCUIT = sa.text(
    "INSERT INTO provider_circuits (scope) VALUES (:scope) ON CONFLICT DO NOTHING"
)
_STATE = sa.text(
    """
    SELECT clock_timestamp() AS now, open_until, wait_until, last_error, consecutive_failures
    FROM provider_circuits WHERE scope = :scope
    """
)
_SUCCEEDED = sa.text(
    """
    UPDATE provider_circuits SET consecutive_failures = 0, open_until = NULL
    WHERE scope = :scope AND (consecutive_failures <> 0 OR open_until IS NOT NULL)
    """
)
_FAILED = sa.text(
    """
    UPDATE provider_circuits SET
        consecutive_failures = consecutive_failures + 1,
        last_error = :error,
        open_until = CASE WHEN consecutive_failures + 1 >= :threshold
                          THEN clock_timestamp() + :cooldown ELSE open_until END,
        wait_until = CASE WHEN CAST(:retry_after AS float8) IS NULL THEN wait_until
                          ELSE greatest(coalesce(wait_until, clock_timestamp()),
                                        clock_timestamp()
                                        + make_interval(secs => CAST(:retry_after AS float8)))
                     END
    WHERE scope = :scope
    """
)


class Gate:
    """The shared limits of one provider, for the requests of this process."""

    def __init__(
        self, database: Database, settings: GateSettings, *, holder: slots.SlotHolder | None = None
    ) -> None:
        """``holder``: the process's slot connection, shared by its gates (one of its own
        when none is given)."""
        self._database = database
        self._own_holder = holder is None
        self._slots = holder or slots.SlotHolder(database)
        self._settings = settings
        self._policy = limits.Policy(
            scope=settings.scope,
            per_window=settings.per_minute,
            window=settings.window,
            daily_budget=FOREVER,
        )
        with database.transaction() as session:
            session.execute(_ENSURE_CIRCUIT, {"scope": settings.scope})

    @property
    def settings(self) -> GateSettings:
        return self._settings

    def close(self) -> None:
        if self._own_holder:
            self._slots.close()

    @contextmanager
    def request(self) -> Iterator[None]:
        """Hold a slot for one request: after any retry-after wait, within the minute's
        limit, with the circuit closed. A request that ends without an exception is the
        provider's success (its run of failures ends); one that raises counts nothing here
        (``failed`` says what failed). Two transactions per request: one in, one out.

        Raises:
            CircuitOpen: the provider failed ``threshold`` times in a row and is resting.
        """
        ticket = self._enter()
        succeeded = False
        try:
            slot = self._slots.take(self._settings.scope, self._settings.max_concurrent)
            try:
                yield
                succeeded = True
            finally:
                self._slots.release(self._settings.scope, slot)
        finally:
            with self._database.transaction() as session:
                limits.release_slot(session.connection(), self._policy, ticket)
                if succeeded:
                    session.execute(_SUCCEEDED, {"scope": self._settings.scope})

    def failed(self, error: str, *, retry_after: float | None = None) -> None:
        """Count a failure of the provider (not of a model's answer); ``retry_after`` makes
        every worker wait that long before its next request."""
        with self._database.transaction() as session:
            session.execute(
                _FAILED,
                {
                    "scope": self._settings.scope,
                    "error": error[:500],
                    "threshold": self._settings.threshold,
                    "cooldown": self._settings.cooldown,
                    "retry_after": retry_after,
                },
            )

    def _enter(self) -> int:
        """Wait out a retry-after and the minute's limit; return the minute slot's ticket.
        The circuit is read and the slot taken in one transaction."""
        while True:
            with self._database.transaction() as session:
                state = session.execute(_STATE, {"scope": self._settings.scope}).one()
                if state.open_until is not None and state.now < state.open_until:
                    raise errors.CircuitOpen(
                        f"provider {self._settings.provider!r} failed"
                        f" {state.consecutive_failures} times in a row (last:"
                        f" {state.last_error}); its requests rest until"
                        f" {state.open_until.isoformat()}",
                        provider=self._settings.provider,
                        until=state.open_until,
                    )
                waiting = state.wait_until is not None and state.now < state.wait_until
                turn = None if waiting else limits.take_slot(session.connection(), self._policy)
            if waiting:
                time.sleep((state.wait_until - state.now).total_seconds())
            elif turn is not None and turn.ticket is not None:
                return turn.ticket
            elif turn is not None:
                time.sleep(turn.wait)
