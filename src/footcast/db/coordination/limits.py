"""Request limits shared by every worker process and machine, kept in PostgreSQL.

One ``request_limits`` row per scope (a provider, such as ``api-football``) holds today's count
against the daily budget, the per-window limit the provider last reported, and a stop until the
provider's day resets. ``request_slots`` is a sliding-window log: a request takes a slot before
it is sent (``in_flight``), and when it is over the slot's ``at`` becomes the moment it ended, so
it counts for a whole window after the provider can have seen it. The provider's windows are not
aligned with ours; this way no window of theirs holds more than ``per_window`` of our requests.

The provider's per-window headers lower the limit (``reported_limit``) and, when the provider
counts more of our key's requests than we hold (another user of the key), fill the window up to
its count. The daily budget is counted per UTC day; a provider saying none is left stops the
scope until the next 00:00 UTC. Both refuse before anything is sent.

Each decision is one call of a database function (``footcast_take_request_slot`` and
``footcast_release_request_slot``, migration 0004): one round trip, made under the scope's row
lock so processes take turns, on the database's ``clock_timestamp()`` so machines agree. A slot
whose process died while it was in flight is held for ``lease`` more, then forgotten.

A scope without a daily budget (the admin limit's, one per client address) is forgotten too once
none of its slots counts any more (``forget_idle``, on each of its writes), so the table holds
the clients of the last window, not every address ever seen.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, timedelta

import anyio
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from footcast import errors
from footcast.db import _errors
from footcast.db.engine import Database
from footcast.db.tables import RequestLimit

__all__ = [
    "FORGET_BATCH",
    "Policy",
    "PostgresLimiter",
    "Turn",
    "forget_idle",
    "release_slot",
    "take_slot",
    "used_today",
]


@dataclass(frozen=True, kw_only=True)
class Policy:
    """The limits of one scope, as this process is configured."""

    scope: str
    per_window: int
    window: timedelta
    daily_budget: int
    lease: timedelta = timedelta(seconds=60)


@dataclass(frozen=True)
class Turn:
    """The answer to asking for a slot: a ticket, or how long to wait before asking again."""

    ticket: int | None
    wait: float = 0.0


# the two decisions, as named statements (the functions are in migration 0004)
_TAKE = sa.select(
    sa.func.footcast_take_request_slot(
        sa.bindparam("scope", type_=sa.Text),
        sa.bindparam("per_window", type_=sa.Integer),
        sa.bindparam("window", type_=sa.Interval),
        sa.bindparam("budget", type_=sa.Integer),
        sa.bindparam("lease", type_=sa.Interval),
    ).table_valued("ticket", "wait_seconds", "blocked_until", "spent_day")
)
_RELEASE = sa.select(
    sa.func.footcast_release_request_slot(
        sa.bindparam("ticket", type_=sa.BigInteger),
        sa.bindparam("scope", type_=sa.Text),
        sa.bindparam("per_window", type_=sa.Integer),
        sa.bindparam("window", type_=sa.Interval),
        sa.bindparam("lease", type_=sa.Interval),
        sa.bindparam("window_limit", type_=sa.Integer),
        sa.bindparam("window_remaining", type_=sa.Integer),
        sa.bindparam("day_remaining", type_=sa.Integer),
    )
)


# scopes under a prefix, not stopped, with no slot that still counts (the rule of
# footcast_take_request_slot: a slot counts while ``at > now - window - lease``), at most
# ``batch`` of them; a row being decided on (locked) is left for the next call. ``= ANY(ARRAY)``
# deletes through the primary key whatever the planner guesses of the subquery's size.
_FORGET = sa.text(
    """
    DELETE FROM request_limits WHERE scope = ANY(ARRAY(
        SELECT l.scope FROM request_limits l
        WHERE starts_with(l.scope, :prefix)
          AND (l.blocked_until IS NULL OR l.blocked_until <= clock_timestamp())
          AND NOT EXISTS (SELECT 1 FROM request_slots s
                          WHERE s.scope = l.scope AND s.at > clock_timestamp() - :idle)
        LIMIT :batch
        FOR UPDATE SKIP LOCKED))
    """
).bindparams(
    sa.bindparam("prefix", type_=sa.Text),
    sa.bindparam("idle", type_=sa.Interval),
    sa.bindparam("batch", type_=sa.Integer),
)
FORGET_BATCH = 500  # idle scopes one call deletes at most: a backlog goes over a few calls


def take_slot(session: Session | Connection, policy: Policy) -> Turn:
    """Take a slot in the window and a request from today's budget, or say how long to wait.

    One statement: atomic on its own (on an autocommit connection), or part of the caller's
    transaction (which then holds the scope's lock until it ends).

    Raises:
        QuotaExhausted: today's budget is used up, or the provider said none is left today.
    """
    params = {
        "scope": policy.scope,
        "per_window": policy.per_window,
        "window": policy.window,
        "budget": policy.daily_budget,
        "lease": policy.lease,
    }
    ticket, wait, blocked_until, spent_day = session.execute(_TAKE, params).one()
    if blocked_until is not None:
        raise errors.QuotaExhausted(
            f"{policy.scope} reported no requests left today; none are sent until"
            f" {blocked_until.astimezone(UTC).isoformat()}",
            scope=policy.scope,
        )
    if spent_day is not None:
        raise errors.QuotaExhausted(
            f"the daily budget of {policy.daily_budget} {policy.scope} requests is used up for"
            f" {spent_day} (UTC)",
            scope=policy.scope,
        )
    return Turn(ticket, wait or 0.0)


def release_slot(
    session: Session | Connection,
    policy: Policy,
    ticket: int,
    *,
    window_limit: int | None = None,
    window_remaining: int | None = None,
    day_remaining: int | None = None,
) -> None:
    """End a slot's request, and take in what the provider's headers said.

    ``window_limit`` becomes the provider's limit. When the provider counts more requests in its
    window than we hold (another user of the key), the window is filled up to its count.
    ``day_remaining == 0`` stops the scope until the next 00:00 UTC.
    """
    params = {
        "ticket": ticket,
        "scope": policy.scope,
        "per_window": policy.per_window,
        "window": policy.window,
        "lease": policy.lease,
        "window_limit": window_limit,
        "window_remaining": window_remaining,
        "day_remaining": day_remaining,
    }
    session.execute(_RELEASE, params)


def forget_idle(
    session: Session | Connection, *, prefix: str, idle: timedelta, batch: int = FORGET_BATCH
) -> int:
    """Delete up to ``batch`` scopes starting with ``prefix`` none of whose slots counts any more
    (``idle``: the policy's window and lease), with their slots; how many went. Only for scopes
    without a daily budget: a provider's row keeps its day's count and the limit it reported."""
    done = session.execute(_FORGET, {"prefix": prefix, "idle": idle, "batch": batch})
    return int(done.rowcount)  # type: ignore[attr-defined]


def used_today(session: Session | Connection, scope: str) -> int:
    """Requests of ``scope`` counted against today's (UTC) budget."""
    row = session.execute(
        sa.select(RequestLimit.day, RequestLimit.day_used, sa.func.clock_timestamp()).where(
            RequestLimit.scope == scope
        )
    ).one_or_none()
    if row is None:
        return 0
    day, used, now = row
    return int(used) if day == now.astimezone(UTC).date() else 0


class PostgresLimiter:
    """The async face of the shared limits (``footcast.sources.api_football.limiter.Limiter``):
    each call runs in a worker thread, waits sleep on the event loop.

    Raises (``acquire``, ``release``):
        DatabaseUnavailable: the database can not be reached (retryable).
    """

    def __init__(self, database: Database, policy: Policy) -> None:
        # each call is one statement, a transaction of its own
        self._engine = database.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._policy = policy

    @property
    def policy(self) -> Policy:
        return self._policy

    async def acquire(self) -> int:
        while True:
            turn = await anyio.to_thread.run_sync(self._take)
            if turn.ticket is not None:
                return turn.ticket
            await anyio.sleep(turn.wait)

    async def release(
        self,
        ticket: int,
        *,
        window_limit: int | None = None,
        window_remaining: int | None = None,
        day_remaining: int | None = None,
    ) -> None:
        await anyio.to_thread.run_sync(
            functools.partial(
                self._release,
                ticket,
                window_limit=window_limit,
                window_remaining=window_remaining,
                day_remaining=day_remaining,
            )
        )

    def _take(self) -> Turn:
        try:
            with self._engine.connect() as connection:
                return take_slot(connection, self._policy)
        except sa_exc.DBAPIError as exc:
            raise _errors.translate(exc, scope=self._policy.scope) from exc

    def _release(
        self,
        ticket: int,
        *,
        window_limit: int | None,
        window_remaining: int | None,
        day_remaining: int | None,
    ) -> None:
        try:
            with self._engine.connect() as connection:
                release_slot(
                    connection,
                    self._policy,
                    ticket,
                    window_limit=window_limit,
                    window_remaining=window_remaining,
                    day_remaining=day_remaining,
                )
        except sa_exc.DBAPIError as exc:
            raise _errors.translate(exc, scope=self._policy.scope) from exc
