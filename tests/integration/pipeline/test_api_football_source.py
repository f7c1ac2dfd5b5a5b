"""The pipeline on API-Football: a worker's source, its shared limits, and its failures."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from footcast import errors
from footcast.clock import SimulatedClock
from footcast.config import Settings, load_settings
from footcast.db import Database
from footcast.db.coordination import limits
from footcast.db.tables import Match
from footcast.db.writes import ledger
from footcast.fakes.api_football import FakeApiFootball, Fault
from footcast.pipeline import fixtures, queue, worker
from footcast.pipeline.context import Context
from footcast.pipeline.reconcile import drain, reconcile
from footcast.sources.api_football.source import ApiFootballSource

NOW = datetime(2025, 8, 15, 12, tzinfo=UTC)  # the fake's season starts the next day


@pytest.fixture
def fake() -> Iterator[FakeApiFootball]:
    with FakeApiFootball() as server:
        yield server


def _settings(fake: FakeApiFootball, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "source": "api-football", "api_football_key": fake.key, "api_football_url": fake.url,
        "api_football_leagues": [39], "api_football_season": 2025, "retry_base_seconds": 0.01,
        "max_attempts": 2,
    }  # fmt: skip
    values.update(overrides)
    return load_settings({}, **values)


@pytest.fixture
def ctx(database: Database, fake: FakeApiFootball) -> Iterator[Context]:
    context = worker.build_context(database, _settings(fake), clock=SimulatedClock(NOW))
    yield context
    assert isinstance(context.source, ApiFootballSource)
    context.source.close()


def _stored(database: Database) -> int:
    with database.transaction() as session:
        return int(session.execute(sa.select(sa.func.count()).select_from(Match)).scalar_one())


def test_a_worker_syncs_fixtures_through_the_shared_limits(
    ctx: Context, fake: FakeApiFootball
) -> None:
    assert fixtures.sync(ctx) == 30  # the fake's season lies within the next 14 days
    assert _stored(ctx.database) == 30
    assert fake.requests[0].headers["x-apisports-key"] == fake.key
    with ctx.database.engine.connect() as connection:
        assert limits.used_today(connection, "api-football") == len(fake.requests)


def test_a_refused_key_is_a_terminal_failure_in_the_ledger(
    ctx: Context, fake: FakeApiFootball
) -> None:
    fake.fail(Fault.TOKEN, endpoint="fixtures", times=10)

    async def run_once() -> None:
        app = queue.make_app(ctx.database.url, ctx.settings, periodic=False)
        async with app.open_async():
            running = queue.InProcessWorker(ctx, app, 1)
            running.ensure_running()
            await reconcile(ctx, app)
            await drain(ctx, app, timeout=30, poll=0.02)
            await running.stop()

    asyncio.run(run_once())
    with ctx.database.transaction() as session:
        (failure,) = ledger.listing(session, stage="fixtures")
    assert (failure.error_code, failure.terminal, failure.key) == (
        "source_auth", True, "fixtures:api-football",
    )  # fmt: skip
    assert "Missing application key" in failure.message
    assert _stored(ctx.database) == 0


def test_no_key_is_refused_when_the_worker_starts(
    database: Database, fake: FakeApiFootball
) -> None:
    with pytest.raises(errors.SourceAuthError, match="FOOTCAST_API_FOOTBALL_KEY"):
        worker.build_context(database, _settings(fake, api_football_key=None))
