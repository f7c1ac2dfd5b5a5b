"""The admin surface's defences, each against the real app served on 127.0.0.1: CSRF and origin
checks, sessions in PostgreSQL (revoked, expiring, shared by processes), Secure cookies and HSTS
behind a trusted HTTPS proxy, credentials before bodies, streamed bodies cut off at the limit,
security headers, and a rate limit shared by processes."""

from __future__ import annotations

import re
import select
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin_pages import Operator
from factories import World
from footcast.clock import SimulatedClock
from footcast.config import Settings, load_settings
from footcast.db import Database
from footcast.db.tables import AuditEntry, Failure, RequestLimit, RequestSlot
from footcast.db.writes import ledger
from footcast.web import auth
from footcast.web.app import MAX_BODY_BYTES, create_app
from footcast.web.serving import serve
from web_server import SECRET, Served

BIG = 200 * 1024 * 1024  # what the attacker offered to send


def _settings(**overrides: object) -> Settings:
    values: dict[str, object] = {"admin_token": SECRET, "admin_rate_limit": "1000/minute"}
    return load_settings({}, **{**values, **overrides})


@contextmanager
def _server(database: Database, clock: SimulatedClock, settings: Settings) -> Iterator[str]:
    with serve(create_app(database, settings, clock=clock)) as url:
        yield url


def _open_failure(world: World) -> int:
    match_id = world.match(kickoff=world.clock.now() - timedelta(hours=3))
    with world.database.transaction() as session:
        return ledger.record(
            session, stage="settlement", key=f"settle:{match_id}", match_id=match_id,
            error=RuntimeError("no score"), now=world.clock.now(), terminal=True,
        )  # fmt: skip


def _state(world: World) -> str:
    with world.database.transaction() as session:
        return str(session.execute(sa.select(Failure.state)).scalar_one())


# --- CSRF and origins -------------------------------------------------------------------------


def test_a_form_posted_with_the_cookie_from_another_origin_is_refused(
    served: Served, world: World
) -> None:
    # issue: a page on another port of the same host auto-submitted POST /admin/failures/clear
    _open_failure(world)
    operator = Operator(served.client, served.url)
    operator.login()
    token = operator.csrf()
    port = urlsplit(served.url).port
    assert port is not None
    evil = f"http://127.0.0.1:{port + 1}"
    form = {"stage": "settlement", "csrf": token}
    attempts = [
        ({"Origin": evil}, form),  # another port of the same host: same site, not same origin
        ({"Origin": "null"}, form),  # a sandboxed frame or a data: page
        ({"Referer": evil + "/attack.html"}, form),  # no Origin: the Referer must match
        ({}, form),  # neither
        ({"Origin": served.url}, {"stage": "settlement"}),  # the right origin, no token
        ({"Origin": served.url}, {**form, "csrf": token[:-1] + "x"}),  # a wrong token
    ]
    for headers, data in attempts:
        answer = served.client.post("/admin/failures/clear", data=data, headers=headers)
        assert answer.status_code == 403, (headers, data)
        assert "refused" in answer.text
    assert _state(world) == "open"
    with world.database.transaction() as session:
        actions = set(session.execute(sa.select(AuditEntry.action)).scalars())
    assert actions == {"admin.login"}
    referred = served.client.post(
        "/admin/failures/clear", data=form, headers={"Referer": served.url + "/admin"}
    )
    assert referred.status_code == 303  # a browser that sends only a Referer still works
    assert _state(world) == "cleared"


def test_a_login_posted_from_another_origin_is_refused(served: Served) -> None:
    answer = served.client.post(
        "/admin/login", data={"password": SECRET}, headers={"Origin": "http://evil.example"}
    )
    assert answer.status_code == 403
    assert auth.COOKIE not in served.client.cookies


def test_the_cookie_never_opens_the_json_admin_api(served: Served, world: World) -> None:
    _open_failure(world)
    Operator(served.client, served.url).login()
    assert served.client.get("/admin").status_code == 200
    for method, path in [
        ("GET", "/api/admin/failures"),
        ("POST", "/api/admin/failures/retry?stage=settlement"),
        ("DELETE", "/api/admin/failures?stage=settlement"),
        ("POST", "/api/admin/settlement/retry"),
    ]:
        answer = served.client.request(method, path, headers={"Origin": served.url})
        assert answer.status_code == 401, (method, path)
    assert _state(world) == "open"


