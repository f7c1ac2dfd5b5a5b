"""The demo: a simulated 20-team season replayed through footcast's real pipeline.

The simulated league (a ``Source``) plays 380 matches with postponements, kickoff changes, score
corrections and live state. The reconciler, the Procrastinate queue and a worker take every match
from fixtures through analysis, lineups, predictions by the statistical forecasters and naive
baselines, live polling and settlement, on a simulated clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from footcast.clock import SimulatedClock
from footcast.config import Settings
from footcast.db import Database
from footcast.db.writes import forecasters as forecaster_rows
from footcast.domain.names import ForecasterKind
from footcast.fakes.openai import FakeOpenAI
from footcast.forecasters.roster import Roster
from footcast.pipeline import consensus, queue, replay, worker
from footcast.pipeline.context import Context, Forecasters
from footcast.pipeline.llms import LLMs
from footcast.pipeline.llms import register as register_roster
from footcast.sources.base import Source

__all__ = [
    "COMPETITION",
    "DEMO_OVERRIDES",
    "REFERENCE",
    "Season",
    "fake_roster",
    "register_forecasters",
    "run_season",
    "slice_end",
]

COMPETITION = "SIM"
# the baselines every leaderboard shows for comparison, and the crowd of the competitors
REFERENCE = frozenset(
    {"market", "naive-home-1-0", "naive-draw-1-1", "naive-base-rates", consensus.NAME}
)
# a replay needs no six-hourly sync nor seconds-long retry waits
DEMO_OVERRIDES: dict[str, object] = {
    "fixtures_every": timedelta(days=1),
    "live_every": timedelta(minutes=60),
    "retry_base_seconds": 0.05,
    "clock": "simulated",
}


def register_forecasters(
    database: Database, *, active_from: datetime, standins: int = 0, latency_ms: int = 0
) -> int:
    """The built-in statistical and naive forecasters and the consensus of the competitors,
    plus ``standins`` deterministic stand-ins for LLMs (``standin-01``...) answering after
    ``latency_ms``. Returns how many exist."""
    from footcast.forecasters.builtin import BUILTIN  # scipy: loaded only when a season runs

    with database.transaction() as session:
        for model_id, (kind, _) in BUILTIN.items():
            forecaster_rows.upsert_forecaster(
                session,
                name=model_id,
                kind=kind,
                active_from=active_from,
                provider="builtin",
                model_id=model_id,
                reference=model_id in REFERENCE,
            )
        forecaster_rows.upsert_forecaster(
            session,
            name=consensus.NAME,
            kind=ForecasterKind.CONSENSUS,
            active_from=active_from,
            provider="builtin",
            model_id=consensus.NAME,
            reference=consensus.NAME in REFERENCE,
        )
        for number in range(1, standins + 1):
            name = f"standin-{number:02d}"
            forecaster_rows.upsert_forecaster(
                session,
                name=name,
                kind=ForecasterKind.LLM,
                active_from=active_from,
                provider="standin",
                model_id=f"latency:{latency_ms}" if latency_ms else name,
            )
    return len(BUILTIN) + 1 + standins


FAKE_REQUESTS_PER_MINUTE = 1_000_000  # the fake has no per-minute limit; the demo runs fast


def fake_roster(fake: FakeOpenAI, roster: Roster) -> Roster:
    """``roster`` with every provider answered by ``fake``: no keys, no per-minute limit (the
    concurrency limits stay)."""
    return dataclasses.replace(
        roster,
        providers={
            name: provider.model_copy(
                update={
                    "base_url": fake.base_url(name),
                    "api_key_env": None,
                    "requests_per_minute": FAKE_REQUESTS_PER_MINUTE,
                }
            )
            for name, provider in roster.providers.items()
        },
    )


def slice_end(season: Season, matches: int) -> datetime:
    """When a replay of ``season`` has played and settled its first ``matches`` matches (by
    kickoff; matches kicking off at the same time as the last one come along)."""
    start, end = season.first_kickoff, season.last_kickoff + timedelta(seconds=1)
    kickoffs = [f.kickoff for f in season.fixtures(start, end, now=start - timedelta(days=3))]
    return kickoffs[max(1, min(matches, len(kickoffs))) - 1] + SETTLED_AFTER


SETTLED_AFTER = timedelta(hours=6)  # a match is over and settled this long after its kickoff


class Season(Source, Protocol):
    """A source that knows when its season starts and ends (simulated or archived)."""

    @property
    def first_kickoff(self) -> datetime: ...

    @property
    def last_kickoff(self) -> datetime: ...


async def run_season(
    database: Database,
    settings: Settings,
    *,
    season: Season | None = None,
    standins: int = 0,
    latency_ms: int = 0,
    workers: int = 1,
    until: datetime | None = None,
    start: datetime | None = None,
    llms: LLMs | None = None,
    drain_timeout: float = 120.0,
    overlap: bool = True,
    on_step: Callable[[replay.Progress], None] = lambda progress: None,
) -> replay.Progress:
    """Replay ``season`` (default: the league of ``settings.sources.simulated``) from three days
    before its first kickoff (or ``start``, where an earlier replay stopped) to the day after
    its last (or ``until``); ``workers=0`` leaves the jobs to worker processes started
    elsewhere. ``llms``: the roster's models forecast too; ``drain_timeout``: how long one
    moment's jobs may take (a slow real model needs long); ``overlap``: see ``replay.replay``."""
    if season is None:
        season = worker.simulated_league(settings)
    first = season.first_kickoff - timedelta(days=3)
    clock = SimulatedClock(start or first)
    register_forecasters(
        database,
        active_from=first - timedelta(days=1),
        standins=standins,
        latency_ms=latency_ms,
    )
    if llms is not None:
        register_roster(database, llms.roster, active_from=first - timedelta(days=1),
                        now=clock.now())  # fmt: skip
    ctx = Context(
        database=database,
        clock=clock,
        source=season,
        settings=settings,
        actor="demo",
        forecasters=Forecasters(llms),
    )
    app = queue.make_app(database.url, settings, periodic=False)
    async with app.open_async():
        return await replay.replay(
            ctx,
            app,
            clock,
            until=until or season.last_kickoff + timedelta(days=1),
            workers=workers,
            drain_timeout=drain_timeout,
            overlap=overlap,
            on_step=on_step,
        )
