"""An LLM behind any OpenAI-compatible endpoint, asked one match at a time.

One prediction is: the snapshot as a prompt (``prompt.build``), a chat completion asking for a
JSON object in the provider's ``AnswerFormat`` (``json_schema`` with footcast's prediction
schema, ``json_object`` with the schema, ``json_object``, or the prompt alone; a provider that
refuses one, naming the parameter in a 400 or 5xx, is asked the next way, from then on:
``Formats``), the tolerant reader (``llm_output.parse``), and one repair round when the answer is
not a prediction. Each request goes through the provider's ``Gate`` (concurrency, requests per
minute, retry-after and the circuit, shared by every worker).

Failures come out classified:

- ``ProviderUnavailable`` (retryable): 429, 5xx, timeouts, lost connections, empty choices, after
  ``attempts`` tries here; the job retries later. ``context["provider_wide"]`` marks failures
  that say nothing about this model (429), so its health does not count them.
- ``ProviderRejected`` (permanent): the key, the model name or the request was refused.
- ``InvalidOutput`` (permanent): no prediction in the answer, even after the repair round.

The raw prompt and answers, tokens, latency and cost travel with the forecast (``Trace``), or in
the error's context when it fails.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

import openai
from openai.types.chat import ChatCompletionMessageParam
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from footcast import errors
from footcast.domain.analysis import Need, Snapshot
from footcast.domain.forecast import Forecast, Trace
from footcast.domain.names import AnswerFormat
from footcast.forecasters import llm_output, prompt
from footcast.forecasters.roster import Model, Provider

__all__ = [
    "OUTCOMES",
    "Completion",
    "Formats",
    "Gate",
    "LLMForecaster",
    "answer_outcome",
    "refuses_format",
    "response_format",
]

REPAIR_SEPARATOR = "\n\n--- repair ---\n\n"
_log = logging.getLogger(__name__)


class Gate(Protocol):
    """The shared limits of a provider (``db.gates.Gate``)."""

    def request(self) -> AbstractContextManager[None]:
        """One request's slot; leaving it without an exception is the provider's success."""
        ...

    def failed(self, error: str, *, retry_after: float | None = None) -> None: ...


@dataclass(frozen=True, kw_only=True)
class Completion:
    text: str
    prompt_tokens: int | None
    completion_tokens: int | None
    latency_ms: int


# words by which a refusal names the parameter that asks for the answer's shape
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "schema", "structured output")
_REFUSAL_STATUSES = frozenset({400, 422})


def response_format(answer_format: AnswerFormat) -> dict[str, object] | None:
    """The ``response_format`` that asks for ``answer_format`` (None: none is sent)."""
    match answer_format:
        case AnswerFormat.JSON_SCHEMA:
            schema = {"name": "prediction", "strict": True, "schema": llm_output.PREDICTION_SCHEMA}
            return {"type": "json_schema", "json_schema": schema}
        case AnswerFormat.JSON_OBJECT_SCHEMA:
            return {"type": "json_object", "schema": llm_output.PREDICTION_SCHEMA}
        case AnswerFormat.JSON_OBJECT:
            return {"type": "json_object"}
    return None


def refuses_format(exc: openai.APIStatusError) -> bool:
    """Whether ``exc`` refuses the request's answer format, naming it: a 400 or 422, or a 5xx
    (llama.cpp's server answers json_schema with a 500) that names the parameter. Such a
    refusal is answered by asking the next way, never retried as it was."""
    if exc.status_code not in _REFUSAL_STATUSES and exc.status_code < 500:
        return False
    said = f"{exc.message} {exc.body}".lower()
    return any(word in said for word in _FORMAT_WORDS)


class Formats:
    """How each provider is asked for its answer's shape: its roster ``first_format``, then the
    next weaker one after each refusal. Shared by the forecasters of one process, so a refusal
    is met once per provider."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: dict[str, AnswerFormat] = {}

    def current(self, provider: Provider) -> AnswerFormat:
        with self._lock:
            return self._current.get(provider.name, provider.first_format)

    def refused(self, provider: Provider, answer_format: AnswerFormat) -> AnswerFormat:
        """Step down from ``answer_format`` (unless another request did already); the new one."""
        order = list(AnswerFormat)
        weaker = order[min(order.index(answer_format) + 1, len(order) - 1)]
        with self._lock:
            now = self._current.get(provider.name, provider.first_format)
            if order.index(now) < order.index(weaker):
                self._current[provider.name] = now = weaker
            _log.warning(
                "provider %s refused answer format %s; asking with %s from now on",
                provider.name, answer_format, now,
            )  # fmt: skip
            return now


# what became of a model's answer: read as it was, read with the reader's tolerances, read after
# the repair round, or no prediction at all (a terminal invalid_output)
OUTCOMES = ("valid", "tolerated", "repaired", "invalid")


def answer_outcome(response: str) -> str:
    """Which of ``OUTCOMES`` a stored prediction's raw answer (repairs joined) came to."""
    if REPAIR_SEPARATOR in response:
        return "repaired"
    try:
        answer = llm_output.parse(response)
    except errors.InvalidForecast:
        return "invalid"
    return "tolerated" if answer.repairs else "valid"


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, errors.ProviderUnavailable) and not isinstance(exc, errors.CircuitOpen)