# --- sessions ----------------------------------------------------------------------------------


def test_a_login_holds_across_processes_and_a_logout_ends_it_everywhere(
    database: Database, clock: SimulatedClock, world: World
) -> None:
    world.forecasters("alice")
    settings = _settings()
    with (
        _server(database, clock, settings) as first,
        _server(database, clock, settings) as second,
        httpx.Client(base_url=first) as a,
        httpx.Client(base_url=second) as b,
    ):
        Operator(a, first).login()
        b.cookies.set(auth.COOKIE, a.cookies[auth.COOKIE])
        assert "Pipeline health" in b.get("/admin").text  # the other process knows the login
        assert Operator(b, second).post("/admin/forecasters/alice/disable").status_code == 303
        Operator(b, second).post("/admin/logout")
        assert 'id="login"' in a.get("/admin").text  # ...and its end


def test_a_session_expires(database: Database, clock: SimulatedClock) -> None:
    settings = _settings(admin_session_hours=1.5 / 3600)  # 1.5 seconds
    with _server(database, clock, settings) as url, httpx.Client(base_url=url) as client:
        Operator(client, url).login()
        assert "Pipeline health" in client.get("/admin").text
        time.sleep(2.0)
        assert 'id="login"' in client.get("/admin").text


def test_the_cookie_is_secure_and_hsts_sent_behind_a_trusted_https_proxy(
    database: Database, clock: SimulatedClock
) -> None:
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    trusted = _settings(trusted_proxies="127.0.0.1")
    with _server(database, clock, trusted) as url, httpx.Client(base_url=url) as client:
        origin = url.replace("http://", "https://")
        answer = client.post(
            "/admin/login", data={"password": SECRET}, headers={**https, "Origin": origin}
        )
        assert answer.status_code == 303
        assert "Secure" in answer.headers["set-cookie"]
        assert answer.headers["strict-transport-security"].startswith("max-age=")
        assert "strict-transport-security" not in client.get("/").headers  # plain HTTP
    with database.transaction() as session:
        actor = session.execute(sa.select(AuditEntry.actor)).scalar_one()
    assert actor == "admin@203.0.113.9"  # the proxy's client, not the proxy
    # an untrusted peer saying https is not believed
    with _server(database, clock, _settings()) as url, httpx.Client(base_url=url) as client:
        answer = client.post(
            "/admin/login", data={"password": SECRET}, headers={**https, "Origin": url}
        )
        assert answer.status_code == 303
        assert "Secure" not in answer.headers["set-cookie"]
        assert "strict-transport-security" not in answer.headers


# --- bodies ------------------------------------------------------------------------------------


