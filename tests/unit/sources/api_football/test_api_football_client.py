"""Tests of footcast.sources.api_football.client on a mock transport: the key, retries, and what
the limiter is told. (Against a real HTTP server: tests/integration/sources.)"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from pydantic import SecretStr

from footcast import errors
from footcast.sources.api_football.client import ApiFootballClient, Retry

pytestmark = pytest.mark.anyio
FAST = Retry(attempts=3, first_wait=0.001, max_wait=0.002)
HEADERS = {"x-ratelimit-limit": "10", "x-ratelimit-remaining": "7",
           "x-ratelimit-requests-remaining": "99"}  # fmt: skip


class RecordingLimiter:
    """Grants every request at once and keeps what it is told."""

    def __init__(self) -> None:
        self.acquired = 0
        self.released: list[tuple[int, int | None, int | None, int | None]] = []

    async def acquire(self) -> int:
        self.acquired += 1
        return self.acquired

    async def release(
        self,
        ticket: int,
        *,
        window_limit: int | None = None,
        window_remaining: int | None = None,
        day_remaining: int | None = None,
    ) -> None:
        self.released.append((ticket, window_limit, window_remaining, day_remaining))


def _envelope(errors_: dict[str, str] | None = None) -> bytes:
    return json.dumps({"get": "standings", "parameters": {"league": "39", "season": "2025"},
                       "errors": errors_ or [], "results": 0,
                       "paging": {"current": 1, "total": 1}, "response": []}).encode()  # fmt: skip


def _client(
    answers: list[httpx.Response], limiter: RecordingLimiter, seen: list[httpx.Request]
) -> ApiFootballClient:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0)

    return ApiFootballClient(
        "secret", limiter=limiter, retry=FAST, transport=httpx.MockTransport(handle)
    )


@pytest.mark.parametrize("key", [None, "", SecretStr("")])
def test_client_refuses_to_start_without_a_key(key: SecretStr | str | None) -> None:
    limiter = RecordingLimiter()
    with pytest.raises(errors.SourceAuthError, match="FOOTCAST_API_FOOTBALL_KEY"):
        ApiFootballClient(key, limiter=limiter)


async def test_client_sends_the_key_and_the_query_as_strings() -> None:
    seen: list[httpx.Request] = []
    async with _client([httpx.Response(200, content=_envelope())], RecordingLimiter(), seen) as c:
        assert await c.standings(39, 2025) == []
    assert seen[0].headers["x-apisports-key"] == "secret"
    assert seen[0].url.path == "/standings"
    assert dict(seen[0].url.params) == {"league": "39", "season": "2025"}


Answer = Callable[[], httpx.Response]


@pytest.mark.parametrize(
    ("failure", "kind"),
    [
        (lambda: httpx.Response(500, json={"message": "Try again later."}), None),
        (lambda: httpx.Response(200, content=_envelope({"rateLimit": "Too many"})), None),
        (lambda: httpx.Response(200, content=b"<html>"), None),
        (lambda: httpx.Response(200, content=_envelope({"token": "Missing key"})),
         errors.SourceAuthError),
        (lambda: httpx.Response(200, content=_envelope({"season": "bad"})), errors.SourceRejected),
        (lambda: httpx.Response(200, content=_envelope({"requests": "for the day"})),
         errors.QuotaExhausted),
    ],
)  # fmt: skip
async def test_client_retries_passing_failures_only(
    failure: Answer, kind: type[errors.SourceError] | None
) -> None:
    limiter, seen = RecordingLimiter(), list[httpx.Request]()
    answers = [failure(), httpx.Response(200, content=_envelope())]
    async with _client(answers, limiter, seen) as client:
        if kind is None:
            assert await client.standings(39, 2025) == []
        else:
            with pytest.raises(kind):
                await client.standings(39, 2025)
    assert len(seen) == limiter.acquired == len(limiter.released) == (2 if kind is None else 1)


async def test_client_gives_up_after_the_last_attempt() -> None:
    limiter, seen = RecordingLimiter(), list[httpx.Request]()
    answers = [httpx.Response(503, json={"message": "down"}) for _ in range(3)]
    async with _client(answers, limiter, seen) as client:
        with pytest.raises(errors.SourceUnavailable, match="HTTP 503 down"):
            await client.standings(39, 2025)
    assert len(seen) == 3


async def test_client_tells_the_limiter_what_the_headers_say() -> None:
    limiter, seen = RecordingLimiter(), list[httpx.Request]()
    answers = [
        httpx.Response(200, content=_envelope(), headers=HEADERS),
        httpx.Response(200, content=_envelope({"rateLimit": "Too many"}), headers=HEADERS),
        httpx.Response(429),
        httpx.Response(200, content=_envelope({"requests": "for the day"}), headers=HEADERS),
    ]
    async with _client(answers, limiter, seen) as client:
        await client.standings(39, 2025)
        with pytest.raises(errors.QuotaExhausted):
            await client.standings(39, 2025)
    assert limiter.released == [
        (1, 10, 7, 99),
        (2, 10, 0, 99),  # a rate limit means the provider's window is full
        (3, None, 0, None),
        (4, 10, 7, 0),  # the daily quota is gone
    ]


async def test_client_releases_the_slot_when_the_request_never_arrives() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    limiter = RecordingLimiter()
    client = ApiFootballClient(
        "secret", limiter=limiter, retry=FAST, transport=httpx.MockTransport(refuse)
    )
    async with client:
        with pytest.raises(errors.SourceUnavailable, match="ConnectError: connection refused"):
            await client.live()
    assert limiter.released == [(n, None, None, None) for n in (1, 2, 3)]
