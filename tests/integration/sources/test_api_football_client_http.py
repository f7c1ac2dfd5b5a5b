"""The API-Football client against the fake provider over real HTTP: every endpoint, every fault."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from footcast import errors
from footcast.fakes.api_football import FakeApiFootball, Fault
from footcast.sources.api_football.client import ApiFootballClient
from footcast.sources.api_football.limiter import MemoryLimiter

pytestmark = pytest.mark.anyio


@pytest.fixture
def client(fake: FakeApiFootball, limiter: MemoryLimiter) -> ApiFootballClient:
    return fake.client(limiter)


async def test_client_sends_the_key_and_reads_fixtures(
    client: ApiFootballClient, fake: FakeApiFootball
) -> None:
    async with client:
        found = await client.fixtures(39, 2025, start=date(2025, 8, 16), end=date(2025, 8, 17))
    assert [f.fixture.id for f in found] == [390001, 390002, 390003, 390004, 390005, 390006]
    (request,) = fake.requests
    assert request.headers["x-apisports-key"] == "test-key"
    assert request.query == {"league": "39", "season": "2025", "from": "2025-08-16",
                             "to": "2025-08-17", "timezone": "UTC"}  # fmt: skip


async def test_client_with_a_wrong_key_is_refused_once(
    fake: FakeApiFootball, limiter: MemoryLimiter
) -> None:
    async with fake.client(limiter, key="wrong") as client:
        with pytest.raises(errors.SourceAuthError, match="Missing application key"):
            await client.live()
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("fault", "kind", "message"),
    [
        (Fault.HTTP_429, errors.RateLimited, "HTTP 429"),
        (Fault.RATE_LIMIT, errors.RateLimited, "Too many requests"),
        (Fault.SERVER_ERROR, errors.SourceUnavailable, "HTTP 500 Something went wrong"),
        (Fault.NO_CONTENT, errors.SourceUnavailable, "HTTP 204"),
        (Fault.SLOW, errors.SourceUnavailable, "no answer within 0.25 s"),
        (Fault.TRUNCATED, errors.MalformedResponse, "truncated JSON"),
        (Fault.HTML, errors.MalformedResponse, "is not JSON: '<!DOCTYPE html>"),
    ],
)
async def test_client_retries_a_passing_fault_until_it_passes(
    fake: FakeApiFootball,
    limiter: MemoryLimiter,
    fault: Fault,
    kind: type[errors.SourceError],
    message: str,
) -> None:
    timeout = 0.25 if fault is Fault.SLOW else 5.0  # the fake's slow answers take 0.5 s
    async with fake.client(limiter, timeout=timeout) as client:
        fake.fail(fault, endpoint="standings", times=2)
        assert len(await client.standings(39, 2025)) == 1  # the third attempt passes
        fake.fail(fault, endpoint="standings", times=3)
        with pytest.raises(kind, match=message):
            await client.standings(39, 2025)
    assert len(fake.requests) == 6


@pytest.mark.parametrize(
    ("fault", "kind", "message"),
    [
        (Fault.REQUESTS, errors.QuotaExhausted, "request limit for the day"),
        (Fault.TOKEN, errors.SourceAuthError, "Missing application key"),
        (Fault.PARAMETER, errors.SourceRejected, "season: The Season field must"),
    ],
)
async def test_client_never_retries_a_permanent_fault(
    client: ApiFootballClient,
    fake: FakeApiFootball,
    fault: Fault,
    kind: type[errors.SourceError],
    message: str,
) -> None:
    fake.fail(fault, endpoint="injuries")
    async with client:
        with pytest.raises(kind, match=message):
            await client.injuries(390001)
    assert len(fake.requests) == 1


async def test_client_sends_nothing_more_today_after_the_quota_error(
    client: ApiFootballClient, fake: FakeApiFootball
) -> None:
    fake.fail(Fault.REQUESTS)
    async with client:
        with pytest.raises(errors.QuotaExhausted, match="request limit for the day"):
            await client.live()
        with pytest.raises(errors.QuotaExhausted, match="none are sent until"):
            await client.live()
    assert len(fake.requests) == 1


async def test_client_collects_every_page_of_odds(
    client: ApiFootballClient, fake: FakeApiFootball
) -> None:
    async with client:
        offers = await client.odds(league=39, season=2025, bet=1)
    assert len(offers) == len(fake.fixtures) == 30
    assert len({o.fixture.id for o in offers}) == 30
    assert [r.query.get("page") for r in fake.requests] == [None, "2", "3"]
    assert {bet.id for o in offers for b in o.bookmakers for bet in b.bets} == {1}


async def test_client_asks_for_fixtures_by_id_twenty_at_a_time(
    client: ApiFootballClient, fake: FakeApiFootball
) -> None:
    wanted = [f["fixture"]["id"] for f in fake.fixtures] + [1, 2, 3, 390001]  # unknown, repeated
    async with client:
        found = await client.fixtures_by_ids(wanted)
    assert sorted(f.fixture.id for f in found) == sorted(f["fixture"]["id"] for f in fake.fixtures)
    asked = [r.query["ids"].split("-") for r in fake.requests]
    assert [len(ids) for ids in asked] == [20, 13]
    aet = next(f for f in found if f.fixture.status.short == "AET")
    assert len(aet.lineups) == 2
    assert aet.events


async def test_client_reads_the_ninety_minutes_apart_from_extra_time(
    client: ApiFootballClient,
) -> None:
    async with client:
        aet, pen = await client.fixtures_by_ids([390011, 390012])
    assert (aet.goals.home, aet.goals.away, aet.score.fulltime.home, aet.score.fulltime.away) == (
        2, 1, 1, 1)  # fmt: skip
    assert (pen.score.fulltime.home, pen.score.penalty.home, pen.score.penalty.away) == (0, 4, 3)


async def test_client_reads_every_endpoint(client: ApiFootballClient) -> None:
    async with client:
        one = await client.fixture(390001)
        assert one is not None
        assert one.fixture.id == 390001
        assert await client.fixture(1) is None
        assert [f.fixture.status.short for f in await client.live()] == ["1H"]
        assert len(await client.lineups(390001)) == 2
        assert len(await client.events(390011)) == 3
        assert len(await client.statistics(390001)) == 2
        (group,) = await client.standings(39, 2025)
        assert len(group) == 6
        assert [i.player.type for i in await client.injuries(390001)] == [
            "Missing Fixture", "Questionable"]  # fmt: skip
        assert len(await client.head_to_head(1001, 1002)) == 2
        assert len(await client.head_to_head(1001, 1002, last=1)) == 1
        stats = await client.team_statistics(1001, league=39, season=2025)
        assert stats is not None
        assert stats.team.name == "Ashcombe United"


@pytest.mark.realdata
async def test_client_reads_every_recorded_answer_over_http(
    shared_dir: Path, client: ApiFootballClient, fake: FakeApiFootball
) -> None:
    recorded = shared_dir / "fixtures" / "api-football"
    for name in ("fixtures-events_1", "fixtures-lineups_1", "injuries_1", "odds_1",
                 "standings_1", "fixtures-headtohead_1"):  # fmt: skip
        fake.serve_file(recorded / f"{name}.json")
    async with client:
        assert len(await client.events(1)) == 9
        assert len(await client.lineups(1)) == 2
        assert len(await client.injuries(1)) == 31
        assert len((await client.odds(fixture=1))[0].bookmakers) == 12
        assert [len(g) for g in await client.standings(39, 2022)] == [20]
        assert len(await client.head_to_head(33, 50)) == 8
        fake.serve_file(recorded / "fixtures-ids_1.json")
        pen = await client.fixture(1)
        assert pen is not None
        assert pen.score.penalty.home == 3
        fake.serve_file(recorded / "fixtures_error_1.json")
        with pytest.raises(errors.SourceRejected, match="cannot be used with live field"):
            await client.live()


async def test_client_uses_lineups_without_substitutes_or_coach(
    client: ApiFootballClient, fake: FakeApiFootball
) -> None:
    fake.fail(Fault.SPARSE, endpoint="fixtures/lineups", times=10)
    async with client:
        home, away = await client.lineups(390001)
    assert (home.substitutes, home.coach, away.substitutes, away.coach) == ([], None, [], None)
    assert [len(home.starters), len(away.starters)] == [11, 11]
    assert len(fake.requests) == 1  # used at once, not retried