class _Counting:
    """The app, counting the body bytes the server hands it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app, self.received = app, 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def counted() -> Message:
            message = await receive()
            self.received += len(message.get("body", b""))
            return message

        await self.app(scope, counted, send)


def _stream(
    url: str, path: str, headers: dict[str, str], *, seconds: float = 20.0
) -> tuple[int, int]:
    """POST a chunked body of up to ``BIG`` bytes until the server answers: (status, sent)."""
    parts = urlsplit(url)
    assert parts.hostname is not None
    assert parts.port is not None
    sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
    head = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", "Transfer-Encoding: chunked"]
    head += [f"{k}: {v}" for k, v in {"Content-Type": "application/json", **headers}.items()]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    sock.setblocking(False)
    chunk = 64 * 1024
    piece = f"{chunk:x}\r\n".encode() + b" " * chunk + b"\r\n"
    sent, pending, answer = 0, b"", b""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline and b"\r\n" not in answer:
            writers = [sock] if sent < BIG else []
            readable, writable, _ = select.select([sock], writers, [], 0.5)
            if readable:
                data = sock.recv(65536)
                if not data:
                    break
                answer += data
            elif writable:
                pending = pending or piece
                try:
                    done = sock.send(pending)
                except (BrokenPipeError, ConnectionResetError):
                    break
                pending, sent = pending[done:], sent + done
    finally:
        sock.close()
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split(b" ")[1]), sent


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}], ids=["none", "wrong"])
def test_a_streamed_body_without_credentials_is_refused_before_it_is_read(
    database: Database, clock: SimulatedClock, headers: dict[str, str]
) -> None:
    # issue: an unauthenticated 200 MB chunked POST was read whole (134 -> 748 MB) and got 422
    app = _Counting(create_app(database, _settings(), clock=clock))
    with serve(app) as url:
        status, sent = _stream(url, "/api/admin/backfill", headers)
    assert status == 401
    assert app.received == 0  # not one byte of the body was read
    assert sent < BIG // 10


def test_a_streamed_body_over_the_limit_is_cut_off_with_413(
    database: Database, clock: SimulatedClock
) -> None:
    app = _Counting(create_app(database, _settings(), clock=clock))
    with serve(app) as url:
        status, sent = _stream(url, "/api/admin/backfill", {"Authorization": f"Bearer {SECRET}"})
    assert status == 413
    # The app is handed the limit plus what the server had buffered when it passed it: up to
    # uvicorn's flow-control high-water mark (64 KiB) and one socket read (asyncio's 256 KiB).
    assert app.received <= MAX_BODY_BYTES + (64 + 256) * 1024
    assert sent < BIG // 10


def test_a_form_body_over_the_limit_is_refused(served: Served) -> None:
    Operator(served.client, served.url).login()
    answer = served.client.post(
        "/admin/login",
        content=b"password=" + b"a" * (MAX_BODY_BYTES + 1),
        headers={"Origin": served.url, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 413


# --- headers -----------------------------------------------------------------------------------


def test_every_answer_carries_the_security_headers(served: Served) -> None:
    for path in ("/", "/admin", "/api/matches", "/api/health", "/static/style.css", "/nowhere"):
        headers = served.client.get(path).headers
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp, path
        assert "script-src 'self';" in csp, path  # no inline scripts
        assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
        assert "strict-transport-security" not in headers, path  # plain HTTP
    assert "frame-ancestors 'none'" in served.client.get("/docs").headers["content-security-policy"]
    assert served.client.get("/admin").headers["cache-control"] == "no-store"
    assert served.client.get("/api/admin/failures").headers["cache-control"] == "no-store"
    assert "no-store" not in served.client.get("/").headers.get("cache-control", "")


def test_an_unhandled_error_is_answered_500_with_the_security_headers(
    database: Database, clock: SimulatedClock
) -> None:
    # issue: a 500 from an exception no handler took had none of the headers (Starlette's
    # ServerErrorMiddleware answered it outside every middleware)
    app = create_app(database, _settings(), clock=clock)

    def boom() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    app.add_api_route("/admin/boom", boom)
    with serve(app) as url, httpx.Client(base_url=url) as client:
        plain = client.get("/boom")
        page = client.get("/boom", headers={"Accept": "text/html"})
        private = client.get("/admin/boom")
    assert plain.status_code == page.status_code == private.status_code == 500
    assert plain.json() == {
        "error": {"code": "internal_error", "message": "an internal error occurred"}
    }
    assert "a bug" not in plain.text + page.text
    assert "<html" in page.text
    for answer in (plain, page, private):
        assert answer.headers["content-security-policy"].startswith("default-src 'self'")
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
    assert private.headers["cache-control"] == "no-store"
    assert "no-store" not in plain.headers.get("cache-control", "")
    counted = app.state.metrics.registry.get_sample_value(
        "footcast_http_requests_total", {"method": "GET", "route": "/boom", "status": "500"}
    )
    assert counted == 2


# --- the shared limit --------------------------------------------------------------------------


def test_the_admin_limit_is_shared_by_processes(database: Database, clock: SimulatedClock) -> None:
    settings = _settings(admin_rate_limit="4/minute")
    admin = {"Authorization": f"Bearer {SECRET}"}
    with _server(database, clock, settings) as first, _server(database, clock, settings) as second:
        codes = [
            httpx.get(f"{url}/api/admin/failures", headers=admin).status_code
            for url in (first, second, first, second, first, second)
        ]
    assert codes == [200, 200, 200, 200, 429, 429]


def _scopes(database: Database) -> dict[str, int]:
    """Each request_limits scope and how many slots it holds."""
    with database.transaction() as session:
        rows = session.execute(
            sa.select(RequestLimit.scope, sa.func.count(RequestSlot.id))
            .outerjoin(RequestSlot, RequestSlot.scope == RequestLimit.scope)
            .group_by(RequestLimit.scope)
        )
        return {str(scope): int(count) for scope, count in rows}


def test_the_admin_limit_forgets_clients_whose_hits_no_longer_count(database: Database) -> None:
    # issue: request_limits kept one row per client address for ever
    limit = auth.AdminLimit("3/minute")
    db_now = sa.func.clock_timestamp()
    with database.transaction() as session:
        session.add_all(
            RequestLimit(scope=scope)
            for scope in ("admin:10.0.0.1", "admin:10.0.0.2", "admin:10.0.0.3", "admin:10.0.0.4",
                          "api-football")
        )  # fmt: skip
        session.flush()
        session.add_all(
            [
                RequestSlot(scope="admin:10.0.0.1", at=db_now - timedelta(hours=2), in_flight=True),
                RequestSlot(
                    scope="admin:10.0.0.2", at=db_now - timedelta(seconds=5), in_flight=True
                ),
                RequestSlot(scope="admin:10.0.0.4", at=db_now - timedelta(hours=2), in_flight=True),
                RequestSlot(scope="api-football", at=db_now - timedelta(days=2), in_flight=False),
            ]
        )
    # another process deciding on 10.0.0.4 right now holds its row: left for a later hit
    holder = database.engine.connect()
    try:
        holder.execute(
            sa.text("SELECT 1 FROM request_limits WHERE scope = 'admin:10.0.0.4' FOR UPDATE")
        )
        thread = threading.Thread(target=limit.hit, args=(database, "10.0.0.9"))
        thread.start()
        thread.join(timeout=10)
        assert not thread.is_alive(), "a hit waited for another client's row"
    finally:
        holder.rollback()
        holder.close()
    assert _scopes(database) == {
        "admin:10.0.0.2": 1,  # its hit still counts
        "admin:10.0.0.4": 1,
        "admin:10.0.0.9": 1,
        "api-football": 1,  # a provider's row keeps its day's count
    }
    assert limit.hit(database, "10.0.0.1") is None  # forgotten, then counted afresh
    assert _scopes(database) == {"admin:10.0.0.1": 1, "admin:10.0.0.2": 1, "admin:10.0.0.9": 1,
                                 "api-football": 1}  # fmt: skip


def _routes(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, those of included routers too (the admin pages' routers add no prefix)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from _routes(included.routes) if included is not None else [route]


def test_every_admin_form_needs_a_login_and_this_sites_origin(served: Served, world: World) -> None:
    world.forecasters("alice")
    forms = sorted(
        re.sub(r"\{[^}]+\}", "alice", route.path)
        for route in _routes(served.app.routes)
        if isinstance(route, APIRoute)
        and route.path.startswith("/admin/")
        and "POST" in (route.methods or set())
        and route.path != "/admin/login"
    )
    assert len(forms) >= 6  # the test sees the forms it guards
    data = {"stage": "settlement", "days": "1"}
    for path in forms:  # no login
        answer = served.client.post(path, data=data, headers={"Origin": served.url})
        assert answer.status_code == 401, path
    operator = Operator(served.client, served.url)
    operator.login()
    token = operator.csrf()
    for path in forms:  # a login, another origin
        answer = served.client.post(
            path, data={**data, "csrf": token}, headers={"Origin": "http://127.0.0.1:1"}
        )
        assert answer.status_code == 403, path
    with world.database.transaction() as session:
        assert set(session.execute(sa.select(AuditEntry.action)).scalars()) == {"admin.login"}
