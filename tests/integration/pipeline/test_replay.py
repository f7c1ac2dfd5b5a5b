"""The replay's driver: moments that overlap see what they would see one at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import URL

from databases import clone
from footcast import demo
from footcast.config import Settings
from footcast.db import Database, connect
from footcast.db.reads import leaderboard
from season_checks import season_problems, snapshot_problems

# every prediction as the forecaster made it, by names a second database shares
_PREDICTIONS = """
SELECT f.name, m.external_id, p.home_goals, p.away_goals, p.p_home, p.p_draw, p.p_away,
       p.retroactive
FROM predictions p JOIN forecasters f ON f.id = p.forecaster_id JOIN matches m ON m.id = p.match_id
"""


def _predictions(database: Database) -> set[tuple[object, ...]]:
    with database.engine.connect() as connection:
        return {tuple(row) for row in connection.execute(sa.text(_PREDICTIONS))}


def _jobs(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT task_name, count(*) FROM procrastinate_jobs GROUP BY task_name")
        )
        return {task: count for task, count in rows}


def _table(database: Database) -> list[tuple[object, ...]]:
    with database.transaction() as session:
        return [
            (row.forecaster, row.points, row.settled, row.predicted, row.exact_hits, row.mean_rps)
            for row in leaderboard.leaderboard(session)
        ]


def test_overlapping_moments_predict_and_rank_as_one_moment_at_a_time(
    database: Database,
    settings: Settings,
    template_url: URL,
    scratch_names: Callable[[str], str],
) -> None:
    overlapped = asyncio.run(demo.run_season(database, settings, standins=2, workers=2))
    alone = connect(clone(template_url, scratch_names("fc_alone")))
    try:
        one_at_a_time = asyncio.run(
            demo.run_season(alone, settings, standins=2, workers=2, overlap=False)
        )
        assert overlapped.overlapped > 0
        assert one_at_a_time.overlapped == 0
        assert season_problems(database) == []
        assert snapshot_problems(database, settings=settings) == []
        made = _predictions(database)
        assert len(made) == 30 * (7 + 1 + 2)
        assert made == _predictions(alone)
        # the same work: no live poll skipped because the one before was still in flight
        assert _jobs(database) == _jobs(alone)
        assert _table(database) == _table(alone)
    finally:
        alone.dispose()
