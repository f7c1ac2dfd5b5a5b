"""Roster files: read, checked, and refused with file, line and reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from footcast import errors, rosters
from footcast.domain.names import AnswerFormat
from footcast.forecasters import roster

GOOD = """\
[providers.together]
base_url = "https://api.together.xyz/v1"
api_key_env = "TOGETHER_API_KEY"
max_concurrent = 8
requests_per_minute = 600

[[models]]
id = "deepseek-v3.1"
provider = "together"
model = "deepseek-ai/DeepSeek-V3.1"
price_in = 0.60
price_out = 1.25

[[models]]
id = "gemma-2b"
provider = "together"
model = "google/gemma-2b-it"
enabled = false
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.toml"
    path.write_text(text)
    return path


def test_a_roster_is_read_with_its_providers_models_and_prices(tmp_path: Path) -> None:
    loaded = roster.load(write(tmp_path, GOOD))
    assert loaded.providers["together"].max_concurrent == 8
    assert loaded.providers["together"].timeout_seconds == 30.0  # the default
    assert [m.id for m in loaded.enabled] == ["deepseek-v3.1"]
    model = loaded.model("deepseek-v3.1")
    assert model.cost(1_000_000, 2_000_000) == Decimal("3.10")
    with pytest.raises(errors.NotFound, match="'nope' is not in the roster"):
        loaded.model("nope")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            ('provider = "together"\nmodel = "google', 'provider = "togethr"\nmodel = "google'),
            r"roster.toml:16: model 'gemma-2b': unknown provider 'togethr' \(known: together\)",
            id="unknown-provider",
        ),
        pytest.param(
            ('id = "gemma-2b"', 'id = "deepseek-v3.1"'),
            r"roster.toml:15: duplicate model id 'deepseek-v3.1' \(first at line 8\)",
            id="duplicate-id",
        ),
        pytest.param(
            ("max_concurrent = 8", "max_concurrent = -1"),
            r"roster.toml:4: provider 'together': max_concurrent = -1: Input should be greater",
            id="negative-limit",
        ),
        pytest.param(
            ("price_out = 1.25", "price_out = -1.25"),
            r"roster.toml:12: model 'deepseek-v3.1': price_out = -1.25: Input should be greater",
            id="negative-price",
        ),
        pytest.param(
            ('model = "google/gemma-2b-it"\n', 'model = "google/gemma-2b-it"\ntemperature = 2\n'),
            r"roster.toml:18: model 'gemma-2b': temperature = 2: Extra inputs are not permitted",
            id="unknown-key",
        ),
        pytest.param(
            ('base_url = "https://', 'base_url = "ftp://'),
            r"roster.toml:2: provider 'together': base_url = 'ftp://api.together.xyz/v1'",
            id="bad-url",
        ),
        pytest.param(
            ('model = "deepseek-ai/DeepSeek-V3.1"\n', ""),
            r"roster.toml:7: model 'deepseek-v3.1': model: Field required",
            id="missing-field",
        ),
        pytest.param(
            ("requests_per_minute = 600", 'requests_per_minute = 600\nanswer_format = "xml"'),
            r"roster.toml:6: provider 'together': answer_format = 'xml': Input should be"
            r" 'json_schema', 'json_object_schema', 'json_object' or 'text'",
            id="unknown-answer-format",
        ),
        pytest.param(
            ("price_out = 1.25", 'price_out = 1.25\nknowledge_cutoff = "last spring"'),
            r"roster.toml:13: model 'deepseek-v3.1': knowledge_cutoff = 'last spring'",
            id="bad-cutoff",
        ),
        pytest.param(
            ('[[models]]\nid = "gemma', '[[models]\nid = "gemma'), "not valid TOML", id="toml"
        ),
    ],
)
def test_a_bad_roster_is_refused_with_file_line_and_reason(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(errors.ConfigError, match=message):
        roster.load(write(tmp_path, GOOD.replace(old, new, 1)))


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("max_concurrent = 8", "max_concurrent = 0").replace(
        'id = "gemma-2b"', 'id = "deepseek-v3.1"'
    )
    with pytest.raises(errors.ConfigError) as refused:
        roster.load(write(tmp_path, text))
    assert "roster.toml:4:" in refused.value.message
    assert "roster.toml:15:" in refused.value.message


def test_a_missing_key_variable_is_named_with_its_provider_line(tmp_path: Path) -> None:
    loaded = roster.load(write(tmp_path, GOOD))
    with pytest.raises(
        errors.ConfigError,
        match=r"roster.toml:3: provider 'together': environment variable TOGETHER_API_KEY is not",
    ):
        loaded.require_keys({})
    loaded.require_keys({"TOGETHER_API_KEY": "k"})


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(errors.ConfigError, match=r"nope.toml can not be read"):
        roster.load(tmp_path / "nope.toml")


def test_answer_format_and_knowledge_cutoff_are_read_and_written_back(tmp_path: Path) -> None:
    text = GOOD.replace(
        "requests_per_minute = 600", 'requests_per_minute = 600\nanswer_format = "json_schema"'
    ).replace("price_out = 1.25", "price_out = 1.25\nknowledge_cutoff = 2024-07-31")
    loaded = roster.load(write(tmp_path, text))
    assert loaded.providers["together"].first_format is AnswerFormat.JSON_SCHEMA
    assert loaded.model("deepseek-v3.1").knowledge_cutoff == date(2024, 7, 31)
    assert loaded.model("gemma-2b").knowledge_cutoff is None  # unknown
    again = roster.load(write(tmp_path, roster.dumps(loaded)))
    assert again.providers == loaded.providers
    assert again.models == loaded.models


@pytest.mark.parametrize(
    ("json_mode", "answer_format", "first"),
    [
        pytest.param(True, None, AnswerFormat.JSON_OBJECT, id="json-mode"),
        pytest.param(False, None, AnswerFormat.TEXT, id="plain"),
        pytest.param(False, AnswerFormat.JSON_SCHEMA, AnswerFormat.JSON_SCHEMA, id="format-wins"),
    ],
)
def test_the_first_answer_format_comes_from_answer_format_else_json_mode(
    json_mode: bool, answer_format: AnswerFormat | None, first: AnswerFormat
) -> None:
    provider = roster.Provider(
        name="p", base_url="http://127.0.0.1:1/v1", json_mode=json_mode,
        answer_format=answer_format,
    )  # fmt: skip
    assert provider.first_format is first


def test_the_shipped_rosters_load() -> None:
    reference = roster.load(rosters.REFERENCE)
    assert len(reference.models) == 42
    assert {m.provider for m in reference.models} == {"together", "synthetic"}
    assert reference.model("deepseek-r1").price_out == Decimal("7.00")
    assert reference.model("llama-3.1-8b-turbo").knowledge_cutoff == date(2023, 12, 31)
    assert reference.model("deepseek-r1").knowledge_cutoff is None
    assert reference.missing_keys({}) == {
        "together": "TOGETHER_API_KEY",
        "synthetic": "SYNTHETIC_API_KEY",
    }
    local = roster.load(rosters.LOCAL)
    assert local.missing_keys({}) == {}
    assert {p.base_url.split(":")[2].split("/")[0] for p in local.providers.values()} == {
        "11434", "8000", "8080",
    }  # fmt: skip
