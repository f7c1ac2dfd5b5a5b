"""Who may use the admin surface, and how often.

- **The JSON admin API** (``/api/admin/...``) takes the admin secret in a header (a bearer token
  or ``X-Admin-Password``), compared in constant time, on every request; a cookie never opens it.
- **The admin pages** take a login: the secret once (``POST /admin/login``), then a cookie
  holding a random token of a ``web_sessions`` row (``db.coordination.sessions``) with an expiry,
  revoked on logout, and a CSRF token its forms carry.
- **The rate limit** counts credential attempts and actions per client (every API request, every
  login attempt, every form action), never a page view of a valid session. The count is in
  PostgreSQL (``db.coordination.limits``: a sliding window per ``admin:<client>`` scope), so
  every ``footcast web`` process shares it.

Both checks run before the request's body is read: the routes of the admin API are
``AdminApiRoute``s, whose handler checks the header and the limit first (``web.console`` has the
pages' equivalent). A test enumerates the routes so none can forget it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

import anyio
from fastapi import HTTPException, Request, Response, status
from fastapi.routing import APIRoute
from limits import parse
from starlette.datastructures import Headers

from footcast.config import Settings
from footcast.db import Database
from footcast.db.coordination import limits, sessions
from footcast.web.deps import web

__all__ = [
    "COOKIE",
    "SCOPE",
    "AdminApiRoute",
    "AdminLimit",
    "Handler",
    "admin",
    "client_of",
    "end_login",
    "flash",
    "given_secret",
    "login_of",
    "origin_matches",
    "own_origin",
    "secret_matches",
    "sent_from",
    "start_login",
    "take_flash",
]

COOKIE = "footcast_admin"  # the pages' login: a random token naming a web_sessions row
FOREVER = 2**31 - 1  # no daily budget: the window is the limit
SCOPE = "admin:"  # the limit's scopes: one per client address, forgotten once idle


class AdminLimit:
    """Credential attempts and actions per client, in a sliding window shared through
    PostgreSQL by every web process."""

    def __init__(self, spec: str) -> None:
        self.item = parse(spec)
        self.window = timedelta(seconds=self.item.get_expiry())

    def policy(self, client: str) -> limits.Policy:
        return limits.Policy(
            scope=f"{SCOPE}{client}"[:64],
            per_window=self.item.amount,
            window=self.window,
            daily_budget=FOREVER,
            lease=timedelta(0),  # a hit is never released: it counts for one window
        )

    def hit(self, database: Database, client: str) -> float | None:
        """Count one attempt of ``client``: None when allowed, else the seconds to wait.

        Raises:
            DatabaseUnavailable: the database can not be reached.
        """
        policy = self.policy(client)
        with database.transaction() as session:
            turn = limits.take_slot(session, policy)
            limits.forget_idle(session, prefix=SCOPE, idle=policy.window + policy.lease)
        return None if turn.ticket is not None else max(1.0, turn.wait)

    def refused(self, client: str, wait: float) -> HTTPException:
        return HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many admin requests from {client}: the limit is {self.item}",
            headers={"Retry-After": str(int(wait + 0.999))},
        )


def client_of(request: Request) -> str:
    """The client's address (the proxy's client when it is a trusted proxy)."""
    return request.client.host if request.client else "unknown"


def secret_matches(settings: Settings, given: str | None) -> bool:
    expected = settings.web.admin_token
    if expected is None or not given:
        return False
    return hmac.compare_digest(given.encode(), expected.get_secret_value().encode())


def given_secret(headers: Headers) -> str | None:
    """The secret a request presents in a header: ``Authorization: Bearer`` or
    ``X-Admin-Password``."""
    header = headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return token.strip()
    return headers.get("x-admin-password")


def own_origin(request: Request) -> str:
    """This request's own origin: its scheme (as a trusted proxy says) and ``Host``."""
    return f"{request.url.scheme}://{request.headers.get('host', '')}".lower()


def sent_from(request: Request) -> str | None:
    """The origin a browser says the request was sent from: ``Origin``, or else the
    ``Referer``'s scheme and host."""
    origin = request.headers.get("origin")
    if origin is None:
        referer = request.headers.get("referer", "")
        scheme, _, rest = referer.partition("://")
        origin = f"{scheme}://{rest.split('/', 1)[0]}" if rest else None
    return None if origin is None else origin.lower()


def origin_matches(request: Request) -> bool:
    """The request comes from a page of this site: ``sent_from`` is its own origin."""
    found = sent_from(request)
    own = own_origin(request)
    return (
        found is not None
        and bool(request.headers.get("host"))
        and hmac.compare_digest(found.encode(), own.encode())
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login(database: Database, settings: Settings, *, actor: str) -> str:
    """A new login of ``actor`` (the secret must have been checked); the cookie's value."""
    token = secrets.token_urlsafe(32)
    with database.transaction() as session:
        sessions.open_session(
            session,
            token_hash=_hash(token),
            csrf=secrets.token_urlsafe(32),
            actor=actor,
            lifetime=timedelta(hours=settings.web.admin_session_hours),
        )
    return token


def login_of(database: Database, token: str | None) -> sessions.Login | None:
    """The valid login a cookie value names, if any."""
    if not token:
        return None
    with database.transaction() as session:
        return sessions.find(session, _hash(token))


def end_login(database: Database, token: str | None) -> None:
    """Revoke the login a cookie value names (the old value opens nothing afterwards)."""
    if token:
        with database.transaction() as session:
            sessions.revoke(session, _hash(token))


def flash(database: Database, token: str, message: str) -> None:
    with database.transaction() as session:
        sessions.flash(session, _hash(token), message)


def take_flash(database: Database, token: str) -> str | None:
    with database.transaction() as session:
        return sessions.take_flash(session, _hash(token))


def _check_api(request: Request) -> str:
    """The admin's identity for the audit log: the limit first, then the header's secret."""
    state = web(request)
    limit: AdminLimit = request.app.state.admin_limit
    client = client_of(request)
    wait = limit.hit(state.database, client)
    if wait is not None:
        raise limit.refused(client, wait)
    if not secret_matches(state.settings, given_secret(request.headers)):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "admin secret missing or wrong (Authorization: Bearer … or X-Admin-Password)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return f"admin@{client}"


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class AdminApiRoute(APIRoute):
    """A route of the JSON admin API: the limit and the header's secret are checked before the
    body is read or any dependency runs."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            request.state.admin = await anyio.to_thread.run_sync(_check_api, request)
            return await handler(request)

        return guarded


def admin(request: Request) -> str:
    """The admin's identity for the audit log, as the route's guard found it."""
    actor: str | None = getattr(request.state, "admin", None)
    if actor is None:  # a route that is not guarded: refuse rather than act
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "admin credentials were not checked")
    return actor
