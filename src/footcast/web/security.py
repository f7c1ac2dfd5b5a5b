"""What every answer of the site gets at the ASGI edge: a bounded request body and the browser's
security headers, on every answer, a 500 included.

- **Bodies** are limited to ``max_body`` bytes as they stream in, not only by their
  ``Content-Length``: a longer one is answered 413 (the app stops reading; the server then
  closes the connection instead of reading the rest). A declared length over the limit is
  refused before anything is read.
- **Headers**: a Content-Security-Policy (no inline scripts; inline styles and SVG as the pages
  draw them), ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``, ``nosniff``, a
  same-origin referrer, HSTS when the request came over HTTPS, and ``Cache-Control: no-store``
  on everything admin.
- **Errors** no handler took are answered inside the guard (``Unhandled``): Starlette answers
  them in its ``ServerErrorMiddleware``, outside every middleware, so its 500 had no headers.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CSP", "DOCS_CSP", "BodyTooLarge", "Guard", "Unhandled"]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Swagger UI and ReDoc start from an inline script and may load their assets from a CDN
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
DOCS = ("/docs", "/redoc")
HSTS = "max-age=31536000"
PRIVATE = ("/admin", "/api/admin")


class BodyTooLarge(Exception):
    """The request's body streamed past the limit."""


def _headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    path: str = scope["path"]
    docs = path in DOCS or path.startswith("/docs/")
    found = [
        (b"content-security-policy", (DOCS_CSP if docs else CSP).encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]
    if scope.get("scheme") == "https":
        found.append((b"strict-transport-security", HSTS.encode()))
    if path.startswith(PRIVATE):
        found.append((b"cache-control", b"no-store"))
    return found


def _too_large(limit: int) -> tuple[Message, Message]:
    body = json.dumps(
        {
            "error": {
                "code": "body_too_large",
                "message": f"request bodies are limited to {limit} bytes",
            }
        }
    ).encode()
    start = {
        "type": "http.response.start",
        "status": 413,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class Guard:
    """The body limit and the security headers, around the whole app."""

    def __init__(self, app: ASGIApp, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _headers(scope)
        refusal = _too_large(self.max_body)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._send(send, extra, refusal)
            return
        seen = 0
        over = False
        started = False

        async def bounded() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    over = True
                    raise BodyTooLarge(f"the body passed {self.max_body} bytes")
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if over:  # whatever the app made of the error, the answer is 413
                if not started:
                    started = True
                    await self._send(send, extra, refusal)
                return
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, bounded, guarded)
        except BodyTooLarge:
            if not started:
                await self._send(send, extra, refusal)

    @staticmethod
    async def _send(
        send: Send, extra: list[tuple[bytes, bytes]], refusal: tuple[Message, ...]
    ) -> None:
        start, body = refusal
        await send({**start, "headers": [*start["headers"], *extra]})
        await send(body)


class Unhandled:
    """An exception no handler took, answered by ``answer`` (the app's 500) from inside the
    guard, so the answer carries its headers; and counted by the metrics as a 500. Placed
    innermost of the app's middleware. An exception after the answer started (nothing to
    replace it with) and the body limit's go on up."""

    def __init__(
        self, app: ASGIApp, *, answer: Callable[[Request, Exception], Awaitable[Response]]
    ) -> None:
        self.app = app
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except BodyTooLarge:
            raise
        except Exception as exc:
            if started:
                raise
            response = await self.answer(Request(scope, receive), exc)
            await response(scope, receive, send)
