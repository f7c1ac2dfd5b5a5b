"""The admin secret: a bearer token or ``X-Admin-Password``, compared in constant time, and a
per-client rate limit (the ``limits`` library's moving window, in this process's memory).

Every admin route depends on ``admin``; a test enumerates the routes so none can forget it.
"""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request, status
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from footcast.web.deps import web

__all__ = ["COOKIE", "RateLimit", "admin", "login_cookie", "secret_matches"]

COOKIE = "footcast_admin"  # the pages' login: a signed, expiring token (never the secret)
COOKIE_SECONDS = 8 * 3600


class RateLimit:
    """Requests per client (by address) for the admin surface."""

    def __init__(self, spec: str) -> None:
        self.item = parse(spec)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, client: str) -> bool:
        return self._limiter.hit(self.item, "admin", client)


def secret_matches(request: Request, given: str | None) -> bool:
    expected = web(request).settings.web.admin_token
    if expected is None or not given:
        return False
    return hmac.compare_digest(given.encode(), expected.get_secret_value().encode())


def _signer(request: Request) -> URLSafeTimedSerializer | None:
    secret = web(request).settings.web.admin_token
    if secret is None:
        return None
    return URLSafeTimedSerializer(secret.get_secret_value(), salt="footcast-admin-login")


def login_cookie(request: Request) -> str:
    """The cookie value a successful login sets (the secret must have been checked)."""
    signer = _signer(request)
    assert signer is not None, "login without an admin secret configured"
    return signer.dumps("admin")


def _cookie_valid(request: Request) -> bool:
    signer, value = _signer(request), request.cookies.get(COOKIE)
    if signer is None or not value:
        return False
    try:
        signer.loads(value, max_age=COOKIE_SECONDS)
    except BadSignature:
        return False
    return True


def _given(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return token.strip()
    return request.headers.get("x-admin-password")


def admin(request: Request) -> str:
    """The admin's identity for the audit log; refuses a missing or wrong secret (401) and a
    client past its rate limit (429)."""
    limit: RateLimit = request.app.state.admin_limit
    client = request.client.host if request.client else "unknown"
    if not limit.hit(client):
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many admin requests from {client}: the limit is {limit.item}",
            headers={"Retry-After": str(limit.item.get_expiry())},
        )
    if not (secret_matches(request, _given(request)) or _cookie_valid(request)):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "admin secret missing or wrong (Authorization: Bearer … or X-Admin-Password)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return f"admin@{client}"
