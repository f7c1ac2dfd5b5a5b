"""A fake OpenAI-compatible chat-completions server: real HTTP on 127.0.0.1, one thread a request.

One server plays several providers; the first path segment names the provider, so
``base_url("together")`` is ``http://127.0.0.1:PORT/together/v1``. It serves
``POST /{provider}/v1/chat/completions`` and ``GET /{provider}/v1/models`` in OpenAI's wire
format, answers 401 without an ``Authorization: Bearer`` header, and predicts deterministically:
the score and probabilities come from sha256 of the model and the prompt.

    with FakeOpenAI(latency_ms=50, limits={"together": Limits(max_concurrent=4)}) as fake:
        fake.behave("glm-4.7", Behaviour.REJECT_JSON_MODE)
        fake.fail_next("deepseek-r1", Behaviour.HTTP_500, times=2)
        client = openai.OpenAI(base_url=fake.base_url("together"), api_key="k")
        ...
        assert fake.stats().violations == {}

A model's ``Behaviour`` comes from ``behave`` (lasting), ``fail_next`` (the next ``times``
requests to it, whatever they are) or ``fault_rate`` (each request, at random). A request with more
than one user message is a *repair*, the follow-up after an unusable answer: it gets a valid answer
unless the lasting behaviour is one of ``TRANSPORT_FAULTS`` (429, 500, timeout, empty choices,
refused JSON mode). So ``natural_language`` answers prose first and JSON to the repair, while
``fail_next(model, Behaviour.NATURAL_LANGUAGE, times=2)`` makes the repair fail too.

Errors come at once, answers after the latency. The fake *observes* each provider's ``Limits``:
past them it answers 429 with ``retry-after`` and counts a violation. ``stats()`` returns every
request, and per provider the highest concurrency seen and the violations.

Standalone, for worker processes: ``python -m footcast.fakes.openai --port 8000 --latency-ms 200``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import random
import signal
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from http.server import BaseHTTPRequestHandler

from footcast.fakes._http import LocalServer

__all__ = ["TRANSPORT_FAULTS", "Behaviour", "FakeOpenAI", "Limits", "Request", "Stats", "main"]


class Behaviour(StrEnum):
    """How the fake answers a model's request."""

    OK = "ok"  # the prediction as plain JSON
    NATURAL_LANGUAGE = "natural_language"  # the prediction in prose, no JSON
    SCHEMA_ECHO = "schema_echo"  # {"type":"object"}
    THINK_TAGS = "think_tags"  # <think>…</think>, a line of prose, then the JSON
    CODE_FENCE = "code_fence"  # the JSON in a ```json fence
    STRINGS_FOR_NUMBERS = "strings_for_numbers"  # every value a string: "2", "0.55"
    PERCENTAGES = "percentages"  # probabilities as 55, 25, 20
    UNNORMALISED = "unnormalised"  # probabilities summing to 1.02
    WAY_OFF = "way_off"  # probabilities summing to 1.5
    EMPTY_CHOICES = "empty_choices"  # HTTP 200 with "choices": []
    HTTP_429 = "http_429"  # HTTP 429 with retry-after
    HTTP_500 = "http_500"  # HTTP 500
    TIMEOUT = "timeout"  # a valid answer after ``hang_seconds``
    REJECT_JSON_MODE = "reject_json_mode"  # HTTP 400 when response_format is sent, else OK
    # HTTP 500 naming response_format when it asks for json_schema, else OK (llama.cpp's server)
    REJECT_JSON_SCHEMA = "reject_json_schema"
    GARBAGE = "garbage"  # HTTP 200 whose body is binary junk, not JSON


# faults of the transport, not of the text: a repair is answered validly unless it meets one
TRANSPORT_FAULTS = frozenset(
    {
        Behaviour.EMPTY_CHOICES,
        Behaviour.HTTP_429,
        Behaviour.HTTP_500,
        Behaviour.TIMEOUT,
        Behaviour.REJECT_JSON_MODE,
        Behaviour.REJECT_JSON_SCHEMA,
    }
)
_CREATED = 1_767_225_600  # 2026-01-01, for every "created": the fake reads no wall clock
_GOALS = (0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4)  # roughly how often each count is predicted


@dataclass(frozen=True, kw_only=True)
class Limits:
    """What a provider allows; ``window_seconds`` is the length of the "minute" (short in tests)."""

    max_concurrent: int | None = None
    requests_per_minute: int | None = None
    window_seconds: float = 60.0


