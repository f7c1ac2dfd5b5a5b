"""Tests of footcast.sources.leagues: several simulated league-seasons told as one source."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from footcast import errors
from footcast.domain.fixture import Fixture
from footcast.sources.leagues import (
    SEASON_EVERY,
    SimulatedLeagues,
    competition_code,
    season_label,
    simulated_leagues,
)
from footcast.sources.simulated import SimulatedLeague

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


@pytest.fixture(scope="module")
def leagues() -> SimulatedLeagues:
    return simulated_leagues(5, teams=6, leagues=3, seasons=2)


def _everything(source: SimulatedLeagues | SimulatedLeague, *, now: datetime) -> list[Fixture]:
    return source.fixtures(source.first_kickoff - 30 * DAY, source.last_kickoff + 30 * DAY, now=now)


def _end(leagues: SimulatedLeagues) -> datetime:
    return leagues.last_kickoff + 30 * DAY


def _union(
    leagues: SimulatedLeagues, start: datetime, end: datetime, *, now: datetime
) -> list[Fixture]:
    found = [f for league in leagues.leagues for f in league.fixtures(start, end, now=now)]
    return sorted(found, key=lambda f: (f.kickoff, f.external_id))


def test_simulated_leagues_hold_every_league_season_with_unique_ids(
    leagues: SimulatedLeagues,
) -> None:
    fixtures = _everything(leagues, now=leagues.last_kickoff + DAY)
    ids = [f.external_id for f in fixtures]
    assert len(ids) == len(set(ids)) == leagues.matches == 3 * 2 * 30
    assert {(f.competition, f.season) for f in fixtures} == {
        (competition, season)
        for competition in ("SIM", "SIM2", "SIM3")
        for season in ("2025-26", "2026-27")
    }
    assert {f.competition_name for f in fixtures} == {
        "Simulated League",
        "Simulated League 2",
        "Simulated League 3",
    }


def test_simulated_leagues_refuse_a_shared_external_id() -> None:
    with pytest.raises(ValueError, match="SIM-2025-26-0001"):
        SimulatedLeagues([SimulatedLeague(1, teams=4), SimulatedLeague(2, teams=4)])
    with pytest.raises(ValueError, match="at least one"):
        SimulatedLeagues([])


@pytest.mark.parametrize(
    ("leagues", "seasons", "teams", "message"),
    [
        (0, 1, 20, "1\\+ leagues"),
        (1, 0, 20, "1-1000 seasons"),
        (8, 1, 20, "team names"),
    ],
)
def test_simulated_leagues_refuse_impossible_sizes(
    leagues: int, seasons: int, teams: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        simulated_leagues(leagues=leagues, seasons=seasons, teams=teams)


def test_simulated_leagues_first_league_season_is_the_plain_league() -> None:
    one = simulated_leagues(5, teams=6, leagues=1, seasons=1)
    plain = SimulatedLeague(5, teams=6)
    now = plain.first_kickoff + 40 * DAY
    assert _everything(one, now=now) == _everything(plain, now=now)


def test_simulated_leagues_each_league_has_its_own_teams_for_every_season(
    leagues: SimulatedLeagues,
) -> None:
    fixtures = _everything(leagues, now=leagues.first_kickoff)
    teams: dict[tuple[str, str], set[str]] = {}
    for f in fixtures:
        teams.setdefault((f.competition, f.season), set()).update((f.home, f.away))
    assert all(len(names) == 6 for names in teams.values())
    for competition in ("SIM", "SIM2", "SIM3"):
        assert teams[competition, "2025-26"] == teams[competition, "2026-27"]
    assert not teams["SIM", "2025-26"] & teams["SIM2", "2025-26"]
    assert not teams["SIM2", "2025-26"] & teams["SIM3", "2025-26"]


def test_simulated_leagues_seasons_follow_a_year_apart(leagues: SimulatedLeagues) -> None:
    first, second = leagues.leagues[0], leagues.leagues[1]
    assert first.last_kickoff < second.first_kickoff
    assert second.first_kickoff.weekday() == first.first_kickoff.weekday()
    assert abs(second.first_kickoff - first.first_kickoff - SEASON_EVERY) < 2 * DAY
    assert leagues.first_kickoff == min(league.first_kickoff for league in leagues.leagues)
    assert leagues.last_kickoff == max(league.last_kickoff for league in leagues.leagues)
    assert leagues.last_kickoff in {f.kickoff for f in _everything(leagues, now=_end(leagues))}


def test_simulated_leagues_fixtures_are_the_sorted_union(leagues: SimulatedLeagues) -> None:
    day = leagues.first_kickoff.replace(hour=0, minute=0) - 5 * DAY
    while day < _end(leagues):
        # a window of two days seen from before it (kickoffs as first published), from inside
        # it and from after it (changes and postponements announced)
        for now in (day - 6 * DAY, day + 20 * HOUR, day + 3 * DAY):
            window = leagues.fixtures(day, day + 2 * DAY, now=now)
            assert window == _union(leagues, day, day + 2 * DAY, now=now)
        day += 2 * DAY


@pytest.mark.parametrize("when", ["published", "final"])
def test_simulated_leagues_find_every_fixture_at_the_kickoff_it_is_told_at(
    leagues: SimulatedLeagues, when: str
) -> None:
    now = leagues.first_kickoff - 30 * DAY if when == "published" else _end(leagues)
    for league in leagues.leagues:
        for f in _everything(league, now=now):
            assert f in leagues.fixtures(f.kickoff, f.kickoff + MINUTE, now=now)


def test_simulated_leagues_dispatch_to_the_league_that_plays_the_match(
    leagues: SimulatedLeagues,
) -> None:
    for league in leagues.leagues:
        for f in _everything(league, now=league.first_kickoff)[::7]:
            for now in (f.kickoff - 8 * DAY, f.kickoff - 30 * MINUTE, f.kickoff + DAY):
                assert leagues.fixture(f.external_id, now=now) == league.fixture(
                    f.external_id, now=now
                )
                assert leagues.odds(f.external_id, now=now) == league.odds(f.external_id, now=now)
                assert leagues.lineups(f.external_id, now=now) == league.lineups(
                    f.external_id, now=now
                )
                assert leagues.injuries(f.external_id, now=now) == ()
            assert leagues.truth(f.external_id) == league.truth(f.external_id)


def test_simulated_leagues_unknown_id_is_not_found(leagues: SimulatedLeagues) -> None:
    now = leagues.first_kickoff
    with pytest.raises(errors.NotFound, match="SIM4-2025-26-0001"):
        leagues.fixture("SIM4-2025-26-0001", now=now)
    for ask in (leagues.odds, leagues.lineups, leagues.injuries):
        with pytest.raises(errors.NotFound):
            ask("nope", now=now)
    with pytest.raises(errors.NotFound):
        leagues.truth("nope")


def test_simulated_leagues_tell_nothing_after_now(leagues: SimulatedLeagues) -> None:
    now = leagues.leagues[0].last_kickoff - 20 * DAY  # late in the first season
    told = _everything(leagues, now=now)
    later = [f for f in told if f.kickoff > now]
    assert {f.season for f in later} == {"2025-26", "2026-27"}
    for f in later:
        assert f.status in ("scheduled", "postponed")
        assert (f.home_goals, f.away_goals, f.minute) == (None, None, None)
        assert leagues.lineups(f.external_id, now=now) is None
        if f.season == "2026-27":
            assert leagues.odds(f.external_id, now=now) is None
    played = [f for f in told if f.status == "finished"]
    assert played
    assert all(f.kickoff < now for f in played)
    assert {f.season for f in played} == {"2025-26"}


def test_simulated_leagues_postponements_and_corrections_of_every_league(
    leagues: SimulatedLeagues,
) -> None:
    postponed, corrected = leagues.postponed(), leagues.corrected()
    assert postponed == {k: v for lg in leagues.leagues for k, v in lg.postponed().items()}
    assert sorted(corrected) == sorted(i for lg in leagues.leagues for i in lg.corrected())
    assert {i.split("-")[0] for i in [*postponed, *corrected]} == {"SIM", "SIM2", "SIM3"}


@pytest.mark.parametrize(
    ("start", "season", "label"),
    [
        (datetime(2025, 8, 16, tzinfo=UTC), 0, "2025-26"),
        (datetime(2025, 8, 16, tzinfo=UTC), 9, "2034-35"),
        (datetime(2026, 2, 1, tzinfo=UTC), 0, "2025-26"),
        (datetime(2098, 8, 1, tzinfo=UTC), 1, "2099-00"),
    ],
)
def test_season_label(start: datetime, season: int, label: str) -> None:
    assert season_label(start, season) == label


@pytest.mark.parametrize(("league", "code"), [(0, "SIM"), (1, "SIM2"), (4, "SIM5")])
def test_competition_code(league: int, code: str) -> None:
    assert competition_code(league) == code
