"""Reading API-Football's answers: the envelope of a success, or the footcast error an answer means.

Success is an envelope whose ``errors`` is empty, whatever the HTTP status; the provider reports
most refusals (rate limit, quota, key, parameters) inside HTTP 200. Only 429, 499, 5xx and 204
are judged by their status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import pydantic_core
from pydantic import TypeAdapter, ValidationError

from footcast import errors
from footcast.sources.api_football import payloads

__all__ = ["Usage", "items", "read", "refusal"]

T = TypeVar("T")

_SHOWN = 200  # characters of a bad body quoted in an error message


@dataclass(frozen=True, kw_only=True)
class Usage:
    """The rate-limit headers of one answer (absent headers are None)."""

    window_limit: int | None = None  # X-RateLimit-Limit: requests per minute
    window_remaining: int | None = None  # X-RateLimit-Remaining
    day_remaining: int | None = None  # x-ratelimit-requests-remaining: requests left today

    @classmethod
    def of(cls, headers: Mapping[str, str]) -> Usage:
        """Read from a case-insensitive header mapping (``httpx.Headers``)."""
        return cls(
            window_limit=_int(headers.get("x-ratelimit-limit")),
            window_remaining=_int(headers.get("x-ratelimit-remaining")),
            day_remaining=_int(headers.get("x-ratelimit-requests-remaining")),
        )


def read(status: int, body: bytes, *, endpoint: str) -> payloads.Envelope:
    """The envelope of a successful answer.

    Raises:
        RateLimited: HTTP 429 or ``errors.rateLimit``.
        QuotaExhausted: ``errors.requests``: the provider's daily quota is used up.
        SourceAuthError: ``errors.token``: the key is missing or wrong.
        SourceRejected: any other ``errors`` field (a parameter, the plan).
        SourceUnavailable: HTTP 5xx, 499 or 204.
        MalformedResponse: the body is not JSON, is cut short, or is not an envelope.
    """
    if status == 429:
        raise errors.RateLimited(
            f"{endpoint}: HTTP 429 {_gist(body)}", endpoint=endpoint, status=status
        )
    if status >= 500 or status in (499, 204):
        raise errors.SourceUnavailable(
            f"{endpoint}: HTTP {status} {_gist(body)}".rstrip(), endpoint=endpoint, status=status
        )
    envelope = _envelope(body, status=status, endpoint=endpoint)
    if envelope.errors:
        raise refusal(envelope.errors, endpoint=endpoint)
    return envelope


def refusal(by_field: Mapping[str, str], *, endpoint: str) -> errors.SourceError:
    """The error an envelope's non-empty ``errors`` object means."""
    for field, kind in (
        ("rateLimit", errors.RateLimited),
        ("requests", errors.QuotaExhausted),
        ("token", errors.SourceAuthError),
    ):
        if field in by_field:
            return kind(f"{endpoint}: {by_field[field]}", endpoint=endpoint, field=field)
    listed = "; ".join(f"{field}: {message}" for field, message in by_field.items())
    return errors.SourceRejected(
        f"{endpoint}: the provider refused the request: {listed}",
        endpoint=endpoint,
        fields=sorted(by_field),
    )


def items(envelope: payloads.Envelope, adapter: TypeAdapter[T], *, endpoint: str) -> T:
    """The envelope's ``response`` as the endpoint's item type.

    Raises:
        MalformedResponse: an item lacks a field footcast reads, or has one of the wrong type;
            the message and ``context["field"]`` give its path (``response[0].startXI``).
    """
    try:
        return adapter.validate_python(envelope.response)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = _path(("response", *error["loc"]))
        raise errors.MalformedResponse(
            f"{endpoint}: unexpected item shape: {field}: {error['msg']}",
            endpoint=endpoint,
            field=field,
        ) from exc


def _envelope(body: bytes, *, status: int, endpoint: str) -> payloads.Envelope:
    try:
        data = pydantic_core.from_json(body)
    except ValueError as exc:
        raise errors.MalformedResponse(
            f"{endpoint}: the answer (HTTP {status}) is {_what(body)}: {_shown(body)}",
            endpoint=endpoint,
            status=status,
        ) from exc
    try:
        return payloads.Envelope.model_validate(data)
    except ValidationError as exc:
        raise errors.MalformedResponse(
            f"{endpoint}: the answer (HTTP {status}) is JSON but not an API-Football envelope"
            f" ({_first(exc)}): {_shown(body)}",
            endpoint=endpoint,
            status=status,
        ) from exc


def _what(body: bytes) -> str:
    """Why a body that failed to parse is not JSON: cut short, or something else entirely."""
    if not body.strip():
        return "empty"
    if body.lstrip()[:1] not in (b"{", b"["):
        return "not JSON"
    try:
        pydantic_core.from_json(body, allow_partial="trailing-strings")
    except ValueError:
        return "invalid JSON"
    return "truncated JSON"


def _gist(body: bytes) -> str:
    """The ``message`` of the provider's non-envelope error body, else the body's start."""
    try:
        data = pydantic_core.from_json(body)
    except ValueError:
        return _shown(body) if body.strip() else ""
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    if isinstance(data, dict) and isinstance(data.get("errors"), dict) and data["errors"]:
        return "; ".join(f"{k}: {v}" for k, v in data["errors"].items())
    return _shown(body)


def _shown(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace")
    return repr(text[:_SHOWN] + ("…" if len(text) > _SHOWN else ""))


def _first(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{_path(error['loc']) or '(top)'}: {error['msg']}"


def _path(loc: tuple[int | str, ...]) -> str:
    """A field's path as the provider's JSON spells it: ``response[0].lineups[1].startXI``."""
    return "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" if i else part
        for i, part in enumerate(loc)
    )


def _int(value: str | None) -> int | None:
    try:
        return None if value is None else int(value)
    except ValueError:
        return None