@dataclass(frozen=True, kw_only=True)
class Request:
    """One chat-completions request as the fake received and answered it."""

    provider: str
    model: str
    arrived: float  # time.monotonic()
    finished: float
    json_mode: bool  # response_format was sent
    answer_format: str | None = None  # its type (json_schema, json_object...), "+schema" if given
    messages: tuple[dict[str, str], ...]  # role and content (text parts joined)
    repair: bool  # more than one user message
    behaviour: Behaviour  # what the fake did; OK also for limit 429s
    status: int


@dataclass(frozen=True, kw_only=True)
class Stats:
    """What the fake has seen so far."""

    requests: tuple[Request, ...]
    max_concurrency: dict[str, int]  # per provider, rejected requests included
    violations: dict[str, int]  # per provider: requests past its limits


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class FakeOpenAI:
    """The fake server; a context manager that starts and stops it."""

    def __init__(
        self,
        *,
        port: int = 0,
        latency_ms: float = 0.0,
        model_latency_ms: Mapping[str, float] | None = None,
        behaviours: Mapping[str, Behaviour] | None = None,
        limits: Mapping[str, Limits] | None = None,
        retry_after_seconds: int = 1,
        hang_seconds: float = 60.0,
    ) -> None:
        self.port = port
        self.latency_ms = latency_ms
        self.model_latency_ms = dict(model_latency_ms or {})
        self.limits = dict(limits or {})
        self.retry_after_seconds = retry_after_seconds
        self.hang_seconds = hang_seconds
        self._behaviours = dict(behaviours or {})
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._once: dict[str, deque[Behaviour]] = {}
        self._chaos: tuple[float, tuple[Behaviour, ...], random.Random] | None = None
        self._requests: list[Request] = []
        self._arrivals: dict[str, deque[float]] = {}
        self._in_flight: Counter[str] = Counter()
        self._max_concurrency: Counter[str] = Counter()
        self._violations: Counter[str] = Counter()
        self._server: LocalServer | None = None

    def __enter__(self) -> FakeOpenAI:
        self._server = LocalServer(_handler(self), port=self.port)
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._closing.set()
        self._server.close()

    @property
    def url(self) -> str:
        assert self._server is not None, "use the fake as a context manager"
        return self._server.url

    def base_url(self, provider: str) -> str:
        """The OpenAI ``base_url`` under which this server plays ``provider``."""
        return f"{self.url}/{provider}/v1"

    # -- what a test sets up and reads back ----------------------------------------------------

    def behave(self, model: str, behaviour: Behaviour) -> None:
        """Answer every request to ``model`` with ``behaviour`` from now on."""
        with self._lock:
            self._behaviours[model] = behaviour

    def fail_next(self, model: str, behaviour: Behaviour, *, times: int = 1) -> None:
        """Answer the next ``times`` requests to ``model`` (repairs included) with ``behaviour``."""
        with self._lock:
            self._once.setdefault(model, deque()).extend([behaviour] * times)

    def fault_rate(self, p: float, behaviours: Sequence[Behaviour], *, seed: int = 0) -> None:
        """Answer each request, with probability ``p``, with one of ``behaviours`` at random."""
        with self._lock:
            self._chaos = (p, tuple(behaviours), random.Random(seed))

    def stats(self) -> Stats:
        with self._lock:
            return Stats(
                requests=tuple(self._requests),
                max_concurrency=dict(self._max_concurrency),
                violations=dict(self._violations),
            )

    # -- answering -----------------------------------------------------------------------------

    def handle(self, method: str, path: str, authorization: str | None, raw: bytes) -> _Reply:
        """Answer one HTTP request; without a key, a 401 that is neither recorded nor counted."""
        provider, _, route = path.split("?")[0].strip("/").partition("/")
        if (method, route) not in {("GET", "v1/models"), ("POST", "v1/chat/completions")}:
            return _error(404, f"no route {method} {path}", "invalid_request_error")
        if not _has_key(authorization):
            message = "Incorrect API key provided (no Authorization: Bearer header)."
            return _error(401, message, "invalid_request_error", "invalid_api_key")
        return self._complete(provider, raw) if method == "POST" else self._models(provider)

    def _models(self, provider: str) -> _Reply:
        """Every model configured or asked for so far."""
        with self._lock:
            known = set(self._behaviours) | set(self.model_latency_ms)
            known |= {request.model for request in self._requests}
        data = [
            {"id": model, "object": "model", "created": _CREATED, "owned_by": provider}
            for model in sorted(known)
        ]
        return _json(200, {"object": "list", "data": data})

    def _complete(self, provider: str, raw: bytes) -> _Reply:
        """Answer after the latency; a malformed body is neither recorded nor counted."""
        arrived = time.monotonic()
        try:
            body = json.loads(raw)
            model = str(body["model"])
            messages = tuple(_message(m) for m in body["messages"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return _error(400, "not a chat-completions request", "invalid_request_error")
        repair = sum(m["role"] == "user" for m in messages) > 1
        json_mode = "response_format" in body
        answer_format = _answer_format(body.get("response_format"))
        behaviour = Behaviour.OK
        reply: _Reply | None = None
        try:
            with self._lock:
                reply = self._count_in(provider, arrived)
                if reply is None:
                    behaviour = self._behaviour(model, repair=repair)
            reply = reply or self._answer(
                model, messages, behaviour, json_mode=json_mode, answer_format=answer_format
            )
            return reply
        finally:
            with self._lock:
                self._in_flight[provider] -= 1
                self._requests.append(
                    Request(
                        provider=provider,
                        model=model,
                        arrived=arrived,
                        finished=time.monotonic(),
                        json_mode=json_mode,
                        answer_format=answer_format,
                        messages=messages,
                        repair=repair,
                        behaviour=behaviour,
                        status=0 if reply is None else reply.status,
                    )
                )

    def _count_in(self, provider: str, now: float) -> _Reply | None:
        """Count the request in; past the limits, a violation and a 429. Holds the lock."""
        self._in_flight[provider] += 1
        concurrent = self._in_flight[provider]
        self._max_concurrency[provider] = max(self._max_concurrency[provider], concurrent)
        limits = self.limits.get(provider, Limits())
        arrivals = self._arrivals.setdefault(provider, deque())
        while arrivals and arrivals[0] <= now - limits.window_seconds:
            arrivals.popleft()
        arrivals.append(now)
        if limits.max_concurrent is not None and concurrent > limits.max_concurrent:
            message, wait = "too many concurrent requests", self.retry_after_seconds
        elif limits.requests_per_minute is not None and len(arrivals) > limits.requests_per_minute:
            message = "too many requests per minute"
            wait = math.ceil(arrivals[0] + limits.window_seconds - now)
        else:
            return None
        self._violations[provider] += 1
        return _rate_limited(message, wait)

    def _behaviour(self, model: str, *, repair: bool) -> Behaviour:
        """One-shot, else chaos, else the model's lasting behaviour. Holds the lock."""
        once = self._once.get(model)
        if once:
            return once.popleft()
        if self._chaos is not None:
            p, behaviours, rng = self._chaos
            if rng.random() < p:
                return rng.choice(behaviours)
        lasting = self._behaviours.get(model, Behaviour.OK)
        return lasting if lasting in TRANSPORT_FAULTS or not repair else Behaviour.OK

    def _answer(
        self,
        model: str,
        messages: tuple[dict[str, str], ...],
        behaviour: Behaviour,
        *,
        json_mode: bool,
        answer_format: str | None = None,
    ) -> _Reply:
        if behaviour is Behaviour.HTTP_429:
            return _rate_limited("rate limit reached for requests", self.retry_after_seconds)
        if behaviour is Behaviour.HTTP_500:
            return _error(500, "The server had an error while processing your request.")
        if behaviour is Behaviour.REJECT_JSON_MODE and json_mode:
            message = "response_format json_object is not supported"
            return _error(400, message, "invalid_request_error", "invalid_parameter")
        if behaviour is Behaviour.REJECT_JSON_SCHEMA and answer_format == "json_schema":
            return _error(500, "response_format type json_schema is not supported")
        delay = self.model_latency_ms.get(model, self.latency_ms) / 1000
        if behaviour is Behaviour.TIMEOUT:
            delay = self.hang_seconds
        if self._closing.wait(delay):
            return _error(503, "the server is shutting down")
        # the conversation up to its first user message: a repair is answered like the original
        first_user = next((n for n, m in enumerate(messages) if m["role"] == "user"), -1)
        prompt = "\n".join(f"{m['role']}: {m['content']}" for m in messages[: first_user + 1])
        digest = hashlib.sha256(f"{model}\x00{prompt}".encode()).digest()
        if behaviour is Behaviour.GARBAGE:
            return _Reply(200, b"\x1f\x8b\x08\x00" + digest)
        content = None if behaviour is Behaviour.EMPTY_CHOICES else _content(behaviour, digest)
        prompt_chars = sum(len(m["content"]) for m in messages)
        return _json(200, _completion(model, content, prompt_chars=prompt_chars))


# -- the wire format ---------------------------------------------------------------------------


def _answer_format(raw: object) -> str | None:
    if not isinstance(raw, dict):
        return None
    kind = str(raw.get("type"))
    return f"{kind}+schema" if "schema" in raw else kind


def _message(raw: Mapping[str, object]) -> dict[str, str]:
    content = raw.get("content")
    if isinstance(content, list):  # content parts: keep the text ones
        content = "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return {"role": str(raw["role"]), "content": "" if content is None else str(content)}


def _completion(model: str, content: str | None, *, prompt_chars: int) -> dict[str, object]:
    message = {"role": "assistant", "content": content}
    choices = [{"index": 0, "message": message, "finish_reason": "stop"}]
    prompt, completion = math.ceil(prompt_chars / 4), math.ceil(len(content or "") / 4)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": _CREATED,
        "model": model,
        "choices": [] if content is None else choices,
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


def _json(status: int, body: object, headers: Mapping[str, str] | None = None) -> _Reply:
    return _Reply(status, json.dumps(body).encode(), headers or {})


def _error(
    status: int,
    message: str,
    kind: str = "server_error",
    code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> _Reply:
    error = {"message": message, "type": kind, "param": None, "code": code}
    return _json(status, {"error": error}, headers)


def _rate_limited(message: str, retry_after: int) -> _Reply:
    headers = {"retry-after": str(max(1, retry_after))}
    return _error(429, message, "requests", "rate_limit_exceeded", headers)


def _has_key(authorization: str | None) -> bool:
    scheme, _, key = (authorization or "").partition(" ")
    return scheme.lower() == "bearer" and bool(key.strip())


# -- what the "model" says ---------------------------------------------------------------------


def _content(behaviour: Behaviour, digest: bytes) -> str:
    """The answer text: the prediction ``digest`` implies, written the way ``behaviour`` says."""
    home, away = _GOALS[digest[0] % len(_GOALS)], _GOALS[digest[1] % len(_GOALS)]
    weights = [30 + digest[2] % 30, 20 + digest[3] % 15, 25 + digest[4] % 30]
    weights[0 if home > away else 1 if home == away else 2] += 25  # the score's tendency leads
    p_home, p_draw = (round(100 * w / sum(weights)) for w in weights[:2])
    percents = (p_home, p_draw, 100 - p_home - p_draw)

    def plain(scale: float = 1.0) -> str:
        return _prediction(home, away, [round(p / 100 * scale, 4) for p in percents])

    match behaviour:
        case Behaviour.NATURAL_LANGUAGE:
            return (
                f"Both sides come in with mixed form. I expect a {home}-{away} final score: "
                f"roughly a {p_home}% chance of a home win, {p_draw}% of a draw and "
                f"{percents[2]}% of an away win."
            )
        case Behaviour.SCHEMA_ECHO:
            return '{"type":"object"}'
        case Behaviour.THINK_TAGS:
            reasoning = f"The home side is stronger at home; {home}-{away} feels right."
            return f"<think>\n{reasoning}\n</think>\n\nHere is my prediction:\n{plain()}"
        case Behaviour.CODE_FENCE:
            return f"```json\n{plain()}\n```"
        case Behaviour.STRINGS_FOR_NUMBERS:
            return _prediction(str(home), str(away), [str(p / 100) for p in percents])
        case Behaviour.PERCENTAGES:
            return _prediction(home, away, percents)
        case Behaviour.UNNORMALISED:
            return plain(1.02)
        case Behaviour.WAY_OFF:
            return plain(1.5)
    return plain()


def _prediction(home: object, away: object, probabilities: Sequence[object]) -> str:
    p_home, p_draw, p_away = probabilities
    return json.dumps(
        {
            "home_goals": home,
            "away_goals": away,
            "p_home": p_home,
            "p_draw": p_draw,
            "p_away": p_away,
        }
    )


# -- the HTTP server ---------------------------------------------------------------------------


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes

        def _handle(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._send(fake.handle(self.command, self.path, self.headers.get("Authorization"), raw))

        do_GET = do_POST = _handle

        def _send(self, reply: _Reply) -> None:
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply.body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (its timeout)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: tests read ``stats()``, not a log."""

    return Handler


def main(argv: Sequence[str] | None = None) -> None:
    """Run the fake until SIGINT or SIGTERM, printing its URL first."""
    parser = argparse.ArgumentParser(prog="python -m footcast.fakes.openai")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument(
        "--behaviour",
        action="append",
        default=[],
        type=lambda spec: (spec.rpartition("=")[0], Behaviour(spec.rpartition("=")[2])),
        metavar="MODEL=BEHAVIOUR",
        help=f"a lasting behaviour, one of: {', '.join(Behaviour)}",
    )
    args = parser.parse_args(argv)
    behaviours = dict(args.behaviour)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # raises KeyboardInterrupt
    with FakeOpenAI(port=args.port, latency_ms=args.latency_ms, behaviours=behaviours) as fake:
        print(f"fake OpenAI server listening on {fake.url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
