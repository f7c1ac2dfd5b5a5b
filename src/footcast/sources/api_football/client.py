"""An async client for API-Football v3: typed answers, classified errors, retries and limits.

Every request first asks the limiter (which may wait for a free slot or refuse when the daily
budget is used up), then is sent; the answer's rate-limit headers go back to the limiter. Errors
that may pass (``retryable``: rate limit, provider down, a garbled body) are retried with
exponential backoff and jitter; permanent ones (key, parameters, plan, quota) never are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from types import TracebackType
from typing import TypeVar

import anyio
import httpx
from pydantic import SecretStr, TypeAdapter
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from footcast import errors
from footcast.config import ApiFootballSettings
from footcast.sources.api_football import payloads, wire
from footcast.sources.api_football.limiter import Limiter

__all__ = ["DEFAULT_URL", "IDS_PER_REQUEST", "ApiFootballClient", "Retry", "retryable"]

DEFAULT_URL = "https://v3.football.api-sports.io"
IDS_PER_REQUEST = 20  # the provider's maximum for /fixtures?ids=

T = TypeVar("T")

_FIXTURES = TypeAdapter(list[payloads.FixtureItem])
_LINEUPS = TypeAdapter(list[payloads.Lineup])
_EVENTS = TypeAdapter(list[payloads.Event])
_STATISTICS = TypeAdapter(list[payloads.FixtureStatistics])
_ODDS = TypeAdapter(list[payloads.OddsItem])
_STANDINGS = TypeAdapter(list[payloads.Standings])
_INJURIES = TypeAdapter(list[payloads.Injury])
_PREDICTIONS = TypeAdapter(list[payloads.PredictionItem])
_TEAM_STATISTICS = TypeAdapter(payloads.TeamStatistics)


@dataclass(frozen=True, kw_only=True)
class Retry:
    """How often a request is tried, and the backoff between tries (random in [0, min(cap,
    first_wait * 2**n)] seconds: exponential with full jitter)."""

    attempts: int = 3
    first_wait: float = 0.5
    max_wait: float = 10.0


def retryable(exc: BaseException) -> bool:
    """Whether a failed request is worth trying again."""
    return isinstance(exc, errors.FootcastError) and exc.retryable


class ApiFootballClient:
    """API-Football v3 over one ``httpx.AsyncClient``; use it as ``async with`` or ``aclose()``.

    Raises (every method):
        QuotaExhausted: the daily budget is used up (ours, or the provider's).
        SourceAuthError: the provider refused the key.
        SourceRejected: the provider refused a parameter or the plan does not cover it.
        SourceUnavailable: unreachable, timed out, rate limited or failing, after every retry.
        MalformedResponse: the answer is not in the provider's format, after every retry.
    """

    def __init__(
        self,
        key: SecretStr | str | None,
        *,
        limiter: Limiter,
        base_url: str = DEFAULT_URL,
        timeout: float = 10.0,
        retry: Retry = Retry(),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        secret = key.get_secret_value() if isinstance(key, SecretStr) else key
        if not secret:
            raise errors.SourceAuthError(
                "no API-Football key is configured: set FOOTCAST_API_FOOTBALL_KEY"
            )
        self._limiter = limiter
        self._retry = retry
        self._timeout = timeout
        self._http = httpx.AsyncClient(
            base_url=base_url,
            headers={"x-apisports-key": secret},
            timeout=timeout,
            transport=transport,
        )

    @classmethod
    def from_settings(
        cls, settings: ApiFootballSettings, limiter: Limiter, *, retry: Retry = Retry()
    ) -> ApiFootballClient:
        return cls(
            settings.key,
            limiter=limiter,
            base_url=settings.url,
            timeout=settings.timeout,
            retry=retry,
        )

    async def __aenter__(self) -> ApiFootballClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- fixtures ------------------------------------------------------------------------------

    async def fixtures(
        self, league: int, season: int, *, start: date, end: date
    ) -> list[payloads.FixtureItem]:
        """A league season's fixtures dated from ``start`` to ``end`` (both included, UTC)."""
        params = {"league": league, "season": season, "from": start, "to": end, "timezone": "UTC"}
        return await self._list("fixtures", _FIXTURES, params)

    async def fixtures_by_ids(self, ids: Iterable[int]) -> list[payloads.FixtureItem]:
        """Fixtures by id, with events, lineups, statistics and players (20 ids per request)."""
        wanted = list(dict.fromkeys(ids))
        found: list[payloads.FixtureItem] = []
        for i in range(0, len(wanted), IDS_PER_REQUEST):
            chunk = wanted[i : i + IDS_PER_REQUEST]
            ids_param = "-".join(str(fixture_id) for fixture_id in chunk)
            found += await self._list("fixtures", _FIXTURES, {"ids": ids_param})
        return found

    async def fixture(self, fixture_id: int) -> payloads.FixtureItem | None:
        """One fixture with its events, lineups, statistics and players; None when unknown."""
        found = await self._list("fixtures", _FIXTURES, {"id": fixture_id})
        return found[0] if found else None

    async def live(self) -> list[payloads.FixtureItem]:
        """Every fixture in play now."""
        return await self._list("fixtures", _FIXTURES, {"live": "all"})

    async def head_to_head(
        self, team: int, other: int, *, last: int | None = None
    ) -> list[payloads.FixtureItem]:
        """Fixtures between two teams (the ``last`` ones only, when given)."""
        return await self._list(
            "fixtures/headtohead", _FIXTURES, {"h2h": f"{team}-{other}", "last": last}
        )

    async def lineups(self, fixture_id: int) -> list[payloads.Lineup]:
        return await self._list("fixtures/lineups", _LINEUPS, {"fixture": fixture_id})

    async def events(self, fixture_id: int) -> list[payloads.Event]:
        return await self._list("fixtures/events", _EVENTS, {"fixture": fixture_id})

    async def statistics(self, fixture_id: int) -> list[payloads.FixtureStatistics]:
        return await self._list("fixtures/statistics", _STATISTICS, {"fixture": fixture_id})

    # -- pre-match facts -----------------------------------------------------------------------

    async def odds(
        self,
        *,
        fixture: int | None = None,
        league: int | None = None,
        season: int | None = None,
        bookmaker: int | None = None,
        bet: int | None = None,
    ) -> list[payloads.OddsItem]:
        """Pre-match odds of a fixture, or of a league season (every page)."""
        params = {
            "fixture": fixture,
            "league": league,
            "season": season,
            "bookmaker": bookmaker,
            "bet": bet,
        }
        return await self._list("odds", _ODDS, params)

    async def standings(self, league: int, season: int) -> list[list[payloads.StandingRow]]:
        """The league table as groups of rows (one group for a league); empty when none."""
        found = await self._list("standings", _STANDINGS, {"league": league, "season": season})
        return [group for item in found for group in item.league.standings]

    async def injuries(self, fixture_id: int) -> list[payloads.Injury]:
        return await self._list("injuries", _INJURIES, {"fixture": fixture_id})

    async def prediction(self, fixture_id: int) -> payloads.PredictionItem | None:
        found = await self._list("predictions", _PREDICTIONS, {"fixture": fixture_id})
        return found[0] if found else None

    async def team_statistics(
        self, team: int, *, league: int, season: int
    ) -> payloads.TeamStatistics | None:
        """A team's season in a league; None when the provider has nothing."""
        params = {"team": team, "league": league, "season": season}
        envelope = await self._get("teams/statistics", params)
        if not envelope.response:
            return None
        return wire.items(envelope, _TEAM_STATISTICS, endpoint="teams/statistics")

    # -- transport -----------------------------------------------------------------------------

    async def _list(
        self, endpoint: str, adapter: TypeAdapter[list[T]], params: Mapping[str, object]
    ) -> list[T]:
        """Every page's items."""
        envelope = await self._get(endpoint, params)
        found = wire.items(envelope, adapter, endpoint=endpoint)
        for page in range(2, envelope.paging.total + 1):
            more = await self._get(endpoint, {**params, "page": page})
            page_items = wire.items(more, adapter, endpoint=endpoint)
            found += page_items
        return found

    async def _get(self, endpoint: str, params: Mapping[str, object]) -> payloads.Envelope:
        query = {name: str(value) for name, value in params.items() if value is not None}
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._retry.attempts),
            wait=wait_random_exponential(
                multiplier=self._retry.first_wait, max=self._retry.max_wait
            ),
            retry=retry_if_exception(retryable),
            sleep=anyio.sleep,
            reraise=True,
        )
        return await retrying(self._once, endpoint, query)

    async def _once(self, endpoint: str, query: dict[str, str]) -> payloads.Envelope:
        """One try: a slot from the limiter, the request, the answer's headers back to it."""
        ticket = await self._limiter.acquire()
        usage = wire.Usage()
        try:
            response = await self._send(endpoint, query)
            usage = wire.Usage.of(response.headers)
            return wire.read(response.status_code, response.content, endpoint=endpoint)
        except errors.RateLimited:
            usage = replace(usage, window_remaining=0)  # the provider's window is full
            raise
        except errors.QuotaExhausted:
            usage = replace(usage, day_remaining=0)
            raise
        finally:
            with anyio.CancelScope(shield=True):
                await self._limiter.release(
                    ticket,
                    window_limit=usage.window_limit,
                    window_remaining=usage.window_remaining,
                    day_remaining=usage.day_remaining,
                )

    async def _send(self, endpoint: str, query: dict[str, str]) -> httpx.Response:
        try:
            return await self._http.get(endpoint, params=query)
        except httpx.TimeoutException as exc:
            raise errors.SourceUnavailable(
                f"{endpoint}: no answer within {self._timeout:g} s", endpoint=endpoint
            ) from exc
        except httpx.HTTPError as exc:
            raise errors.SourceUnavailable(
                f"{endpoint}: {type(exc).__name__}: {exc}", endpoint=endpoint
            ) from exc