class LLMForecaster:
    """One roster model."""

    needs: frozenset[Need] = frozenset()
    remote: bool = True

    def __init__(
        self,
        model: Model,
        provider: Provider,
        client: openai.OpenAI,
        gate: Gate,
        *,
        attempts: int = 3,
        backoff_seconds: float = 0.5,
        formats: Formats | None = None,
    ) -> None:
        self.name = model.id
        self.model = model
        self.provider = provider
        self._client = client
        self._gate = gate
        self._formats = formats if formats is not None else Formats()
        self._retrying = Retrying(
            stop=stop_after_attempt(attempts),
            wait=wait_exponential_jitter(
                multiplier=backoff_seconds, max=10 * backoff_seconds, jitter=backoff_seconds
            ),
            retry=retry_if_exception(_transient),
            reraise=True,
        )

    @property
    def answer_format(self) -> AnswerFormat:
        """How the next request asks for the answer's shape (after any refusal so far)."""
        return self._formats.current(self.provider)

    def predict(self, snapshot: Snapshot) -> Forecast:
        question = prompt.build(snapshot)
        try:
            return self._predict(question)
        except errors.ForecasterError as failed:
            failed.context.setdefault("prompt", question)  # the ledger keeps what was asked
            raise

    def _predict(self, question: str) -> Forecast:
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": llm_output.SYSTEM_PROMPT},
            {"role": "user", "content": question},
        ]
        answers = [self.complete(messages)]
        try:
            answer = llm_output.parse(answers[0].text)
        except errors.InvalidForecast as first:
            reason = str(first.context.get("reason", first.message))
            messages += [
                {"role": "assistant", "content": answers[0].text},
                {"role": "user", "content": llm_output.repair_prompt(reason)},
            ]
            answers.append(self.complete(messages))
            try:
                answer = llm_output.parse(answers[1].text)
            except errors.InvalidForecast as second:
                trace = self._trace(question, answers)
                raise errors.InvalidOutput(
                    f"model {self.name!r} gave no prediction, even after one repair:"
                    f" {second.message}",
                    forecaster=self.name,
                    prompt=question,
                    response=trace.response,
                    cost_usd=trace.cost_usd,
                    latency_ms=trace.latency_ms,
                ) from second
        return Forecast(
            home_goals=answer.home_goals,
            away_goals=answer.away_goals,
            probabilities=answer.probabilities,
            trace=self._trace(question, answers),
        )

    def complete(self, messages: list[ChatCompletionMessageParam]) -> Completion:
        """One answer to ``messages``, retried here on transient failures."""
        for attempt in self._retrying:
            with attempt:
                return self._once(messages)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def _once(self, messages: list[ChatCompletionMessageParam]) -> Completion:
        with self._gate.request():  # an answer (whatever it says) is the provider's success
            started = time.perf_counter()
            response = self._create(messages)
            latency = round(1000 * (time.perf_counter() - started))
        if isinstance(response, str):  # a body the SDK could not read as a completion
            raise errors.ProviderUnavailable(
                f"model {self.name!r}: the answer was not a chat completion: {response[:200]!r}",
                forecaster=self.name,
                response=response[:2000],
            )
        if not response.choices:
            raise errors.ProviderUnavailable(
                f"model {self.name!r}: the answer had no choices", forecaster=self.name
            )
        usage = response.usage
        return Completion(
            text=response.choices[0].message.content or "",
            prompt_tokens=usage.prompt_tokens if usage else None,
            completion_tokens=usage.completion_tokens if usage else None,
            latency_ms=latency,
        )

    def _create(self, messages: list[ChatCompletionMessageParam]) -> Any:
        where = f"model {self.name!r} at {self.provider.name}"
        while True:
            answer_format = self._formats.current(self.provider)
            shape = response_format(answer_format)
            extra: dict[str, Any] = {} if shape is None else {"response_format": shape}
            if self.provider.max_tokens is not None:
                extra["max_tokens"] = self.provider.max_tokens
            try:
                return self._client.chat.completions.create(
                    model=self.model.model,
                    messages=messages,
                    temperature=0,
                    timeout=self.provider.timeout_seconds,
                    **extra,
                )
            except openai.APIStatusError as exc:
                if answer_format is not AnswerFormat.TEXT and refuses_format(exc):
                    # this provider refuses the way we asked for the answer's shape: ask the
                    # next way, from now on (a refusal is no failure of the provider's)
                    self._formats.refused(self.provider, answer_format)
                    continue
                raise self._status_error(exc, where) from exc
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                what = (
                    f"timed out ({self.provider.timeout_seconds:g} s)"
                    if isinstance(exc, openai.APITimeoutError)
                    else f"unreachable ({exc})"
                )
                self._gate.failed(what)
                raise errors.ProviderUnavailable(f"{where}: {what}", forecaster=self.name) from exc
            except ValueError as exc:  # the SDK reads a body that is not JSON as this
                self._gate.failed(f"unreadable answer: {exc}")
                raise errors.ProviderUnavailable(
                    f"{where}: the answer was not readable JSON ({type(exc).__name__}: {exc})",
                    forecaster=self.name,
                ) from exc

    def _status_error(self, exc: openai.APIStatusError, where: str) -> errors.ForecasterError:
        if isinstance(exc, openai.RateLimitError):
            retry_after = _retry_after(exc.response.headers.get("retry-after"))
            self._gate.failed(f"429: {exc.message}", retry_after=retry_after)
            return errors.ProviderUnavailable(
                f"{where}: rate limited (429), retry after {retry_after or '?'} s",
                forecaster=self.name,
                provider_wide=True,
            )
        if exc.status_code >= 500:
            self._gate.failed(f"{exc.status_code}: {exc.message}")
            return errors.ProviderUnavailable(
                f"{where}: server error {exc.status_code}: {exc.message}", forecaster=self.name
            )
        if isinstance(exc, openai.BadRequestError):
            return errors.ProviderRejected(
                f"{where}: request refused ({exc.status_code}): {exc.message}",
                forecaster=self.name,
            )
        return errors.ProviderRejected(
            f"{where}: refused ({exc.status_code}): {exc.message}", forecaster=self.name
        )

    def _trace(self, question: str, answers: list[Completion]) -> Trace:
        prompt_tokens = _total(a.prompt_tokens for a in answers)
        completion_tokens = _total(a.completion_tokens for a in answers)
        return Trace(
            prompt=question,
            response=REPAIR_SEPARATOR.join(a.text for a in answers),
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            latency_ms=sum(a.latency_ms for a in answers),
            cost_usd=None
            if prompt_tokens is None or completion_tokens is None
            else self.model.cost(prompt_tokens, completion_tokens).quantize(Decimal("0.000001")),
        )


def _total(values: Iterable[int | None]) -> int | None:
    """The sum, unknown when any part is unknown."""
    total = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _retry_after(header: str | None) -> float | None:
    try:
        return max(0.0, float(header)) if header else None
    except ValueError:
        return None
