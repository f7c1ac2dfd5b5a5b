"""Backfill after downtime: retroactive predictions from point-in-time snapshots, settled, and a
second run that creates nothing."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from footcast import errors
from footcast.clock import SimulatedClock
from footcast.config import Settings
from footcast.db import Database
from footcast.demo import register_forecasters
from footcast.fakes.openai import Behaviour, FakeOpenAI
from footcast.forecasters import roster
from footcast.pipeline import backfill, fixtures, llms, queue, worker
from footcast.pipeline.context import Context, Forecasters
from footcast.sources.simulated import SimulatedLeague
from season_checks import recomputed_points


def _run(ctx: Context, **kwargs: object) -> backfill.Result:
    async def go() -> backfill.Result:
        app = queue.make_app(ctx.database.url, ctx.settings, periodic=False)
        async with app.open_async():
            return await backfill.backfill(ctx, app, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(go())


def _count(database: Database, table: str) -> int:
    with database.engine.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


@pytest.fixture
def down_for_two_weeks(database: Database, settings: Settings) -> Context:
    """Fixtures synced before the season, then nothing ran for two weeks of matches."""
    league = worker.simulated_league(settings)
    assert isinstance(league, SimulatedLeague)
    clock = SimulatedClock(league.first_kickoff - timedelta(days=3))
    register_forecasters(database, active_from=clock.now() - timedelta(days=1))
    ctx = Context(database=database, clock=clock, source=league, settings=settings)
    fixtures.sync(ctx)
    clock.advance(timedelta(days=17, hours=-3))  # no kickoff within the next hour
    return ctx


def test_a_retroactive_backfill_fills_every_gap_and_a_second_run_creates_nothing(
    down_for_two_weeks: Context,
) -> None:
    ctx, database = down_for_two_weeks, down_for_two_weeks.database
    dry = _run(ctx, days=20, retroactive=True, dry_run=True)
    assert dry.totals is None
    assert _count(database, "procrastinate_jobs") == 0  # a dry run changes nothing

    first = _run(ctx, days=20, retroactive=True, workers=2)

    assert first.totals is not None
    played = first.totals.matches_settled
    assert played > 0
    assert first.totals.predictions == played * 7
    assert first.totals.retroactive == first.totals.predictions
    assert first.totals.contaminated == 0  # no LLM: nothing could have read the results
    assert first.totals.failed == []
    with database.engine.connect() as connection:
        stored: dict[int, int] = dict(
            connection.execute(
                sa.text(
                    "SELECT ss.prediction_id, ss.points FROM settlement_scores ss JOIN settlements"
                    " s ON s.id = ss.settlement_id WHERE s.superseded_at IS NULL"
                )
            ).all()
        )
        bases = connection.execute(sa.text("SELECT DISTINCT basis FROM quota_snapshots")).all()
    assert stored == recomputed_points(database)
    assert bases == [("retroactive",)]
    # nothing was predicted on time: the consensus of every match past its deadline abstains
    # (it never combines retroactive predictions)
    with database.engine.connect() as connection:
        abstained = connection.execute(
            sa.text(
                "SELECT count(*) FROM abstentions a JOIN forecasters f ON f.id = a.forecaster_id"
                " WHERE f.kind = 'consensus' AND a.missing = '{predictions}'"
            )
        ).scalar_one()
        late = connection.execute(
            sa.text(
                "SELECT count(*) FROM matches WHERE prediction_deadline <= :now"
                " AND status NOT IN ('postponed', 'cancelled', 'abandoned')"
            ),
            {"now": ctx.clock.now()},
        ).scalar_one()
    assert abstained == late >= played

    tables = ("predictions", "settlements", "analysis_snapshots", "procrastinate_jobs",
              "failures", "abstentions")  # fmt: skip
    before = {t: _count(database, t) for t in tables}
    second = _run(ctx, days=20, retroactive=True, workers=2)

    assert second.totals is not None
    assert second.totals.predictions == 0
    assert second.totals.settlements == 0
    assert {t: _count(database, t) for t in before} == before


def test_without_retroactive_a_backfill_settles_and_reports_but_predicts_nothing_late(
    down_for_two_weeks: Context,
) -> None:
    result = _run(down_for_two_weeks, days=20, workers=2)

    assert result.totals is not None
    assert result.totals.predictions == 0
    # played matches without predictions nor analysis: visible skips, not failures
    assert result.totals.skipped
    assert {reason for _, _, reason in result.totals.skipped} == {"no predictions and no analysis"}
    assert result.totals.failed == []


def test_a_backfill_refuses_a_window_of_no_days(down_for_two_weeks: Context) -> None:
    with pytest.raises(errors.ConfigError, match="at least 1"):
        _run(down_for_two_weeks, days=0)


def test_a_retroactive_backfill_asks_the_llms_and_isolates_a_failing_pair(
    down_for_two_weeks: Context, tmp_path: Path
) -> None:
    ctx, database = down_for_two_weeks, down_for_two_weeks.database
    with FakeOpenAI() as fake:
        path = tmp_path / "roster.toml"
        path.write_text(
            f'[providers.p]\nbase_url = "{fake.base_url("p")}"\n\n'
            '[[models]]\nid = "llm-a"\nprovider = "p"\nmodel = "a"\n\n'
            '[[models]]\nid = "llm-b"\nprovider = "p"\nmodel = "b"\n'
        )
        models = roster.load(path)
        start = ctx.clock.now() - timedelta(days=20)
        llms.register(database, models, active_from=start, now=start)
        made = llms.LLMs(database, models, ctx.settings, environ={})
        fake.fail_next("b", Behaviour.SCHEMA_ECHO, times=2)  # one bad answer, and its repair
        try:
            with_llms = dataclasses.replace(ctx, forecasters=Forecasters(made))
            # one job at a time: the bad answer and its repair go to the same match
            result = _run(with_llms, days=20, retroactive=True, workers=1)
        finally:
            made.close()

    assert result.totals is not None
    played = result.totals.matches_settled
    assert result.totals.predictions == played * 9 - 1
    ((key, code, _, terminal),) = result.totals.failed
    assert (key.split(":")[0], key.split(":")[2], code, terminal) == (
        "predict", "llm-b", "invalid_output", True,
    )  # fmt: skip
    with database.engine.connect() as connection:
        llm_rows = connection.execute(
            sa.text(
                "SELECT p.retroactive, p.raw_prompt IS NOT NULL, p.cost_usd IS NOT NULL"
                " FROM predictions p JOIN forecasters f ON f.id = p.forecaster_id"
                " WHERE f.kind = 'llm'"
            )
        ).all()
    assert len(llm_rows) == 2 * played - 1
    assert set(llm_rows) == {(True, True, True)}
    # retroactive, by models whose knowledge cutoff is unknown: every one may have seen the
    # result; the statistical forecasters' retroactive predictions are not flagged
    assert result.totals.contaminated == 2 * played - 1
