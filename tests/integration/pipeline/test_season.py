"""A whole (small) season through the real reconciler, Procrastinate queue and worker."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from footcast import demo
from footcast.config import Settings
from footcast.db import Database
from footcast.pipeline import worker
from footcast.sources.simulated import SimulatedLeague
from season_checks import season_problems, snapshot_problems


def _scalar(database: Database, sql: str, **params: object) -> object:
    with database.engine.connect() as connection:
        return connection.execute(sa.text(sql), params).scalar_one()


def test_a_replayed_season_is_complete_and_settles_like_an_independent_recomputation(
    database: Database, settings: Settings
) -> None:
    progress = asyncio.run(demo.run_season(database, settings, standins=2, workers=2))

    assert season_problems(database) == []
    assert snapshot_problems(database, settings=settings) == []
    forecasters = 7 + 1 + 2  # the built-in ones, the consensus and the stand-ins
    assert _scalar(database, "SELECT count(*) FROM matches") == 30
    assert _scalar(database, "SELECT count(*) FROM predictions") == 30 * forecasters
    assert _scalar(database, "SELECT count(*) FROM predictions WHERE retroactive") == 0
    assert _scalar(database, "SELECT count(*) FROM failures") == 0
    # one job per (match, stage): analysis, lineups, predictions, consensus, settlement exactly
    # once each
    for task in ("analysis", "lineups", "predictions", "consensus"):
        assert _scalar(database, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = :t",
                       t=task) == 30  # fmt: skip
    league = worker.simulated_league(settings)
    assert isinstance(league, SimulatedLeague)
    corrections = len(league.corrected())
    assert _scalar(database, "SELECT count(*) FROM settlements") == 30 + corrections
    assert progress.enqueued == _scalar(database, "SELECT count(*) FROM procrastinate_jobs")


def test_a_postponed_match_is_predicted_for_its_new_date_only(
    database: Database, settings: Settings
) -> None:
    league = worker.simulated_league(settings)
    assert isinstance(league, SimulatedLeague)
    postponed = league.postponed()
    assert postponed, "the simulated season should postpone at least one match"

    asyncio.run(demo.run_season(database, settings, workers=2))

    for external_id, (original, new_kickoff) in postponed.items():
        with database.engine.connect() as connection:
            kickoff, first, last = connection.execute(
                sa.text(
                    "SELECT m.kickoff_at, min(p.created_at), max(p.created_at) FROM matches m"
                    " JOIN predictions p ON p.match_id = m.id WHERE m.external_id = :e"
                    " GROUP BY m.kickoff_at"
                ),
                {"e": external_id},
            ).one()
        assert kickoff == new_kickoff
        # predicted once the new date came near: after the original kickoff, before the new one
        assert original < first <= last <= new_kickoff
        assert new_kickoff - first <= settings.windows.prediction_lead


def test_the_season_checks_notice_a_wrong_stored_point(
    database: Database, settings: Settings
) -> None:
    asyncio.run(demo.run_season(database, settings, workers=2))
    assert season_problems(database) == []
    with database.transaction() as session:
        session.execute(
            sa.text(
                "UPDATE settlement_scores SET points = points + 1 WHERE prediction_id ="
                " (SELECT min(prediction_id) FROM settlement_scores)"
            )
        )
    assert any("differ from the recomputation" in p for p in season_problems(database))
