"""Running workers: ``footcast worker`` (jobs only) and ``footcast run`` (jobs and the scheduler).

A worker survives the database going away: it waits and reconnects, and its unfinished jobs are
re-queued by the stalled-job recovery (heartbeats), so nothing is lost and nothing runs twice at
once.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TypeVar

from procrastinate import exceptions
from sqlalchemy.engine import URL
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_fixed

from footcast import errors
from footcast.clock import Clock
from footcast.config import Settings
from footcast.db import Database, connect, migrate
from footcast.db.coordination import limits, shared_clock
from footcast.db.writes import replays
from footcast.forecasters import roster
from footcast.pipeline import llms, queue, signals
from footcast.pipeline.context import Context, Forecasters
from footcast.pipeline.llms import LLMs
from footcast.pipeline.reconcile import reconcile
from footcast.pipeline.retry import is_retryable
from footcast.sources.api_football.source import ApiFootballSource
from footcast.sources.base import Source
from footcast.sources.leagues import SimulatedLeagues, simulated_leagues
from footcast.sources.simulated import SimulatedLeague

__all__ = [
    "build_context",
    "load_llms",
    "make_source",
    "open_migrated",
    "patiently",
    "run",
    "simulated_league",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

RECONNECT_SECONDS = 1.0


def simulated_league(settings: Settings) -> SimulatedLeague | SimulatedLeagues:
    """The simulated source of ``settings``: one league-season, or, when ``sim_leagues`` or
    ``sim_seasons`` is above 1, every league-season told as one source.

    Raises:
        ConfigError: the FOOTCAST_SIM_* settings ask for an impossible league.
    """
    sim = settings.sources.simulated
    try:
        if sim.leagues == 1 and sim.seasons == 1:
            return SimulatedLeague(sim.seed, start=sim.start, teams=sim.teams)
        return simulated_leagues(
            sim.seed, start=sim.start, teams=sim.teams, leagues=sim.leagues, seasons=sim.seasons
        )
    except ValueError as exc:
        raise errors.ConfigError(f"FOOTCAST_SIM_*: {exc}") from exc


def make_source(settings: Settings, database: Database) -> Source:
    """The configured fixture source; API-Football's requests count against limits shared by
    every worker (in ``database``).

    Raises:
        SourceAuthError: the source is api-football and no key is set.
    """
    if settings.sources.kind == "api-football":
        api = settings.sources.api_football
        policy = limits.Policy(
            scope="api-football",
            per_window=api.per_minute,
            window=timedelta(seconds=api.window_seconds),
            daily_budget=api.daily_budget,
        )
        return ApiFootballSource.from_settings(api, limits.PostgresLimiter(database, policy))
    return simulated_league(settings)


def build_context(
    database: Database,
    settings: Settings,
    *,
    clock: Clock | None = None,
    source: Source | None = None,
    actor: str = "worker",
    environ: Mapping[str, str] | None = None,
) -> Context:
    """Everything a stage needs. With a roster (``FOOTCAST_ROSTER``), its models are registered
    as forecasters and answer through their providers.

    Raises:
        ConfigError: the roster is refused, or an enabled model's key variable is not set.
    """
    if clock is None:
        clock = shared_clock.configured_clock(settings, database)
    return Context(
        database=database,
        clock=clock,
        source=source or make_source(settings, database),
        settings=settings,
        actor=actor,
        forecasters=Forecasters(
            load_llms(database, settings, clock=clock, environ=environ or os.environ)
        ),
    )


def load_llms(
    database: Database, settings: Settings, *, clock: Clock, environ: Mapping[str, str]
) -> LLMs | None:
    """The roster's models, registered and ready (None without a roster)."""
    if settings.llm.roster is None:
        return None
    models = roster.load(settings.llm.roster)
    models.require_keys(environ)
    now = clock.now()
    llms.register(database, models, active_from=now, now=now)
    return LLMs(database, models, settings, environ)


def patiently(make: Callable[[], T], *, seconds: float) -> T:
    """``make()``, tried again every second for up to ``seconds`` while it fails for a
    transient reason (the database restarting, a replay that has not published its time yet);
    then its error."""
    retrying = Retrying(
        stop=stop_after_delay(seconds),
        wait=wait_fixed(RECONNECT_SECONDS),
        retry=retry_if_exception(is_retryable),
        before_sleep=lambda state: log.warning(
            "not ready to start (%s); trying again", state.outcome and state.outcome.exception()
        ),
        reraise=True,
    )
    return retrying(make)


def open_migrated(url: URL) -> Database:
    """Open a database that must already have the newest schema (workers never migrate).

    Raises:
        SchemaMissing: it has no footcast schema or an older one.
    """
    # a worker holds at most 10 connections, however many requests it has in flight: these 5,
    # Procrastinate's 4 (queue.make_app) and one for every provider's slots (slots.SlotHolder)
    database = connect(url, upgrade=False, pool_size=5, max_overflow=0)
    with database.connection() as connection:
        current = migrate.current_revision(connection)
    if current != migrate.head_revision():
        database.dispose()
        raise errors.SchemaMissing(
            f"database {url.render_as_string(hide_password=True)} is at schema revision"
            f" {current or 'none'}, footcast needs {migrate.head_revision()}: run"
            " `footcast db upgrade` first",
            revision=current,
        )
    return database


async def run(ctx: Context, *, concurrency: int, schedule: bool) -> None:
    """Work jobs until stopped by SIGINT or SIGTERM, whenever it arrives (the running jobs
    finish first); with ``schedule``, also reconcile on start and every 10 s. Reconnects after
    losing the database. Must run in the main thread."""
    if schedule:
        _refuse_a_replay(ctx)
    task = asyncio.current_task()
    assert task is not None
    with signals.cancel_on_signals(task) as stop:
        try:
            await _work(ctx, concurrency=concurrency, schedule=schedule)
        except asyncio.CancelledError:
            if not stop.requested:
                raise
            task.uncancel()
            log.info("stopped by a signal")


def _refuse_a_replay(ctx: Context) -> None:
    """A replay's database is driven by its replay: a scheduler would sync the configured
    source's fixtures into it.

    Raises:
        Conflict: the database holds a replay.
    """
    with ctx.database.transaction() as session:
        held = replays.current(session)
    if held is not None:
        raise errors.Conflict(
            f"this database holds a replay of {held.source} (reached"
            f" {held.reached_at.isoformat()}); a scheduler would sync {ctx.source.name} into it."
            " `footcast replay FILES --database NAME --until DAY` goes on with the replay;"
            " `footcast worker` may work its jobs",
            source=held.source,
        )


async def _work(ctx: Context, *, concurrency: int, schedule: bool) -> None:
    settings = ctx.settings
    while True:
        app = queue.make_app(ctx.database.url, settings, periodic=schedule)
        try:
            async with app.open_async():
                if schedule:
                    plan = await reconcile(ctx, app)
                    log.info("reconciled on start: %s", plan.summary())
                await app.run_worker_async(
                    **queue.worker_options(ctx, settings, concurrency=concurrency)
                )
            return
        except (
            exceptions.ConnectorException,
            errors.DatabaseUnavailable,
            errors.DatabaseBusy,
            OSError,
        ) as exc:
            # the driver's error (the server's address included) goes to the log only
            cause = exc.__cause__ or exc
            log.warning("lost the database (%s); reconnecting in %.0f s", cause, RECONNECT_SECONDS)
            await asyncio.sleep(RECONNECT_SECONDS)
