"""An LLM behind any OpenAI-compatible endpoint, asked one match at a time.

One prediction is: the snapshot as a prompt (``prompt.build``), a chat completion asking for a
JSON object (``response_format`` json_object when the provider takes it; a provider that refuses
it is asked again without, and from then on), the tolerant reader (``llm_output.parse``), and
one repair round when the answer is not a prediction. Each request goes through the provider's
``Gate`` (concurrency, requests per minute, retry-after and the circuit, shared by every worker).

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
from footcast.forecasters import llm_output, prompt
from footcast.forecasters.roster import Model, Provider

__all__ = ["Completion", "Gate", "LLMForecaster"]

REPAIR_SEPARATOR = "\n\n--- repair ---\n\n"


class Gate(Protocol):
    """The shared limits of a provider (``db.gates.Gate``)."""

    def request(self) -> AbstractContextManager[None]: ...

    def succeeded(self) -> None: ...

    def failed(self, error: str, *, retry_after: float | None = None) -> None: ...


@dataclass(frozen=True, kw_only=True)
class Completion:
    text: str
    prompt_tokens: int | None
    completion_tokens: int | None
    latency_ms: int


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, errors.ProviderUnavailable) and not isinstance(exc, errors.CircuitOpen)


class LLMForecaster:
    """One roster model."""

    needs: frozenset[Need] = frozenset()

    def __init__(
        self,
        model: Model,
        provider: Provider,
        client: openai.OpenAI,
        gate: Gate,
        *,
        attempts: int = 3,
        backoff_seconds: float = 0.5,
    ) -> None:
        self.name = model.id
        self.model = model
        self.provider = provider
        self._client = client
        self._gate = gate
        self._json_mode = provider.json_mode
        self._retrying = Retrying(
            stop=stop_after_attempt(attempts),
            wait=wait_exponential_jitter(
                multiplier=backoff_seconds, max=10 * backoff_seconds, jitter=backoff_seconds
            ),
            retry=retry_if_exception(_transient),
            reraise=True,
        )

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
        with self._gate.request():
            started = time.perf_counter()
            response = self._create(messages)
            latency = round(1000 * (time.perf_counter() - started))
        self._gate.succeeded()
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
        for json_mode in dict.fromkeys((self._json_mode, False)):
            extra: dict[str, Any] = (
                {"response_format": {"type": "json_object"}} if json_mode else {}
            )
            try:
                return self._client.chat.completions.create(
                    model=self.model.model,
                    messages=messages,
                    temperature=0,
                    timeout=self.provider.timeout_seconds,
                    **extra,
                )
            except openai.BadRequestError as exc:
                if json_mode and "response_format" in str(exc.message).lower():
                    self._json_mode = False  # this provider refuses structured output: ask plainly
                    continue
                raise errors.ProviderRejected(
                    f"{where}: request refused ({exc.status_code}): {exc.message}",
                    forecaster=self.name,
                ) from exc
            except openai.RateLimitError as exc:
                retry_after = _retry_after(exc.response.headers.get("retry-after"))
                self._gate.failed(f"429: {exc.message}", retry_after=retry_after)
                raise errors.ProviderUnavailable(
                    f"{where}: rate limited (429), retry after {retry_after or '?'} s",
                    forecaster=self.name,
                    provider_wide=True,
                ) from exc
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
            except openai.APIStatusError as exc:
                if exc.status_code >= 500:
                    self._gate.failed(f"{exc.status_code}: {exc.message}")
                    raise errors.ProviderUnavailable(
                        f"{where}: server error {exc.status_code}: {exc.message}",
                        forecaster=self.name,
                    ) from exc
                raise errors.ProviderRejected(
                    f"{where}: refused ({exc.status_code}): {exc.message}", forecaster=self.name
                ) from exc
        raise AssertionError("unreachable: the plain request either answers or raises")

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
