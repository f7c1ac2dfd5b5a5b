"""Several simulated leagues over consecutive seasons through the real pipeline."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import sqlalchemy as sa

from footcast import demo, errors
from footcast.config import Settings
from footcast.db import Database
from footcast.pipeline import worker
from footcast.sources.leagues import SimulatedLeagues, simulated_leagues
from footcast.sources.simulated import SimulatedLeague
from season_checks import season_problems, snapshot_problems


def _rows(database: Database, sql: str) -> list[tuple[object, ...]]:
    with database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql))]


def _several(settings: Settings, **sizes: int) -> Settings:
    return settings.evolve(**sizes)


def test_the_settings_choose_one_league_season_or_several(settings: Settings) -> None:
    assert isinstance(worker.simulated_league(settings), SimulatedLeague)
    several = worker.simulated_league(_several(settings, sim_leagues=2, sim_seasons=3))
    assert isinstance(several, SimulatedLeagues)
    assert len(several.leagues) == 6
    assert several.name == "simulated"


@pytest.mark.parametrize(("leagues", "teams"), [(8, 20), (37, 4)])
def test_settings_asking_for_more_teams_than_names_are_a_config_error(
    settings: Settings, leagues: int, teams: int
) -> None:
    # checked where the league is made (config imports no package of footcast)
    with pytest.raises(errors.ConfigError, match=r"FOOTCAST_SIM_\*: .*do not fit the 144 team"):
        worker.simulated_league(_several(settings, sim_leagues=leagues, sim_teams=teams))


def test_two_leagues_over_two_seasons_replay_whole(database: Database, settings: Settings) -> None:
    # seasons of 4 teams last about seven weeks: ten weeks apart, not a year, keeps the replay
    # short (each idle day costs a step)
    sim = settings.sources.simulated
    league = simulated_leagues(
        sim.seed, start=sim.start, teams=4, leagues=2, seasons=2,
        every=timedelta(weeks=10),
    )  # fmt: skip
    assert league.leagues[0].last_kickoff < league.leagues[1].first_kickoff

    progress = asyncio.run(
        demo.run_season(database, settings, season=league, standins=1, workers=2)
    )

    assert season_problems(database) == []
    assert snapshot_problems(database, settings=settings) == []
    matches = 2 * 2 * 12
    assert _rows(
        database,
        "SELECT c.code, s.label, count(*) FROM matches m JOIN competitions c"
        " ON c.id = m.competition_id JOIN seasons s ON s.id = m.season_id"
        " GROUP BY 1, 2 ORDER BY 1, 2",
    ) == [("SIM", "2025-26", 12), ("SIM", "2026-27", 12), ("SIM2", "2025-26", 12),
          ("SIM2", "2026-27", 12)]  # fmt: skip
    # the built-in forecasters, the consensus and the stand-in
    assert _rows(database, "SELECT count(*) FROM predictions") == [(matches * (7 + 1 + 1),)]
    assert _rows(database, "SELECT count(*) FROM settlements") == [
        (matches + len(league.corrected()),)
    ]
    assert _rows(database, "SELECT count(*) FROM failures") == [(0,)]
    # one fixture sync for every league, under the source's one name
    assert _rows(
        database, "SELECT DISTINCT queueing_lock FROM procrastinate_jobs WHERE task_name ="
        " 'fixtures'"
    ) == [("fixtures:simulated",)]  # fmt: skip
    assert progress.enqueued == _rows(database, "SELECT count(*) FROM procrastinate_jobs")[0][0]
