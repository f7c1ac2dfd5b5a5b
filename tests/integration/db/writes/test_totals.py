"""The leaderboard's totals kept at settlement (issue 18, item 3): after a whole replayed season
(score corrections and retroactive predictions among it) and a set-based rescore, the kept
totals equal a rebuild from scratch, and a drift is found and repaired."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime

import sqlalchemy as sa

from factories import replay_settings
from footcast import demo
from footcast.db import Database
from footcast.db.reads import leaderboard
from footcast.db.tables import Competition
from footcast.db.writes import rescore, totals
from footcast.domain import scoring

LATER = datetime(2030, 1, 1, tzinfo=UTC)


def _board(database: Database, **filters: object) -> list[leaderboard.Row]:
    """The leaderboard, its means rounded (sums kept in another order differ in the last bits)."""
    with database.transaction() as session:
        rows = leaderboard.leaderboard(session, **filters)  # type: ignore[arg-type]
    return [
        dataclasses.replace(
            row,
            mean_rps=None if row.mean_rps is None else round(row.mean_rps, 9),
            mean_log_loss=None if row.mean_log_loss is None else round(row.mean_log_loss, 9),
        )
        for row in rows
    ]


def test_kept_totals_equal_a_rebuild_through_a_season_and_a_rescore(database: Database) -> None:
    asyncio.run(demo.run_season(database, replay_settings(), standins=2, workers=2))
    board = _board(database)
    assert {row.settled for row in board} == {30}
    assert sum(row.predicted for row in board) == 30 * 10  # 7 built-in, consensus, 2 stand-ins
    with database.transaction() as session:
        assert totals.rebuild(session) == 0
    assert _board(database) == board

    with database.transaction() as session:
        competition_id = session.execute(sa.select(Competition.id)).scalar_one()
        rescore.apply(session, competition_id, scoring.StandardRule(), now=LATER, actor="test")
    rescored = _board(database)
    assert rescored != board  # the new points, at once
    assert sorted(r.predicted for r in rescored) == sorted(r.predicted for r in board)
    with database.transaction() as session:
        assert totals.rebuild(session) == 0
    assert _board(database) == rescored
    assert _board(database, include_retroactive=True)[0].settled == 30
    assert _board(database, season="no such season")[0].settled == 0


def test_a_drift_is_found_and_repaired(database: Database) -> None:
    asyncio.run(demo.run_season(database, replay_settings(), workers=2))
    board = _board(database)
    with database.transaction() as session:
        session.execute(sa.text("UPDATE leaderboard_totals SET points = points + 5"))
        session.execute(sa.text("DELETE FROM settled_matches"))
    assert _board(database) != board

    with database.transaction() as session:
        drift = totals.rebuild(session)

    assert drift >= 2
    assert _board(database) == board
