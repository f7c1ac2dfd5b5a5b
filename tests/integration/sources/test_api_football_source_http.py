"""ApiFootballSource against the fake provider: the Source protocol, synchronously, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from footcast import errors
from footcast.config import load_settings
from footcast.domain import analysis
from footcast.fakes import api_football_items
from footcast.fakes.api_football import FAST_RETRY, FakeApiFootball, Fault
from footcast.sources import base
from footcast.sources.api_football.limiter import MemoryLimiter
from footcast.sources.api_football.source import ApiFootballSource

NOW = datetime(2025, 8, 20, tzinfo=UTC)


@pytest.fixture
def source(fake: FakeApiFootball, limiter: MemoryLimiter) -> Iterator[ApiFootballSource]:
    settings = load_settings(
        {},
        api_football_key=fake.key,
        api_football_url=fake.url,
        api_football_leagues=[39, 78],
        api_football_season=2025,
        api_football_timeout=1.0,
    )
    api = settings.sources.api_football
    with ApiFootballSource.from_settings(api, limiter, retry=FAST_RETRY) as source:
        yield source


@pytest.fixture
def two_leagues(fake: FakeApiFootball) -> None:
    start = datetime(2025, 8, 16, 14, tzinfo=UTC)
    fake.fixtures = api_football_items.season() + api_football_items.season(league=78, start=start)


@pytest.mark.usefixtures("two_leagues")
def test_fixtures_cover_every_league_in_the_half_open_window(
    source: ApiFootballSource, fake: FakeApiFootball
) -> None:
    start, end = datetime(2025, 8, 16, 15, tzinfo=UTC), datetime(2025, 8, 17, 17, tzinfo=UTC)
    found = source.fixtures(start, end, now=NOW)
    assert [(f.competition, f.kickoff.hour) for f in found] == [
        ("AF39", 15), ("AF78", 16), ("AF39", 17), ("AF78", 18), ("AF39", 19),
        ("AF78", 14), ("AF39", 15), ("AF78", 16),
    ]  # fmt: skip
    assert all(start <= f.kickoff < end for f in found)
    asked = [(r.query["league"], r.query["from"], r.query["to"]) for r in fake.requests]
    assert asked == [("39", "2025-08-16", "2025-08-17"), ("78", "2025-08-16", "2025-08-17")]


def test_fixture_gives_the_ninety_minute_score_of_aet_and_pen(source: ApiFootballSource) -> None:
    aet, pen = source.fixture("390011", now=NOW), source.fixture("390012", now=NOW)
    assert (aet.status, aet.home_goals, aet.away_goals, aet.minute) == ("finished", 1, 1, 120)
    assert (pen.status, pen.home_goals, pen.away_goals) == ("finished", 0, 0)
    live = source.fixture("390013", now=NOW)
    assert (live.status, live.home_goals, live.away_goals, live.minute) == ("live", 1, 0, 30)
    assert source.fixture("390014", now=NOW).status == "postponed"


@pytest.mark.parametrize("external_id", ["1", "not-a-number"])
def test_fixture_of_an_unknown_id_is_not_found(source: ApiFootballSource, external_id: str) -> None:
    with pytest.raises(errors.NotFound, match=external_id):
        source.fixture(external_id, now=NOW)


def test_fixture_with_an_unknown_status_is_malformed(
    source: ApiFootballSource, fake: FakeApiFootball
) -> None:
    fake.fail(Fault.UNKNOWN_STATUS, endpoint="fixtures")
    with pytest.raises(errors.MalformedResponse, match="fixture 390001 has the unknown status"):
        source.fixture("390001", now=NOW)


def test_odds_are_bet365s_match_winner(source: ApiFootballSource, fake: FakeApiFootball) -> None:
    odds = source.odds("390020", now=NOW)
    assert odds == analysis.Odds(home=2.2, draw=3.4, away=3.7, bookmaker="Bet365")
    assert fake.requests[-1].query == {"fixture": "390020", "bet": "1"}
    assert source.odds("1", now=NOW) is None


def test_lineups_are_names_once_announced(source: ApiFootballSource) -> None:
    lineups = source.lineups("390001", now=NOW)
    assert lineups is not None
    assert lineups.home[:2] == ("Ashcombe United No.1", "Ashcombe United No.2")
    assert len(lineups.away) == 11
    assert source.lineups("390020", now=NOW) is None


def test_injuries_name_player_team_kind_and_reason(source: ApiFootballSource) -> None:
    assert source.injuries("390020", now=NOW) == (
        analysis.Injury(player="Dunhollow Athletic No.7", team="Dunhollow Athletic",
                        kind="Missing Fixture", reason="Yellow Cards"),
        analysis.Injury(player="Fernleigh Town No.7", team="Fernleigh Town", kind="Questionable",
                        reason="Knee Injury"),
    )  # fmt: skip


def test_source_passes_provider_errors_through(
    source: ApiFootballSource, fake: FakeApiFootball
) -> None:
    fake.fail(Fault.PARAMETER)
    with pytest.raises(errors.SourceRejected, match="Season field"):
        source.fixtures(NOW, NOW + timedelta(days=1), now=NOW)


def test_source_without_a_key_is_refused(limiter: MemoryLimiter) -> None:
    with pytest.raises(errors.SourceAuthError, match="FOOTCAST_API_FOOTBALL_KEY"):
        ApiFootballSource.from_settings(load_settings({}).sources.api_football, limiter)


def test_source_closes_once(fake: FakeApiFootball, limiter: MemoryLimiter) -> None:
    settings = load_settings({}, api_football_key=fake.key, api_football_url=fake.url)
    source: base.Source = ApiFootballSource.from_settings(settings.sources.api_football, limiter)
    assert source.name == "api-football"
    assert isinstance(source, ApiFootballSource)
    source.close()
    source.close()


def test_lineups_without_substitutes_or_coach_are_used(
    source: ApiFootballSource, fake: FakeApiFootball
) -> None:
    fake.fail(Fault.SPARSE, endpoint="fixtures", times=10)  # events without assist, too
    lineups = source.lineups("390001", now=NOW)
    assert lineups is not None
    assert lineups.home[:2] == ("Ashcombe United No.1", "Ashcombe United No.2")
    assert len(lineups.away) == 11
    assert len(fake.requests) == 1
