"""The reconciler on a real database: the work each match should have by now, minus what exists."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from procrastinate import App

from footcast import errors
from footcast.clock import SimulatedClock
from footcast.config import Settings
from footcast.db import Database
from footcast.db.reads import owed
from footcast.db.writes import forecasters, ledger, matches
from footcast.demo import register_forecasters
from footcast.domain.analysis import Injury, Lineups, Odds
from footcast.domain.fixture import Fixture
from footcast.domain.names import MatchStatus
from footcast.pipeline import analysis, fixtures, live, queue, settlement, worker
from footcast.pipeline.context import Context
from footcast.pipeline.reconcile import Plan, plan, reconcile
from footcast.sources.simulated import SimulatedLeague


@pytest.fixture
def league(settings: Settings) -> SimulatedLeague:
    source = worker.simulated_league(settings)
    assert isinstance(source, SimulatedLeague)
    return source


@pytest.fixture
def ctx(database: Database, settings: Settings, league: SimulatedLeague) -> Context:
    clock = SimulatedClock(league.first_kickoff - timedelta(days=3))
    register_forecasters(database, active_from=clock.now() - timedelta(days=1))
    context = Context(database=database, clock=clock, source=league, settings=settings)
    fixtures.sync(context)
    return context


def _clock(ctx: Context) -> SimulatedClock:
    assert isinstance(ctx.clock, SimulatedClock)
    return ctx.clock


def _kickoffs(database: Database) -> dict[int, datetime]:
    with database.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, kickoff_at FROM matches"))
        return {match_id: kickoff for match_id, kickoff in rows}


def _units(ctx: Context, **kwargs: object) -> set[tuple[str, int]]:
    found = plan(ctx, now=ctx.clock.now(), **kwargs)  # type: ignore[arg-type]
    return {(u.stage, u.match_id) for u in found.units}


def _with_app(ctx: Context, work: Callable[[App], Awaitable[Plan]]) -> Plan:
    async def go() -> Plan:
        app = queue.make_app(ctx.database.url, ctx.settings, periodic=False)
        async with app.open_async():
            return await work(app)

    return asyncio.run(go())


def test_after_days_of_downtime_one_pass_finds_every_due_unit(ctx: Context) -> None:
    clock = _clock(ctx)
    clock.set(min(_kickoffs(ctx.database).values()) + timedelta(days=3))
    now = clock.now()

    expected = set()
    for match_id, kickoff in _kickoffs(ctx.database).items():
        if kickoff <= now and kickoff >= now - ctx.settings.pipeline.reconcile_lookback:
            expected.add(("live", match_id))  # played while we were down: fetch its state
        elif now < kickoff <= now + ctx.settings.windows.analysis_lead:
            expected.add(("analysis", match_id))
    assert expected
    assert _units(ctx) == expected
    # predictions for matches whose deadline passed only come with a retroactive backfill; the
    # consensus of what was on time at once (it needs no analysis, and waits for no one)
    retro = _units(ctx, retroactive=True) - expected
    assert retro == {
        (late, m) for stage, m in expected if stage == "live" for late in ("analysis", "consensus")
    }


def test_enqueueing_twice_queues_each_unit_once(ctx: Context) -> None:
    _clock(ctx).advance(timedelta(days=2, hours=12))

    first = _with_app(ctx, lambda app: reconcile(ctx, app))
    second = _with_app(ctx, lambda app: reconcile(ctx, app))

    assert first.enqueued == len(first.units) + 1  # + the fixture sync
    assert second.enqueued == 0
    assert second.units == []
    with ctx.database.engine.connect() as connection:
        locks = connection.execute(
            sa.text("SELECT queueing_lock, count(*) FROM procrastinate_jobs GROUP BY 1")
        ).all()
    assert all(count == 1 for _, count in locks)


def test_a_postponed_match_gets_nothing_and_its_queued_jobs_are_cancelled(ctx: Context) -> None:
    clock = _clock(ctx)
    clock.advance(timedelta(days=2, hours=12))
    _with_app(ctx, lambda app: reconcile(ctx, app))
    with ctx.database.engine.connect() as connection:
        match_id = connection.execute(
            sa.text(
                "SELECT (args->>'match_id')::int FROM procrastinate_jobs"
                " WHERE task_name = 'analysis' AND status = 'todo' ORDER BY id LIMIT 1"
            )
        ).scalar_one()
    with ctx.database.transaction() as session:
        match = matches.get_match(session, match_id)
        fixture = ctx.source.fixture(match.external_id, now=clock.now())
        matches.apply_live_state(
            session,
            match_id,
            dataclasses.replace(fixture, status=MatchStatus.POSTPONED),
            now=clock.now(),
        )

    result = _with_app(ctx, lambda app: reconcile(ctx, app))

    assert result.cancelled == 1
    assert all(u.match_id != match_id for u in result.units)
    with ctx.database.engine.connect() as connection:
        statuses = (
            connection.execute(
                sa.text(
                    "SELECT status::text FROM procrastinate_jobs"
                    " WHERE (args->>'match_id')::int = :m"
                ),
                {"m": match_id},
            )
            .scalars()
            .all()
        )
    assert statuses == ["cancelled"]


def test_a_moved_kickoff_moves_every_due_time(ctx: Context) -> None:
    clock = _clock(ctx)
    match_id, kickoff = min(_kickoffs(ctx.database).items(), key=lambda item: item[1])
    clock.set(kickoff - timedelta(hours=47))
    assert ("analysis", match_id) in _units(ctx)

    with ctx.database.transaction() as session:
        match = matches.get_match(session, match_id)
        fixture = ctx.source.fixture(match.external_id, now=clock.now())
        later = dataclasses.replace(fixture, kickoff=kickoff + timedelta(days=3))
        matches.apply_live_state(session, match_id, later, now=clock.now())

    assert all(m != match_id for _, m in _units(ctx))
    clock.set(kickoff + timedelta(days=3) - timedelta(minutes=29))
    assert ("analysis", match_id) in _units(ctx)


def test_a_forecaster_added_later_owes_only_matches_whose_deadline_is_ahead(
    ctx: Context,
) -> None:
    clock = _clock(ctx)
    ordered = sorted(_kickoffs(ctx.database).items(), key=lambda item: item[1])
    (early, early_kickoff), (late, late_kickoff) = ordered[0], ordered[-1]
    clock.set(early_kickoff + timedelta(hours=1))
    with ctx.database.transaction() as session:
        forecasters.upsert_forecaster(
            session, name="newcomer", kind="naive", active_from=clock.now(),
            provider="builtin", model_id="naive-draw-1-1",
        )  # fmt: skip
        owing_late = {f.name for f in owed.missing_forecasters(session, late)}
        owing_early = {f.name for f in owed.missing_forecasters(session, early)}
        past_gaps = owed.gaps(
            session,
            since=early_kickoff - timedelta(days=1),
            until=clock.now(),
            now=clock.now(),
            prediction_lead=ctx.settings.windows.prediction_lead,
        )
    assert "newcomer" in owing_late
    assert "newcomer" not in owing_early
    assert all(g.forecaster != "newcomer" for g in past_gaps)
    assert {g.match_id for g in past_gaps} == {early}
    assert late_kickoff > clock.now()


def _finish_unpredicted(ctx: Context) -> int:
    clock = _clock(ctx)
    match_id, kickoff = min(_kickoffs(ctx.database).items(), key=lambda item: item[1])
    clock.set(kickoff + timedelta(hours=3))
    assert live.poll(ctx, match_id).startswith("finished")
    return match_id


def test_a_finished_match_without_predictions_or_analysis_is_skipped_visibly(
    ctx: Context,
) -> None:
    match_id = _finish_unpredicted(ctx)
    assert ("settlement", match_id) in _units(ctx)

    assert settlement.settle(ctx, match_id) == "skipped: no predictions and no analysis"

    assert ("settlement", match_id) not in _units(ctx)
    with ctx.database.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM failures")).scalar_one() == 0


def test_a_finished_match_without_predictions_but_with_analysis_waits_for_them(
    ctx: Context,
) -> None:
    match_id = _finish_unpredicted(ctx)
    analysis.build(ctx, match_id, retroactive=True)

    with pytest.raises(errors.NotReady, match="no predictions yet"):
        settlement.settle(ctx, match_id)
    assert settlement.settle(ctx, match_id, last_attempt=True).startswith("skipped")


def test_a_terminal_failure_holds_its_unit_until_an_operator_retries_it(ctx: Context) -> None:
    match_id = _finish_unpredicted(ctx)
    now = ctx.clock.now()
    with ctx.database.transaction() as session:
        ledger.record(
            session, stage="settlement", key=f"settle:{match_id}", error=errors.PipelineError("x"),
            now=now, match_id=match_id, terminal=True,
        )  # fmt: skip
    assert ("settlement", match_id) not in _units(ctx)

    with ctx.database.transaction() as session:
        retried = ledger.retry(session, now=now, stage="settlement")
    assert [f.key for f in retried] == [f"settle:{match_id}"]
    assert ("settlement", match_id) in _units(ctx)


class _FrozenSource:
    """A source whose matches never end: for stuck-match detection."""

    name = "simulated"

    def __init__(self, league: SimulatedLeague) -> None:
        self._league = league

    def fixtures(self, start: datetime, end: datetime, *, now: datetime) -> list[Fixture]:
        return self._league.fixtures(start, end, now=now)

    def fixture(self, external_id: str, *, now: datetime) -> Fixture:
        fixture = self._league.fixture(external_id, now=now)
        return dataclasses.replace(fixture, status=MatchStatus.LIVE, home_goals=0, away_goals=0)

    def odds(self, external_id: str, *, now: datetime) -> Odds | None:
        return None

    def lineups(self, external_id: str, *, now: datetime) -> Lineups | None:
        return None

    def injuries(self, external_id: str, *, now: datetime) -> tuple[Injury, ...]:
        return ()

    def close(self) -> None:
        """Nothing to release."""


def test_a_stuck_match_is_fetched_again_then_alerted(ctx: Context, league: SimulatedLeague) -> None:
    stuck_ctx = dataclasses.replace(ctx, source=_FrozenSource(league))
    clock = _clock(ctx)
    match_id, kickoff = min(_kickoffs(ctx.database).items(), key=lambda item: item[1])
    clock.set(kickoff + timedelta(minutes=30))
    assert live.poll(stuck_ctx, match_id) == "live 0:0"
    with ctx.database.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM failures")).scalar_one() == 0

    clock.set(kickoff + ctx.settings.pipeline.stuck_after + timedelta(minutes=1))
    assert ("live", match_id) in _units(stuck_ctx)
    live.poll(stuck_ctx, match_id)

    with ctx.database.transaction() as session:
        alerts = ledger.listing(session, stage="live")
    assert [a.key for a in alerts] == [f"live:{match_id}"]
    assert "stuck" in alerts[0].message
    assert not alerts[0].terminal
