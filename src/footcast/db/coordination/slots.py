"""Concurrency slots shared by every process and machine, held on one connection per process.

A provider allowing ``limit`` requests at once has slots ``0 .. limit-1``; a request in flight
holds one as a session-level advisory lock ``(key of the scope, slot)``. PostgreSQL grants each
lock to one session at a time, so no provider sees more than ``limit`` requests from all
processes together; and a process that dies (even by SIGKILL) drops its connection, which frees
its slots at once. One connection of this process holds every slot it has, of every provider,
whatever the limits: a limit of 200 needs no more connections than a limit of 2.

Advisory locks stack within a session, so this process never asks for a slot it holds itself:
it offers the database only the slots it does not hold, and takes the first free ones in one
statement. A request that finds none free waits in this process's queue; the queue is served
when one of this process's requests ends and, for slots freed by other processes, every
``poll_seconds`` while anyone waits. Slots go to whoever asks first; nothing is fair between
processes beyond that.
"""

from __future__ import annotations

import contextlib
import random
import threading
import zlib
from collections import deque
from dataclasses import dataclass, field

import psycopg

from footcast import errors
from footcast.db.engine import Database

__all__ = ["SlotHolder", "scope_key"]

POLL_SECONDS = 0.02

# offers the slots in the given order and locks the first free ones: the LIMIT stops the scan,
# so the lock function runs on no more rows than are returned (a test counts pg_locks)
_TAKE = """
    SELECT slot FROM unnest(%(offered)s::int[]) AS slot
    WHERE pg_try_advisory_lock(%(key)s, slot) LIMIT %(want)s
"""
_RELEASE = "SELECT pg_advisory_unlock(%(key)s, %(slot)s)"


def scope_key(scope: str) -> int:
    """The first key of a scope's advisory locks: the same in every process (a signed int4)."""
    return zlib.crc32(f"footcast-slot:{scope}".encode()) - 2**31


@dataclass(eq=False)
class _Waiter:
    scope: str
    limit: int
    done: threading.Event = field(default_factory=threading.Event)
    slot: int | None = None
    error: BaseException | None = None


class SlotHolder:
    """This process's slots of every scope, on one autocommit connection."""

    def __init__(self, database: Database, *, poll_seconds: float = POLL_SECONDS) -> None:
        self._conninfo = database.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self._poll = poll_seconds
        self._connection: psycopg.Connection[tuple[int]] | None = None
        self._db_lock = threading.Lock()  # the connection and ``_held``
        self._held: dict[str, set[int]] = {}
        self._queue_lock = threading.Lock()
        self._waiting: deque[_Waiter] = deque()
        self._wake = threading.Condition(self._queue_lock)
        self._closed = False
        self._poller: threading.Thread | None = None

    def held(self, scope: str) -> int:
        """How many of ``scope``'s slots this process holds."""
        with self._db_lock:
            return len(self._held.get(scope, ()))

    def take(self, scope: str, limit: int) -> int:
        """Wait for a free slot of ``scope`` (one of ``limit``) and hold it.

        Raises:
            DatabaseUnavailable: the database can not be reached.
        """
        waiter = _Waiter(scope, limit)
        with self._queue_lock:
            self._waiting.append(waiter)
            self._ensure_poller()
        self._serve()
        while not waiter.done.wait(1.0):
            if self._closed:
                raise errors.PipelineError("the slot holder was closed while waiting")
        if waiter.error is not None:
            raise waiter.error
        assert waiter.slot is not None
        return waiter.slot

    def release(self, scope: str, slot: int) -> None:
        """Free a slot and hand it (or another) to whoever waits here. A slot lost with the
        connection is already free, and then this does nothing."""
        with self._db_lock:
            held = self._held.get(scope, set())
            if slot in held and self._connection is not None:
                try:
                    self._connection.execute(_RELEASE, {"key": scope_key(scope), "slot": slot})
                except psycopg.OperationalError:
                    self._lose_connection()  # its locks went with it
                held.discard(slot)
        self._serve()

    def close(self) -> None:
        """Free every slot (by closing the connection) and stop the poller."""
        with self._queue_lock:
            self._closed = True
            self._wake.notify_all()
        with self._db_lock:
            if self._connection is not None:
                # the server frees a closed session's locks when its backend has exited, a
                # moment after the close: free them now, so they are free when this returns
                with contextlib.suppress(psycopg.Error):
                    self._connection.execute("SELECT pg_advisory_unlock_all()")
            self._lose_connection()
        if self._poller is not None:
            self._poller.join(timeout=2)

    def _ensure_poller(self) -> None:
        if self._poller is None or not self._poller.is_alive():
            self._poller = threading.Thread(
                target=self._poll_while_waiting, name="footcast-slots", daemon=True
            )
            self._poller.start()
        self._wake.notify()

    def _poll_while_waiting(self) -> None:
        while True:
            with self._queue_lock:
                while not self._waiting and not self._closed:
                    self._wake.wait()
                if self._closed:
                    for waiter in self._waiting:
                        waiter.error = errors.PipelineError("the slot holder was closed")
                        waiter.done.set()
                    self._waiting.clear()
                    return
            self._serve()
            with self._queue_lock:
                if self._waiting and not self._closed:
                    self._wake.wait(self._poll)

    def _serve(self) -> None:
        """One round: for each scope with waiters, take as many free slots as they need.
        Rounds take turns (under the connection's lock), so no waiter is served twice."""
        with self._db_lock:
            with self._queue_lock:
                wanted: dict[str, list[_Waiter]] = {}
                for waiter in self._waiting:
                    wanted.setdefault(waiter.scope, []).append(waiter)
            served: list[_Waiter] = []
            for scope, waiters in wanted.items():
                try:
                    slots = self._take(scope, waiters[0].limit, len(waiters))
                except errors.DatabaseUnavailable as error:
                    for waiter in waiters:
                        waiter.error = error
                    served += waiters
                    continue
                for waiter, slot in zip(waiters, slots, strict=False):
                    waiter.slot = slot
                    served.append(waiter)
            if served:
                with self._queue_lock:
                    for waiter in served:
                        self._waiting.remove(waiter)
        for waiter in served:
            waiter.done.set()

    def _take(self, scope: str, limit: int, want: int) -> list[int]:
        try:
            connection = self._connect()  # first: a new connection holds nothing yet
            held = self._held.setdefault(scope, set())
            offered = [slot for slot in range(limit) if slot not in held]
            if not offered:
                return []
            start = random.randrange(len(offered))  # spread the takers over the slots
            offered = offered[start:] + offered[:start]
            rows = connection.execute(
                _TAKE, {"offered": offered, "key": scope_key(scope), "want": want}
            ).fetchall()
        except psycopg.OperationalError as exc:
            self._lose_connection()
            raise errors.DatabaseUnavailable(
                f"could not take a {scope} slot: {str(exc).strip().splitlines()[0]}",
                scope=scope,
            ) from exc
        taken = [int(row[0]) for row in rows]
        held.update(taken)
        return taken

    def _connect(self) -> psycopg.Connection[tuple[int]]:
        if self._connection is None or self._connection.closed:
            self._held.clear()
            self._connection = psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5)
        return self._connection

    def _lose_connection(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(psycopg.Error):
                self._connection.close()
        self._connection = None
        self._held.clear()
