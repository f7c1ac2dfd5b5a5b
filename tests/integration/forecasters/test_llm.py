"""The LLM forecaster through the real OpenAI SDK, a fake provider and PostgreSQL gates."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openai
import pytest

from footcast import errors
from footcast.db import Database
from footcast.db.coordination import gates, slots
from footcast.domain.analysis import Odds, Snapshot
from footcast.domain.names import AnswerFormat
from footcast.fakes.openai import Behaviour, FakeOpenAI, Limits
from footcast.forecasters.llm import REPAIR_SEPARATOR, Formats, LLMForecaster
from footcast.forecasters.roster import Model, Provider

KICKOFF = datetime(2025, 9, 13, 14, 0, tzinfo=UTC)
SNAPSHOT = Snapshot(
    match_id=7, competition="E0", season="2025-26", home="Ash", away="Birch",
    kickoff=KICKOFF, as_of=KICKOFF - timedelta(minutes=30),
    odds=Odds(home=2.1, draw=3.4, away=3.6, bookmaker="avg"),
)  # fmt: skip


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(retry_after_seconds=1, hang_seconds=3) as server:
        yield server


class Models:
    """Builds forecasters on the fake, each with its own gate on the test database."""

    def __init__(self, database: Database, fake: FakeOpenAI) -> None:
        self.database = database
        self.fake = fake
        self.holder = slots.SlotHolder(database)

    def make(
        self,
        model: str,
        *,
        provider: str = "together",
        max_concurrent: int = 4,
        timeout: float = 10.0,
        threshold: int = 5,
        json_mode: bool = True,
        answer_format: AnswerFormat | None = None,
        formats: Formats | None = None,
    ) -> LLMForecaster:
        spec = Provider(
            name=provider, base_url=self.fake.base_url(provider), max_concurrent=max_concurrent,
            requests_per_minute=10_000, timeout_seconds=timeout, json_mode=json_mode,
            answer_format=answer_format,
        )  # fmt: skip
        gate = gates.Gate(
            self.database,
            holder=self.holder,
            settings=gates.GateSettings(
                provider=provider, max_concurrent=max_concurrent, per_minute=10_000,
                threshold=threshold, cooldown=timedelta(seconds=30),
            ),
        )  # fmt: skip
        client = openai.OpenAI(base_url=spec.base_url, api_key="test-key", max_retries=0)
        entry = Model(id=model, provider=provider, model=model,
                      price_in=Decimal("0.60"), price_out=Decimal("1.25"))  # fmt: skip
        return LLMForecaster(entry, spec, client, gate, backoff_seconds=0.01, formats=formats)


@pytest.fixture
def models(database: Database, fake: FakeOpenAI) -> Iterator[Models]:
    built = Models(database, fake)
    yield built
    built.holder.close()


def test_an_answer_becomes_a_forecast_with_prompt_tokens_latency_and_cost(
    models: Models, fake: FakeOpenAI
) -> None:
    forecast = models.make("m-ok").predict(SNAPSHOT)
    trace = forecast.trace
    assert trace is not None
    assert "Ash (home) v Birch (away)" in trace.prompt
    assert "home 2.10, draw 3.40, away 3.60" in trace.prompt
    assert str(forecast.home_goals) in trace.response
    assert trace.prompt_tokens
    assert trace.completion_tokens
    expected = (
        Decimal("0.60") * trace.prompt_tokens + Decimal("1.25") * trace.completion_tokens
    ) / 10**6
    assert trace.cost_usd == expected.quantize(Decimal("0.000001"))
    (request,) = fake.stats().requests
    assert request.json_mode
    again = models.make("m-ok").predict(SNAPSHOT)  # deterministic per model and prompt
    assert again.trace is not None
    assert (again.score, again.probabilities, again.trace.response) == (
        forecast.score, forecast.probabilities, trace.response,
    )  # fmt: skip


def test_a_bad_answer_gets_one_repair_round(models: Models, fake: FakeOpenAI) -> None:
    fake.behave("m-prose", Behaviour.NATURAL_LANGUAGE)
    forecast = models.make("m-prose").predict(SNAPSHOT)
    assert forecast.trace is not None
    assert REPAIR_SEPARATOR in forecast.trace.response
    assert [r.repair for r in fake.stats().requests] == [False, True]


def test_no_prediction_after_the_repair_is_invalid_output_with_the_raw_text(
    models: Models, fake: FakeOpenAI
) -> None:
    fake.fail_next("m-echo", Behaviour.SCHEMA_ECHO, times=2)
    with pytest.raises(errors.InvalidOutput, match="even after one repair") as failed:
        models.make("m-echo").predict(SNAPSHOT)
    assert str(failed.value.context["response"]).count('{"type":"object"}') == 2
    assert "Ash (home)" in str(failed.value.context["prompt"])
    assert not failed.value.retryable


@pytest.mark.parametrize(
    ("answer_format", "sent"),
    [
        pytest.param(AnswerFormat.JSON_SCHEMA, "json_schema", id="json-schema"),
        pytest.param(AnswerFormat.JSON_OBJECT_SCHEMA, "json_object+schema", id="object-schema"),
        pytest.param(AnswerFormat.JSON_OBJECT, "json_object", id="json-object"),
        pytest.param(AnswerFormat.TEXT, None, id="text"),
    ],
)
def test_each_answer_format_sends_its_response_format(
    models: Models, fake: FakeOpenAI, answer_format: AnswerFormat, sent: str | None
) -> None:
    models.make("m-format", answer_format=answer_format).predict(SNAPSHOT)
    assert [r.answer_format for r in fake.stats().requests] == [sent]


def test_a_500_refusing_json_schema_steps_down_once_for_every_model_of_the_provider(
    models: Models, fake: FakeOpenAI
) -> None:
    fake.behave("m-a", Behaviour.REJECT_JSON_SCHEMA)
    fake.behave("m-b", Behaviour.REJECT_JSON_SCHEMA)
    formats = Formats()
    first = models.make("m-a", answer_format=AnswerFormat.JSON_SCHEMA, formats=formats)
    first.predict(SNAPSHOT)  # a refusal naming the parameter is no provider failure: no retry
    second = models.make("m-b", answer_format=AnswerFormat.JSON_SCHEMA, formats=formats)
    second.predict(SNAPSHOT)
    sent = [(r.model, r.status, r.answer_format) for r in fake.stats().requests]
    assert sent == [
        ("m-a", 500, "json_schema"),
        ("m-a", 200, "json_object+schema"),
        ("m-b", 200, "json_object+schema"),
    ]


def test_a_500_that_names_no_parameter_is_still_a_transient_failure(
    models: Models, fake: FakeOpenAI
) -> None:
    fake.fail_next("m-down", Behaviour.HTTP_500, times=3)
    with pytest.raises(errors.ProviderUnavailable, match="server error 500"):
        models.make("m-down", answer_format=AnswerFormat.JSON_SCHEMA).predict(SNAPSHOT)
    assert {r.answer_format for r in fake.stats().requests} == {"json_schema"}


def test_a_provider_refusing_json_mode_is_asked_plainly_from_then_on(
    models: Models, fake: FakeOpenAI
) -> None:
    fake.behave("m-plain", Behaviour.REJECT_JSON_MODE)
    model = models.make("m-plain")
    model.predict(SNAPSHOT)
    model.predict(SNAPSHOT)
    assert [r.json_mode for r in fake.stats().requests] == [True, False, False]


def test_a_429_makes_every_request_wait_its_retry_after(models: Models, fake: FakeOpenAI) -> None:
    fake.fail_next("m-busy", Behaviour.HTTP_429)
    models.make("m-busy").predict(SNAPSHOT)
    first, second = fake.stats().requests
    assert first.status == 429
    assert second.arrived - first.finished >= 0.95  # retry-after: 1


def test_server_errors_are_retried_then_open_the_circuit(models: Models, fake: FakeOpenAI) -> None:
    fake.behave("m-down", Behaviour.HTTP_500)
    model = models.make("m-down", threshold=3)
    with pytest.raises(errors.ProviderUnavailable, match="server error 500") as failed:
        model.predict(SNAPSHOT)
    assert failed.value.retryable
    assert len(fake.stats().requests) == 3
    other = models.make("m-ok")  # another model of the same provider: the circuit is shared
    with pytest.raises(errors.CircuitOpen, match="failed 3 times in a row"):
        other.predict(SNAPSHOT)
    assert len(fake.stats().requests) == 3  # nothing was sent


def test_an_answer_ends_the_providers_run_of_failures(models: Models, fake: FakeOpenAI) -> None:
    model = models.make("m-flaky", threshold=3)
    for _ in range(2):  # two failures, then an answer, twice: never three failures in a row
        fake.fail_next("m-flaky", Behaviour.HTTP_500, times=2)
        model.predict(SNAPSHOT)
    assert [r.status for r in fake.stats().requests] == [500, 500, 200] * 2
    fake.fail_next("m-flaky", Behaviour.HTTP_500, times=3)
    with pytest.raises(errors.ProviderUnavailable, match="server error 500"):
        model.predict(SNAPSHOT)  # the third failure in a row opens the circuit
    with pytest.raises(errors.CircuitOpen, match="failed 3 times in a row"):
        model.predict(SNAPSHOT)


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        pytest.param(Behaviour.TIMEOUT, "timed out", id="timeout"),
        pytest.param(Behaviour.EMPTY_CHOICES, "no choices", id="empty-choices"),
        pytest.param(Behaviour.GARBAGE, "not readable JSON", id="garbage-body"),
    ],
)
def test_transient_failures_are_retryable(
    models: Models, fake: FakeOpenAI, behaviour: Behaviour, message: str
) -> None:
    fake.behave("m-x", behaviour)
    with pytest.raises(errors.ProviderUnavailable, match=message) as failed:
        models.make("m-x", timeout=0.3).predict(SNAPSHOT)
    assert "Ash (home) v Birch (away)" in str(failed.value.context["prompt"])  # for the ledger


def test_the_concurrency_limit_holds_across_gates(database: Database, fake: FakeOpenAI) -> None:
    fake.model_latency_ms["m-slow"] = 150
    fake.limits["shared"] = Limits(max_concurrent=2)
    # two "processes": each its own slot connection, gate and client
    sides = [Models(database, fake), Models(database, fake)]
    forecasters = [side.make("m-slow", provider="shared", max_concurrent=2) for side in sides]
    errors_seen: list[BaseException] = []

    def ask(n: int) -> None:
        try:
            forecasters[n % 2].predict(SNAPSHOT)
        except BaseException as exc:  # reported by the assertion below
            errors_seen.append(exc)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(10)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    for side in sides:
        side.holder.close()
    assert errors_seen == []
    stats = fake.stats()
    assert stats.max_concurrency["shared"] == 2
    assert stats.violations.get("shared", 0) == 0
    assert elapsed >= 5 * 0.15  # ten requests, two at a time


def test_the_roster_example_prices_are_what_the_cost_uses(tmp_path: Path) -> None:
    entry = Model(
        id="x", provider="p", model="m", price_in=Decimal("3.00"), price_out=Decimal("7.00")
    )
    assert entry.cost(1000, 500) == Decimal("0.0065")
