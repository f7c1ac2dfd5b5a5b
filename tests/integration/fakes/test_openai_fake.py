"""The fake OpenAI server driven by the real openai SDK: answers, faults, repairs, limits, CLI."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import httpx
import openai
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam

from footcast import errors
from footcast.fakes.openai import Behaviour, FakeOpenAI, Limits
from footcast.forecasters import llm_output

MESSAGES: list[ChatCompletionMessageParam] = [
    {"role": "system", "content": llm_output.SYSTEM_PROMPT},
    {"role": "user", "content": "Arsenal v Chelsea, Premier League, 2025-08-17 16:30."},
]


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(hang_seconds=30) as server:
        yield server


def client(fake: FakeOpenAI, provider: str = "together", *, timeout: float = 10) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=fake.base_url(provider), api_key="k", max_retries=0, timeout=timeout
    )


def ask(
    sdk: openai.OpenAI,
    model: str = "m",
    *,
    json_mode: bool = True,
    messages: Sequence[ChatCompletionMessageParam] = MESSAGES,
) -> ChatCompletion:
    if json_mode:
        return sdk.chat.completions.create(
            model=model, messages=messages, response_format={"type": "json_object"}
        )
    return sdk.chat.completions.create(model=model, messages=messages)


def content(completion: ChatCompletion) -> str:
    text = completion.choices[0].message.content
    assert text is not None
    return text


def test_fake_answers_a_prediction_in_openai_wire_format(fake: FakeOpenAI) -> None:
    completion = ask(client(fake), "deepseek-ai/DeepSeek-V3.1")
    text = content(completion)
    answer = llm_output.parse(text)
    assert answer.repairs == ()
    assert answer.probabilities is not None
    assert (completion.object, completion.model) == ("chat.completion", "deepseek-ai/DeepSeek-V3.1")
    assert completion.choices[0].finish_reason == "stop"
    assert completion.choices[0].message.role == "assistant"
    prompt_chars = sum(len(str(m.get("content"))) for m in MESSAGES)
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == -(-prompt_chars // 4)
    assert completion.usage.completion_tokens == -(-len(text) // 4)
    assert completion.usage.total_tokens == prompt_chars // 4 + len(text) // 4 + 2


def test_fake_bodies_have_exactly_openais_keys(fake: FakeOpenAI) -> None:
    response = httpx.post(
        f"{fake.base_url('together')}/chat/completions",
        headers={"Authorization": "Bearer k"},
        json={"model": "m", "messages": MESSAGES},
    )
    body = response.json()
    assert set(body) == {"id", "object", "created", "model", "choices", "usage"}
    assert set(body["choices"][0]) == {"index", "message", "finish_reason"}
    assert set(body["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens"}
    refused = httpx.post(f"{fake.base_url('together')}/chat/completions", json={"model": "m"})
    assert refused.status_code == 401
    assert set(refused.json()["error"]) == {"message", "type", "param", "code"}


def test_fake_answers_404_off_its_routes(fake: FakeOpenAI) -> None:
    for method, path in [("GET", "/together/v1/chat/completions"), ("POST", "/v1/models")]:
        response = httpx.request(method, f"{fake.url}{path}", headers={"Authorization": "Bearer k"})
        assert response.status_code == 404
        assert response.json()["error"]["type"] == "invalid_request_error"


def test_fake_lists_the_models_it_knows(fake: FakeOpenAI) -> None:
    fake.behave("configured", Behaviour.OK)
    sdk = client(fake, "synthetic")
    ask(sdk, "hf:asked")
    models = sdk.models.list()
    assert [m.id for m in models.data] == ["configured", "hf:asked"]
    assert {m.owned_by for m in models.data} == {"synthetic"}


@pytest.mark.parametrize(
    ("behaviour", "repairs"),
    [
        pytest.param(Behaviour.THINK_TAGS, ("stripped <think>", "ignored text around the JSON")),
        pytest.param(Behaviour.CODE_FENCE, ("stripped code fence",)),
        pytest.param(Behaviour.STRINGS_FOR_NUMBERS, ("numbers as strings",)),
        pytest.param(Behaviour.PERCENTAGES, ("percentages",)),
        pytest.param(Behaviour.UNNORMALISED, ("normalised sum 1.02",)),
    ],
)
def test_fake_tolerable_answers_parse_to_the_same_prediction(
    fake: FakeOpenAI, behaviour: Behaviour, repairs: tuple[str, ...]
) -> None:
    sdk = client(fake)
    clean = llm_output.parse(content(ask(sdk, "m")))
    fake.behave("m", behaviour)
    answer = llm_output.parse(content(ask(sdk, "m")))
    assert answer.repairs == repairs
    assert (answer.home_goals, answer.away_goals) == (clean.home_goals, clean.away_goals)
    assert answer.probabilities is not None
    assert clean.probabilities is not None
    assert answer.probabilities.home == pytest.approx(clean.probabilities.home, abs=1e-3)


UNUSABLE = [
    pytest.param(Behaviour.NATURAL_LANGUAGE, "the answer holds no JSON object"),
    pytest.param(
        Behaviour.SCHEMA_ECHO, "the answer echoes the JSON schema instead of a prediction"
    ),
    pytest.param(Behaviour.WAY_OFF, "p_home + p_draw + p_away = 1.5, more than 0.05 away from 1"),
]


@pytest.mark.parametrize(("behaviour", "reason"), UNUSABLE)
def test_fake_unusable_answer_is_repaired_by_one_follow_up(
    fake: FakeOpenAI, behaviour: Behaviour, reason: str
) -> None:
    sdk = client(fake)
    clean = llm_output.parse(content(ask(sdk, "m")))
    fake.behave("m", behaviour)
    first = content(ask(sdk, "m"))
    with pytest.raises(errors.InvalidForecast) as caught:
        llm_output.parse(first)
    assert caught.value.context["reason"] == reason
    repair: list[ChatCompletionMessageParam] = [
        *MESSAGES,
        {"role": "assistant", "content": first},
        {"role": "user", "content": llm_output.repair_prompt(reason)},
    ]
    assert llm_output.parse(content(ask(sdk, "m", messages=repair))) == clean
    assert [r.repair for r in fake.stats().requests] == [False, False, True]


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        pytest.param(Behaviour.HTTP_500, openai.InternalServerError),
        pytest.param(Behaviour.REJECT_JSON_MODE, openai.BadRequestError),
    ],
)
def test_fake_transport_faults_persist_through_a_repair(
    fake: FakeOpenAI, behaviour: Behaviour, error: type[openai.APIStatusError]
) -> None:
    fake.behave("m", behaviour)
    repair: list[ChatCompletionMessageParam] = [
        *MESSAGES,
        {"role": "assistant", "content": "I think 2-1."},
        {"role": "user", "content": llm_output.repair_prompt("no JSON")},
    ]
    with pytest.raises(error):
        ask(client(fake), "m", messages=repair)


def test_fake_fail_next_can_make_the_repair_fail_too(fake: FakeOpenAI) -> None:
    sdk = client(fake)
    fake.fail_next("m", Behaviour.NATURAL_LANGUAGE, times=2)
    first = content(ask(sdk, "m"))
    repair: list[ChatCompletionMessageParam] = [
        *MESSAGES,
        {"role": "assistant", "content": first},
        {"role": "user", "content": llm_output.repair_prompt("no JSON")},
    ]
    with pytest.raises(errors.InvalidForecast, match="no JSON object"):
        llm_output.parse(content(ask(sdk, "m", messages=repair)))
    llm_output.parse(content(ask(sdk, "m")))
    assert [r.behaviour for r in fake.stats().requests] == [
        Behaviour.NATURAL_LANGUAGE,
        Behaviour.NATURAL_LANGUAGE,
        Behaviour.OK,
    ]


def test_fake_rate_limit_fault_gives_rate_limit_error_with_retry_after() -> None:
    fake = FakeOpenAI(behaviours={"m": Behaviour.HTTP_429}, retry_after_seconds=7)
    with fake, pytest.raises(openai.RateLimitError) as caught:
        ask(client(fake), "m")
    assert caught.value.status_code == 429
    assert caught.value.response.headers["retry-after"] == "7"
    assert caught.value.code == "rate_limit_exceeded"


def test_fake_server_error_fault_gives_internal_server_error(fake: FakeOpenAI) -> None:
    fake.behave("m", Behaviour.HTTP_500)
    with pytest.raises(openai.InternalServerError):
        ask(client(fake), "m")


def test_fake_timeout_fault_gives_api_timeout_error_and_closes_at_once() -> None:
    started = time.monotonic()
    fake = FakeOpenAI(behaviours={"m": Behaviour.TIMEOUT}, hang_seconds=30)
    with fake, pytest.raises(openai.APITimeoutError):
        ask(client(fake, timeout=0.2), "m")
    assert time.monotonic() - started < 5


def test_fake_rejects_json_mode_only_when_response_format_is_sent(fake: FakeOpenAI) -> None:
    fake.behave("glm", Behaviour.REJECT_JSON_MODE)
    sdk = client(fake)
    with pytest.raises(openai.BadRequestError, match="response_format json_object"):
        ask(sdk, "glm", json_mode=True)
    llm_output.parse(content(ask(sdk, "glm", json_mode=False)))
    assert [r.json_mode for r in fake.stats().requests] == [True, False]


def test_fake_refuses_requests_without_a_key(fake: FakeOpenAI) -> None:
    without_key = {"Authorization": openai.Omit()}
    with pytest.raises(openai.AuthenticationError, match="Authorization"):
        client(fake).chat.completions.create(
            model="m", messages=MESSAGES, extra_headers=without_key
        )
    assert fake.stats().requests == ()


def test_fake_empty_choices(fake: FakeOpenAI) -> None:
    fake.behave("m", Behaviour.EMPTY_CHOICES)
    completion = ask(client(fake), "m")
    assert completion.choices == []
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 0


def test_fake_garbage_body_can_not_be_decoded(fake: FakeOpenAI) -> None:
    fake.behave("m", Behaviour.GARBAGE)
    with pytest.raises(ValueError, match="decode"):
        ask(client(fake), "m")


def _prompt(number: int) -> list[ChatCompletionMessageParam]:
    return [MESSAGES[0], {"role": "user", "content": f"Match {number}: Home v Away."}]


def test_fake_answers_are_deterministic_per_model_and_prompt(fake: FakeOpenAI) -> None:
    sdk = client(fake)
    first = [content(ask(sdk, "a", messages=_prompt(n))) for n in range(5)]
    with FakeOpenAI() as other:
        again = [content(ask(client(other), "a", messages=_prompt(n))) for n in range(5)]
    other_model = [content(ask(sdk, "b", messages=_prompt(n))) for n in range(5)]
    assert first == again
    assert first != other_model
    assert len(set(first)) > 1


def test_fake_fault_rate_is_random_but_seeded(fake: FakeOpenAI) -> None:
    def statuses(server: FakeOpenAI) -> list[int]:
        server.fault_rate(0.5, [Behaviour.HTTP_500, Behaviour.HTTP_429], seed=3)
        sdk = client(server)
        for _ in range(20):
            with contextlib.suppress(openai.APIStatusError):
                ask(sdk, "m")
        return [r.status for r in server.stats().requests]

    seen = statuses(fake)
    with FakeOpenAI() as other:
        assert statuses(other) == seen
    assert {200, 429, 500} <= set(seen)


def _parallel(sdk: openai.OpenAI, count: int, model: str = "m") -> list[int]:
    """Send ``count`` requests at once; the HTTP status of each."""

    def one(_: int) -> int:
        try:
            ask(sdk, model)
        except openai.APIStatusError as exc:
            return exc.status_code
        return 200

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def test_fake_records_the_highest_concurrency_per_provider() -> None:
    with FakeOpenAI(latency_ms=300) as fake:
        assert _parallel(client(fake, "together"), 8) == [200] * 8
        ask(client(fake, "synthetic"), "m")
        stats = fake.stats()
    assert stats.max_concurrency == {"together": 8, "synthetic": 1}
    assert stats.violations == {}
    together = [r for r in stats.requests if r.provider == "together"]
    assert len(together) == 8
    assert all(r.finished - r.arrived >= 0.3 for r in together)


def test_fake_answers_429_past_the_concurrency_limit() -> None:
    limits = {"together": Limits(max_concurrent=2)}
    with FakeOpenAI(latency_ms=300, limits=limits) as fake:
        statuses = _parallel(client(fake), 5)
        stats = fake.stats()
    assert sorted(statuses) == [200, 200, 429, 429, 429]
    assert stats.violations == {"together": 3}
    assert stats.max_concurrency["together"] >= 3


def test_fake_answers_429_past_the_requests_per_window() -> None:
    limits = {"together": Limits(requests_per_minute=3, window_seconds=0.3)}
    with FakeOpenAI(limits=limits) as fake:
        sdk = client(fake)
        for _ in range(3):
            ask(sdk, "m")
        with pytest.raises(openai.RateLimitError) as caught:
            ask(sdk, "m")
        assert caught.value.response.headers["retry-after"] == "1"
        time.sleep(0.3)
        ask(sdk, "m")
        assert fake.stats().violations == {"together": 1}


def test_fake_latency_per_model() -> None:
    with FakeOpenAI(latency_ms=0, model_latency_ms={"slow": 250}) as fake:
        sdk = client(fake)
        ask(sdk, "slow")
        ask(sdk, "fast")
        slow, fast = fake.stats().requests
    assert slow.finished - slow.arrived >= 0.25
    assert fast.finished - fast.arrived < 0.25


def test_fake_runs_standalone() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "footcast.fakes.openai",
            "--port",
            "0",
            "--latency-ms",
            "10",
            "--behaviour",
            "broken=http_500",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        sdk = openai.OpenAI(base_url=f"{url}/together/v1", api_key="k", max_retries=0)
        llm_output.parse(content(ask(sdk, "m")))
        with pytest.raises(openai.InternalServerError):
            ask(sdk, "broken")
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
