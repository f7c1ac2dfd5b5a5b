"""Catch-up after downtime: 2,000 upcoming matches, the clock jumped 24 h, one reconciler pass.

Builds 2,000 scheduled matches kicking off over the next four days (with 50 forecasters) and the
analysis snapshots of those within 48 h, as a running system would have; then jumps the clock
24 h as if everything had been down, and times the reconciler pass that finds and enqueues every
unit now due (analysis, lineups, predictions, consensus, live polls). Prints the time, the units enqueued, and the ratio of its
enqueue rate to raw Procrastinate batch-deferring the same number of no-op jobs in the same run.
Checks (the script exits 1 when one is missed): the pass takes ≤ 5 s; the units it found are
exactly the ones computed here, independently, from the schedule and the stage windows; a second
pass enqueues nothing.

    .venv/bin/python benchmarks/catchup.py [--matches 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from procrastinate import App

from _checks import Checks
from footcast.clock import SimulatedClock
from footcast.config import Settings, load_settings
from footcast.db import connect, engine
from footcast.db.coordination import jobs
from footcast.db.tables import Match
from footcast.db.writes import matches
from footcast.demo import register_forecasters
from footcast.domain.analysis import Injury, Lineups, Odds
from footcast.domain.fixture import Fixture
from footcast.domain.names import MatchStatus
from footcast.pipeline import analysis, queue
from footcast.pipeline.context import Context
from footcast.pipeline.reconcile import reconcile

START = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def fixtures(count: int) -> list[Fixture]:
    teams = [f"Team {n:03d}" for n in range(200)]
    return [
        Fixture(
            external_id=f"CATCHUP-{n:05d}",
            competition=f"C{n % 10}",
            competition_name=f"Competition {n % 10}",
            season="2025-26",
            round=None,
            home=teams[(2 * n) % 200],
            away=teams[(2 * n + 1) % 200],
            kickoff=START + timedelta(hours=1) + timedelta(minutes=(n * 96 * 60) // count),
            status=MatchStatus.SCHEDULED,
        )
        for n in range(count)
    ]


class Schedule:
    """A source holding the synthetic fixtures; no odds, no lineups."""

    name = "simulated"

    def __init__(self, fixtures: list[Fixture]) -> None:
        self._by_id = {f.external_id: f for f in fixtures}

    def fixtures(self, start: datetime, end: datetime, *, now: datetime) -> list[Fixture]:
        return [f for f in self._by_id.values() if start <= f.kickoff < end]

    def fixture(self, external_id: str, *, now: datetime) -> Fixture:
        return self._by_id[external_id]

    def odds(self, external_id: str, *, now: datetime) -> Odds | None:
        return None

    def lineups(self, external_id: str, *, now: datetime) -> Lineups | None:
        return None

    def injuries(self, external_id: str, *, now: datetime) -> tuple[Injury, ...]:
        return ()

    def close(self) -> None:
        """Nothing to release."""


def due_units(
    schedule: list[Fixture], *, analysed: set[str], now: datetime, settings: Settings
) -> set[tuple[str, str]]:
    """(stage, external id) of every unit due at ``now``, from the stage table of the design
    (not the reconciler's SQL): all matches are scheduled, none has lineups, predictions or a
    live poll, every forecaster owes each; ``analysed`` have a snapshot from before the jump."""
    windows = settings.windows
    since = now - settings.pipeline.reconcile_lookback
    due: set[tuple[str, str]] = set()
    for f in schedule:
        k, key = f.kickoff, f.external_id
        if not since <= k < now + windows.analysis_lead:
            continue
        if k <= now:
            due.add(("live", key))  # kicked off while we were down: poll its state
            continue
        if key not in analysed and now >= k - windows.analysis_lead:
            due.add(("analysis", key))
        if key in analysed and now >= k - windows.lineups_lead:
            due.add(("lineups", key))
        if key in analysed and now >= k - windows.prediction_lead:
            due.add(("predictions", key))
        if now >= k - windows.consensus_lead:
            due.add(("consensus", key))  # the others still owe: due at its lead, no earlier
    return due


async def run(count: int) -> None:
    settings = load_settings()
    url = engine.ensure_database(
        engine.server_url_of(settings), "fc_bench_catchup", drop_first=True
    )
    database = connect(url)
    clock = SimulatedClock(START)
    register_forecasters(database, active_from=START - timedelta(days=30), standins=42)
    schedule = fixtures(count)
    with database.transaction() as session:
        matches.sync_fixtures(session, "simulated", schedule, now=START)
    ctx = Context(database=database, clock=clock, source=Schedule(schedule), settings=settings)
    app = queue.make_app(url, settings, periodic=False)
    with database.transaction() as session:
        soon = (
            session.execute(
                sa.select(Match.id).where(Match.kickoff_at < START + settings.windows.analysis_lead)
            )
            .scalars()
            .all()
        )
    for match_id in soon:
        analysis.build(ctx, match_id)
    with database.transaction() as session:
        external = {i: e for i, e in session.execute(sa.select(Match.id, Match.external_id))}
    jobs.analyze(ctx.database)
    async with app.open_async():
        clock.advance(timedelta(hours=24))
        started = time.perf_counter()
        caught_up = await reconcile(ctx, app)
        elapsed = time.perf_counter() - started
        again = await reconcile(ctx, app)

        noop = App(connector=app.connector)
        task = noop.task(name="noop", queue="noop")(lambda i: None)
        started = time.perf_counter()
        await task.batch_defer_async(*({"i": i} for i in range(caught_up.enqueued)))  # type: ignore[arg-type]
        baseline = time.perf_counter() - started
    database.dispose()
    expected = due_units(
        schedule, analysed={external[m] for m in soon}, now=clock.now(), settings=settings
    )
    found = {(str(u.stage), external[u.match_id]) for u in caught_up.units}
    print(f"{count} matches; {len(soon)} analysed before the downtime")
    print(
        f"clock jumped 24 h: {caught_up.enqueued} units ({caught_up.by_stage()}) found and"
        f" enqueued in {elapsed:.3f} s ({len(caught_up.critical)} of them critical gaps, logged);"
        f" a second pass enqueued {again.enqueued}"
    )
    print(
        f"raw batch defer of {caught_up.enqueued} no-op jobs: {baseline:.3f} s; ratio of"
        f" rates (catch-up / raw) {baseline / elapsed:.2f}"
    )
    checks = Checks()
    checks.check("catch-up pass", f"{elapsed:.3f} s", "≤ 5 s", elapsed <= 5)
    checks.check(
        "units found against the independent count",
        f"{len(found)} found, {len(expected)} computed; missed {sorted(expected - found)[:5]},"
        f" extra {sorted(found - expected)[:5]}",
        "the same units",
        found == expected,
    )
    checks.check(
        "units enqueued",
        f"{caught_up.enqueued}",
        f"every unit found + the fixture sync = {len(found) + int(caught_up.fixtures_due)}",
        caught_up.enqueued == len(found) + int(caught_up.fixtures_due),
    )
    checks.check("second pass", f"{again.enqueued} enqueued", "0", again.enqueued == 0)
    checks.exit()


def main() -> None:
    logging.getLogger("footcast").setLevel(logging.CRITICAL)  # the critical-gap log lines
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matches", type=int, default=2000)
    asyncio.run(run(parser.parse_args().matches))


if __name__ == "__main__":
    main()
