"""A fake API-Football v3 server: real HTTP on 127.0.0.1 (an ephemeral port), in a thread.

It speaks the provider's wire format: the envelope, ``parameters`` echoed as strings (``[]`` when
there are none), the rate-limit headers on every answer, refusals inside HTTP 200. It serves the
fixtures it is given (``api_football_items.season()`` by default) or recorded bodies, and:

* enforces a per-window limit like the provider (answering ``errors.rateLimit``), and records
  every request, the largest number of requests in any window and the count of violations;
* counts a daily quota (``errors.requests`` once it is used up);
* injects faults on demand, per endpoint and for the next N requests (``fail``).

    with FakeApiFootball(per_window=5, window_seconds=1.0) as fake:
        fake.fail(Fault.SERVER_ERROR, endpoint="fixtures", times=2)
        async with fake.client(limiter) as client: ...
        assert fake.violations == 0
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from enum import StrEnum
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from footcast.fakes import api_football_items as items
from footcast.fakes._http import LocalServer
from footcast.sources.api_football.client import ApiFootballClient, Retry
from footcast.sources.api_football.limiter import Limiter

__all__ = ["FAST_RETRY", "Answer", "FakeApiFootball", "Fault", "Request"]

FAST_RETRY = Retry(attempts=3, first_wait=0.001, max_wait=0.01)

ODDS_PER_PAGE = 10
IDS_PER_REQUEST = 20
_MESSAGES = {
    "rateLimit": "Too many requests. You have exceeded the limit of requests per minute of your"
    " subscription.",
    "requests": "You have reached the request limit for the day, Go to"
    " https://dashboard.api-football.com to upgrade your plan.",
    "token": "Error/Missing application key. Go to https://www.api-football.com/documentation-v3"
    " to learn how to get your API application key.",
}


class Fault(StrEnum):
    """What ``fail`` makes the server do instead of answering normally."""

    HTTP_429 = "http-429"  # HTTP 429 with errors.rateLimit in the body
    RATE_LIMIT = "rate-limit"  # errors.rateLimit inside HTTP 200
    REQUESTS = "requests"  # errors.requests (daily quota) inside HTTP 200
    TOKEN = "token"  # errors.token inside HTTP 200
    PARAMETER = "parameter"  # a refused parameter inside HTTP 200
    SERVER_ERROR = "http-500"  # HTTP 500 with the non-envelope {"message": ...}
    NO_CONTENT = "http-204"
    SLOW = "slow"  # the normal answer, after ``slow_seconds``
    TRUNCATED = "truncated"  # the normal body cut in half
    HTML = "html"  # an HTML page with HTTP 200
    UNKNOWN_STATUS = "unknown-status"  # the first fixture's status short code is "XYZ"
    SPARSE = "sparse"  # the normal answer without optional parts (``api_football_items.sparse``)


_REFUSALS = {Fault.TOKEN: "token", Fault.RATE_LIMIT: "rateLimit", Fault.REQUESTS: "requests"}


@dataclass(frozen=True)
class Request:
    """One request as the server received it."""

    path: str  # the endpoint, without the leading "/"
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    at: float  # time.monotonic() on arrival


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    delay: float = 0.0


class FakeApiFootball:
    """The fake provider; a context manager that starts and stops the server thread."""

    def __init__(
        self,
        *,
        key: str = "test-key",
        per_window: int = 1_000_000,
        window_seconds: float = 60.0,
        daily_limit: int = 1_000_000,
        fixtures: list[items.Item] | None = None,
        slow_seconds: float = 1.0,
    ) -> None:
        self.key = key
        self.per_window = per_window
        self.window_seconds = window_seconds
        self.daily_limit = daily_limit
        self.slow_seconds = slow_seconds
        self.fixtures = items.season() if fixtures is None else fixtures
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        self._arrivals: deque[float] = deque()
        self._max_in_window = 0
        self._violations = 0
        self._faults: list[list[Any]] = []  # [fault, endpoint | None, times left]
        self._served: dict[str, bytes] = {}
        self._server: LocalServer | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def __enter__(self) -> FakeApiFootball:
        self._server = LocalServer(_handler(self), poll=0.01)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()

    @property
    def url(self) -> str:
        assert self._server is not None, "use the fake as a context manager"
        return self._server.url

    def client(
        self,
        limiter: Limiter,
        *,
        key: str | None = None,
        timeout: float = 5.0,
        retry: Retry = FAST_RETRY,
    ) -> ApiFootballClient:
        """A client of this server (with its key unless told otherwise), retrying quickly."""
        key = self.key if key is None else key
        return ApiFootballClient(
            key, limiter=limiter, base_url=self.url, timeout=timeout, retry=retry
        )

    # -- what a test sets up and reads back ----------------------------------------------------

    def fail(self, fault: Fault, *, endpoint: str | None = None, times: int = 1) -> None:
        """Answer the next ``times`` requests (to ``endpoint``, or any) with ``fault``."""
        with self._lock:
            self._faults.append([fault, endpoint, times])

    def serve(self, endpoint: str, body: bytes) -> None:
        """Answer every request to ``endpoint`` with ``body`` (a recorded response)."""
        with self._lock:
            self._served[endpoint] = body

    def serve_file(self, path: Path) -> str:
        """Serve a recorded response for the endpoint its ``get`` names; returns the endpoint."""
        body = path.read_bytes()
        endpoint = str(json.loads(body)["get"])
        self.serve(endpoint, body)
        return endpoint

    def use_elsewhere(self, count: int) -> None:
        """Count ``count`` requests made now by another user of the same key."""
        with self._lock:
            now = time.monotonic()
            for _ in range(count):
                self._count_arrival(now)

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    @property
    def max_in_window(self) -> int:
        """The largest number of requests that arrived within any one window."""
        with self._lock:
            return self._max_in_window

    @property
    def violations(self) -> int:
        """Requests that arrived when the window already held ``per_window``."""
        with self._lock:
            return self._violations

    # -- answering -----------------------------------------------------------------------------

    def answer(
        self, endpoint: str, query: dict[str, str], headers: dict[str, str]
    ) -> tuple[Answer, dict[str, str]]:
        """The answer to one request, and its rate-limit headers."""
        with self._lock:
            now = time.monotonic()
            self._requests.append(Request(endpoint, query, headers, now))
            over = self._count_arrival(now)
            used_today = len(self._requests)
            limits = {
                "X-RateLimit-Limit": str(self.per_window),
                "X-RateLimit-Remaining": str(max(0, self.per_window - len(self._arrivals))),
                "x-ratelimit-requests-limit": str(self.daily_limit),
                "x-ratelimit-requests-remaining": str(max(0, self.daily_limit - used_today)),
            }
            refused = (
                "token"
                if headers.get("x-apisports-key") != self.key
                else "rateLimit"
                if over
                else "requests"
                if used_today > self.daily_limit
                else None
            )
            fault = None if refused else self._take_fault(endpoint)
            served = self._served.get(endpoint)
        refused = _REFUSALS.get(fault, refused) if fault is not None else refused
        if refused is not None:
            return self._refusal(endpoint, query, refused), limits
        if fault is not None and fault is not Fault.SLOW:
            return self._fault(fault, endpoint, query), limits
        answer = Answer(200, served) if served is not None else self._normal(endpoint, query)
        if fault is Fault.SLOW:
            answer = Answer(answer.status, answer.body, delay=self.slow_seconds)
        return answer, limits

    def _count_arrival(self, now: float) -> bool:
        """Add an arrival to the window; True when it is over the limit."""
        while self._arrivals and self._arrivals[0] <= now - self.window_seconds:
            self._arrivals.popleft()
        self._arrivals.append(now)
        self._max_in_window = max(self._max_in_window, len(self._arrivals))
        over = len(self._arrivals) > self.per_window
        self._violations += over
        return over

    def _take_fault(self, endpoint: str) -> Fault | None:
        for entry in self._faults:
            fault, only, _ = entry
            if only is None or only == endpoint:
                entry[2] -= 1
                if entry[2] == 0:
                    self._faults.remove(entry)
                return Fault(fault)
        return None

    def _refusal(self, endpoint: str, query: dict[str, str], field: str) -> Answer:
        return Answer(200, _envelope(endpoint, query, [], errors={field: _MESSAGES[field]}))

    def _fault(self, fault: Fault, endpoint: str, query: dict[str, str]) -> Answer:
        if fault is Fault.HTTP_429:
            return Answer(
                429, _envelope(endpoint, query, [], errors={"rateLimit": _MESSAGES["rateLimit"]})
            )
        if fault is Fault.PARAMETER:
            message = "The Season field must contain 4 characters. Example: 2019."
            return Answer(200, _envelope(endpoint, query, [], errors={"season": message}))
        if fault is Fault.SERVER_ERROR:
            message = "Something went wrong while fetching details. Try again later."
            return Answer(500, json.dumps({"message": message}).encode())
        if fault is Fault.NO_CONTENT:
            return Answer(204, b"")
        if fault is Fault.HTML:
            return Answer(
                200,
                b"<!DOCTYPE html><html><head><title>Just a moment...</title>"
                b"</head><body>Checking your browser</body></html>",
            )
        normal = self._normal(endpoint, query)
        if fault is Fault.TRUNCATED:
            return Answer(normal.status, normal.body[: len(normal.body) // 2])
        data = json.loads(normal.body)
        if fault is Fault.SPARSE:
            data["response"] = items.sparse(data["response"])
            return Answer(normal.status, json.dumps(data).encode())
        assert fault is Fault.UNKNOWN_STATUS, fault
        data["response"][0]["fixture"]["status"]["short"] = "XYZ"
        return Answer(200, json.dumps(data).encode())

    def _normal(self, endpoint: str, query: dict[str, str]) -> Answer:
        handler = _ENDPOINTS.get(endpoint)
        if handler is None:
            return Answer(
                404, json.dumps({"message": f"Endpoint '{endpoint}' does not exist"}).encode()
            )
        outcome = handler(self, query)
        if isinstance(outcome, dict) and "errors" in outcome:
            return Answer(200, _envelope(endpoint, query, [], errors=outcome["errors"]))
        found, page, pages = outcome if isinstance(outcome, tuple) else (outcome, 1, 1)
        return Answer(200, _envelope(endpoint, query, found, page=page, pages=pages))

    # -- endpoints -----------------------------------------------------------------------------

    def _by_id(self) -> dict[int, items.Item]:
        return {item["fixture"]["id"]: item for item in self.fixtures}

    def _in_season(self, query: dict[str, str]) -> list[items.Item]:
        return [
            item
            for item in self.fixtures
            if str(item["league"]["id"]) == query.get("league", str(item["league"]["id"]))
            and str(item["league"]["season"]) == query.get("season", str(item["league"]["season"]))
        ]

    def _fixtures(self, query: dict[str, str]) -> Any:
        if "live" in query and "id" in query:
            return {"errors": {"id": "The Id field cannot be used with live field."}}
        with_details = "id" in query or "ids" in query
        if "ids" in query:
            wanted = [int(i) for i in query["ids"].split("-")]
            if len(wanted) > IDS_PER_REQUEST:
                return {"errors": {"ids": f"Maximum of {IDS_PER_REQUEST} ids allowed."}}
            found = [self._by_id()[i] for i in wanted if i in self._by_id()]
        elif "id" in query:
            found = [self._by_id()[i] for i in [int(query["id"])] if i in self._by_id()]
        elif "live" in query:
            found = [i for i in self.fixtures if i["fixture"]["status"]["short"] in items.LIVE]
        else:
            first, last = query.get("from", "0000"), query.get("to", "9999")
            found = [
                i for i in self._in_season(query) if first <= i["fixture"]["date"][:10] <= last
            ]
        if not with_details:
            return found
        return [
            {
                **i,
                "events": items.events(i),
                "lineups": items.lineups(i),
                "statistics": items.statistics(i),
                "players": [],
            }
            for i in found
        ]

    def _fixture_part(self, query: dict[str, str], part: Any) -> Any:
        item = self._by_id().get(int(query.get("fixture", "0")))
        return [] if item is None else part(item)

    def _odds(self, query: dict[str, str]) -> Any:
        if "fixture" in query:
            chosen = [i for i in self.fixtures if str(i["fixture"]["id"]) == query["fixture"]]
        else:
            chosen = self._in_season(query)
        found = []
        for item in chosen:
            offer = items.odds(item)
            for bookmaker in offer["bookmakers"]:
                bookmaker["bets"] = [
                    b for b in bookmaker["bets"] if str(b["id"]) == query.get("bet", str(b["id"]))
                ]
            if "bookmaker" in query:
                offer["bookmakers"] = [
                    b for b in offer["bookmakers"] if str(b["id"]) == query["bookmaker"]
                ]
            found.append(offer)
        pages = max(1, math.ceil(len(found) / ODDS_PER_PAGE))
        page = int(query.get("page", "1"))
        return found[(page - 1) * ODDS_PER_PAGE : page * ODDS_PER_PAGE], page, pages

    def _head_to_head(self, query: dict[str, str]) -> Any:
        teams = {int(t) for t in query["h2h"].split("-")}
        found = [
            i
            for i in self.fixtures
            if {i["teams"]["home"]["id"], i["teams"]["away"]["id"]} == teams
        ]
        return found[-int(query["last"]) :] if "last" in query else found

    def _standings(self, query: dict[str, str]) -> Any:
        league, season = int(query["league"]), int(query["season"])
        return items.standings(self._in_season(query), league=league, season=season)

    def _team_statistics(self, query: dict[str, str]) -> Any:
        return items.team_statistics(
            int(query["team"]), league=int(query["league"]), season=int(query["season"])
        )


_ENDPOINTS: dict[str, Any] = {
    "fixtures": FakeApiFootball._fixtures,
    "fixtures/lineups": lambda fake, q: fake._fixture_part(q, items.lineups),
    "fixtures/events": lambda fake, q: fake._fixture_part(q, items.events),
    "fixtures/statistics": lambda fake, q: fake._fixture_part(q, items.statistics),
    "fixtures/headtohead": FakeApiFootball._head_to_head,
    "injuries": lambda fake, q: fake._fixture_part(q, items.injuries),
    "odds": FakeApiFootball._odds,
    "standings": FakeApiFootball._standings,
    "teams/statistics": FakeApiFootball._team_statistics,
}


def _envelope(
    endpoint: str,
    query: dict[str, str],
    response: list[Any] | dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    page: int = 1,
    pages: int = 1,
) -> bytes:
    body = {
        "get": endpoint,
        "parameters": query or [],
        "errors": errors or [],
        "results": len(response),
        "paging": {"current": page, "total": pages},
        "response": response,
    }
    # the provider escapes "/" as "\/"
    return json.dumps(body, separators=(",", ":")).replace("/", "\\/").encode()


def _handler(fake: FakeApiFootball) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the provider
        disable_nagle_algorithm = True  # headers and body leave at once, not 40 ms apart

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer, limits = fake.answer(parts.path.strip("/"), query, headers)
            if answer.delay:
                time.sleep(answer.delay)
            try:
                self.send_response(answer.status)
                for name, value in limits.items():
                    self.send_header(name, value)
                if answer.status != 204:
                    is_html = answer.body.startswith(b"<")
                    self.send_header("content-type", "text/html" if is_html else "application/json")
                    self.send_header("content-length", str(len(answer.body)))
                self.end_headers()
                if answer.status != 204:
                    self.wfile.write(answer.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
