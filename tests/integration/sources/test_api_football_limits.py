"""The shared PostgreSQL request limits (footcast.db.limits) with the client and the fake
provider: several clients together never exceed the provider's window, the daily budget holds
across processes, and the provider's headers are obeyed."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import anyio
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import sessionmaker

from footcast import errors
from footcast.clock import SimulatedClock
from footcast.db import Database
from footcast.db.coordination import limits
from footcast.db.tables import Base, RequestLimit
from footcast.fakes.api_football import FakeApiFootball
from footcast.sources.api_football.limiter import Limiter, MemoryLimiter

pytestmark = pytest.mark.anyio
WINDOW = 0.5


def _policy(*, per_window: int = 5, budget: int = 1000, lease: float = 60.0) -> limits.Policy:
    return limits.Policy(
        scope="api-football",
        per_window=per_window,
        window=timedelta(seconds=WINDOW),
        daily_budget=budget,
        lease=timedelta(seconds=lease),
    )


def _in_threads(fake: FakeApiFootball, limiters: list[Limiter], requests: int) -> list[str]:
    """Each limiter drives its own client in its own thread and event loop (as processes do);
    the outcomes of all requests."""
    outcomes: list[str] = []

    async def work(limiter: Limiter) -> None:
        async with fake.client(limiter, timeout=5.0) as client:
            for _ in range(requests):
                try:
                    await client.live()
                    outcomes.append("ok")
                except errors.FootcastError as exc:
                    outcomes.append(exc.code)

    threads = [threading.Thread(target=anyio.run, args=(work, lim)) for lim in limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_shared_limiter_keeps_concurrent_clients_within_the_window(database: Database) -> None:
    with FakeApiFootball(per_window=5, window_seconds=WINDOW) as fake:
        shared: list[Limiter] = [limits.PostgresLimiter(database, _policy()) for _ in range(4)]
        started = time.monotonic()
        outcomes = _in_threads(fake, shared, requests=5)
        elapsed = time.monotonic() - started
    assert outcomes == ["ok"] * 20
    assert fake.violations == 0
    assert fake.max_in_window == 5  # the limit is used, not just respected
    assert elapsed >= 3 * WINDOW  # 20 requests, 5 per window


def test_limiters_of_their_own_would_break_the_window(clock: SimulatedClock) -> None:
    """The control: the same clients, each limited alone, overrun the provider."""
    with FakeApiFootball(per_window=5, window_seconds=WINDOW) as fake:
        alone: list[Limiter] = [
            MemoryLimiter(per_window=5, window_seconds=WINDOW, daily_budget=100, clock=clock)
            for _ in range(4)
        ]
        _in_threads(fake, alone, requests=2)
    assert fake.violations > 0


def test_daily_budget_is_shared_and_refuses_without_sending(database: Database) -> None:
    with FakeApiFootball() as fake:
        one, other = (limits.PostgresLimiter(database, _policy(budget=3)) for _ in range(2))
        assert _in_threads(fake, [one], requests=2) == ["ok", "ok"]
        assert _in_threads(fake, [other], requests=2) == ["ok", "quota_exhausted"]
        assert _in_threads(fake, [one], requests=1) == ["quota_exhausted"]
    assert len(fake.requests) == 3
    with database.engine.connect() as connection:
        assert limits.used_today(connection, "api-football") == 3


def test_provider_out_of_requests_today_stops_until_utc_midnight(database: Database) -> None:
    with FakeApiFootball(daily_limit=2) as fake:
        limiter = limits.PostgresLimiter(database, _policy())
        outcomes = _in_threads(fake, [limiter], requests=3)
    assert outcomes == ["ok", "ok", "quota_exhausted"]
    assert len(fake.requests) == 2  # the second answer said 0 left: the third was never sent
    with database.transaction() as session:
        blocked = session.scalars(sa.select(RequestLimit.blocked_until)).one()
        now = session.scalar(sa.select(sa.func.clock_timestamp()))
    assert blocked is not None
    assert now is not None
    midnight = datetime.combine(now.astimezone(UTC).date(), datetime.min.time(), UTC)
    assert blocked == midnight + timedelta(days=1)


def test_provider_limit_header_lowers_the_shared_limit(database: Database) -> None:
    with FakeApiFootball(per_window=3, window_seconds=WINDOW) as fake:
        generous = limits.PostgresLimiter(database, _policy(per_window=100))
        started = time.monotonic()
        outcomes = _in_threads(fake, [generous, generous], requests=4)
        elapsed = time.monotonic() - started
    assert outcomes == ["ok"] * 8
    assert fake.violations == 0
    assert elapsed >= 2 * WINDOW


def test_requests_of_another_key_user_fill_the_window(database: Database) -> None:
    with FakeApiFootball(per_window=5, window_seconds=WINDOW) as fake:
        fake.use_elsewhere(4)
        limiter = limits.PostgresLimiter(database, _policy())
        outcomes = _in_threads(fake, [limiter], requests=3)
    assert outcomes == ["ok"] * 3
    assert fake.violations == 0


def test_slot_of_a_dead_process_is_freed_after_the_lease(database: Database) -> None:
    policy = _policy(per_window=1, lease=0.3)
    with database.engine.begin() as connection:
        assert limits.take_slot(connection, policy).ticket is not None  # never released
    limiter = limits.PostgresLimiter(database, policy)
    started = time.monotonic()
    anyio.run(limiter.acquire)
    assert time.monotonic() - started >= 0.6  # window + lease after it was taken


def _ours(obj: object, name: str | None, type_: str, reflected: bool, other: object) -> bool:
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in ("request_limits", "request_slots")


def test_request_limit_tables_match_their_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": _ours})
        assert compare_metadata(context, Base.metadata) == []


def test_limiter_without_its_database_raises_a_footcast_error() -> None:
    nowhere = sa.create_engine(
        "postgresql+psycopg://nobody@127.0.0.1:9/nothing", connect_args={"connect_timeout": 2}
    )
    limiter = limits.PostgresLimiter(Database(engine=nowhere, sessions=sessionmaker()), _policy())
    with pytest.raises(errors.DatabaseUnavailable, match="can not be reached") as raised:
        anyio.run(limiter.acquire)
    assert "127.0.0.1" not in str(raised.value)  # no host in a message that may reach a client
