"""Tests of footcast.sources.api_football.wire: every kind of answer is read or classified."""

from __future__ import annotations

import json

import pytest

from footcast import errors
from footcast.sources.api_football import wire
from footcast.sources.api_football.client import retryable


def _envelope(errors_: object = (), response: object = ()) -> bytes:
    return json.dumps(
        {
            "get": "fixtures",
            "parameters": {"league": "39"},
            "errors": list(errors_) if isinstance(errors_, tuple) else errors_,
            "results": 0,
            "paging": {"current": 1, "total": 1},
            "response": list(response) if isinstance(response, tuple) else response,
        }
    ).encode()


RATE = "Too many requests. You have exceeded the limit of requests per minute of your subscription."
PAGE = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>" + b"x" * 500


@pytest.mark.parametrize(
    ("status", "body", "kind", "message"),
    [
        (200, _envelope({"rateLimit": RATE}), errors.RateLimited, "Too many requests"),
        (429, _envelope({"rateLimit": RATE}), errors.RateLimited, "HTTP 429 rateLimit: Too many"),
        (429, b"", errors.RateLimited, "HTTP 429"),
        (200, _envelope({"requests": "limit for the day"}), errors.QuotaExhausted, "for the day"),
        (
            200,
            _envelope({"token": "Error/Missing application key."}),
            errors.SourceAuthError,
            "key",
        ),
        (200, _envelope({"plan": "Free plans do not have access"}), errors.SourceRejected, "plan:"),
        (200, _envelope({"id": "The Id field cannot be used"}), errors.SourceRejected, "id: The"),
        (200, _envelope(["something odd"]), errors.SourceRejected, "0: something odd"),
        (500, b'{"message":"Something went wrong"}', errors.SourceUnavailable, "500 Something"),
        (499, b'{"message":"Time out"}', errors.SourceUnavailable, "HTTP 499 Time out"),
        (502, PAGE, errors.SourceUnavailable, "HTTP 502 '<!DOCTYPE"),
        (204, b"", errors.SourceUnavailable, "HTTP 204"),
        (200, PAGE, errors.MalformedResponse, "is not JSON: '<!DOCTYPE html>"),
        (200, _envelope()[:40], errors.MalformedResponse, "is truncated JSON"),
        (200, b'{"get": "fixtures", }', errors.MalformedResponse, "is invalid JSON"),
        (200, b"", errors.MalformedResponse, "is empty"),
        (200, b'{"message":"hello"}', errors.MalformedResponse, "not an API-Football envelope"),
        (200, b"[1, 2]", errors.MalformedResponse, "not an API-Football envelope"),
    ],
)
def test_read_classifies_each_failure(
    status: int, body: bytes, kind: type[errors.SourceError], message: str
) -> None:
    with pytest.raises(kind) as caught:
        wire.read(status, body, endpoint="fixtures")
    assert type(caught.value) is kind
    assert message in caught.value.message
    assert caught.value.message.startswith("fixtures: ")


def test_read_judges_success_by_errors_not_by_http_status() -> None:
    assert wire.read(403, _envelope(), endpoint="fixtures").errors == {}
    assert wire.read(200, _envelope({}), endpoint="fixtures").results == 0


def test_read_quotes_only_the_start_of_a_bad_body() -> None:
    with pytest.raises(errors.MalformedResponse) as caught:
        wire.read(200, PAGE, endpoint="fixtures")
    assert "x" * 120 in caught.value.message
    assert "x" * 400 not in caught.value.message
    assert caught.value.message.endswith("…'")


def test_read_names_the_refused_fields_in_the_context() -> None:
    with pytest.raises(errors.SourceRejected) as caught:
        wire.read(200, _envelope({"league": "a", "search": "b"}), endpoint="teams")
    assert caught.value.context == {"endpoint": "teams", "fields": ["league", "search"]}


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (errors.RateLimited(), True),
        (errors.SourceUnavailable(), True),
        (errors.MalformedResponse(), True),
        (errors.QuotaExhausted(), False),
        (errors.SourceAuthError(), False),
        (errors.SourceRejected(), False),
        (ValueError("not ours"), False),
    ],
)
def test_retryable_retries_only_passing_failures(error: BaseException, expected: bool) -> None:
    assert retryable(error) is expected


def test_usage_reads_the_rate_limit_headers() -> None:
    headers = {
        "x-ratelimit-limit": "300",
        "x-ratelimit-remaining": "299",
        "x-ratelimit-requests-limit": "7500",
        "x-ratelimit-requests-remaining": "7173",
    }
    assert wire.Usage.of(headers) == wire.Usage(
        window_limit=300, window_remaining=299, day_remaining=7173
    )
    assert wire.Usage.of({"x-ratelimit-limit": "n/a"}) == wire.Usage()
