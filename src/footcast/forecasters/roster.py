"""The roster: which LLMs forecast, through which OpenAI-compatible providers, at what price.

A TOML file (``FOOTCAST_ROSTER``)::

    [providers.together]
    base_url = "https://api.together.xyz/v1"
    api_key_env = "TOGETHER_API_KEY"   # omit for a local server that needs no key
    max_concurrent = 8                 # requests in flight, all workers on all machines together
    requests_per_minute = 600
    timeout_seconds = 30
    json_mode = true                   # ask for response_format json_object (falls back if refused)
    answer_format = "json_schema"      # json_object_schema, json_object, text (beats json_mode)
    max_tokens = 256                   # optional cap on an answer's tokens (none when absent)

    [[models]]
    id = "deepseek-v3.1"               # the forecaster's name on the leaderboard
    provider = "together"
    model = "deepseek-ai/DeepSeek-V3.1"
    price_in = 0.60                    # USD per million prompt tokens
    price_out = 1.25                   # USD per million completion tokens
    enabled = true
    knowledge_cutoff = 2024-07-01      # optional: its training data's end (unknown when absent)

``answer_format`` says how the answer's shape is asked for (``domain.names.AnswerFormat``),
strictest first: ``json_schema`` (strict, with footcast's prediction schema), ``json_object_schema``
(json_object plus the schema, llama.cpp's extension), ``json_object``, ``text``. A provider that
refuses one, naming the parameter, is asked the next way from then on. Without it, ``json_mode``
chooses ``json_object`` or ``text``.

A model's predictions of matches played before its ``knowledge_cutoff`` (or, cutoff unknown, its
retroactive ones) are contaminated: the model may have read the result.

Everything wrong with a file is refused when it is loaded, each problem with the file, the line
and the reason, so a worker never starts on a roster it would half-run.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from footcast import errors
from footcast.domain.names import AnswerFormat, ForecasterKind

__all__ = ["Model", "Provider", "Roster", "dumps", "load"]

PROVIDER_KIND = ForecasterKind.LLM
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


class Provider(BaseModel):
    """An OpenAI-compatible endpoint and the limits every worker shares on it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    base_url: str = Field(pattern=r"^https?://")
    api_key_env: str | None = None
    max_concurrent: int = Field(default=4, gt=0)
    requests_per_minute: int = Field(default=60, gt=0)
    timeout_seconds: float = Field(default=30.0, gt=0)
    json_mode: bool = True
    answer_format: AnswerFormat | None = None
    max_tokens: int | None = Field(default=None, gt=0)  # an answer's length cap, when set

    @property
    def first_format(self) -> AnswerFormat:
        """How the answer's shape is asked for first."""
        if self.answer_format is not None:
            return self.answer_format
        return AnswerFormat.JSON_OBJECT if self.json_mode else AnswerFormat.TEXT


class Model(BaseModel):
    """One LLM forecaster."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=100)
    provider: str
    model: str = Field(min_length=1)
    price_in: Decimal = Field(default=Decimal(0), ge=0)
    price_out: Decimal = Field(default=Decimal(0), ge=0)
    enabled: bool = True
    knowledge_cutoff: date | None = None

    def cost(self, prompt_tokens: int, completion_tokens: int) -> Decimal:
        """USD for one request at the list prices (per million tokens)."""
        return (self.price_in * prompt_tokens + self.price_out * completion_tokens) / 1_000_000


@dataclass(frozen=True)
class Roster:
    path: Path
    providers: Mapping[str, Provider]
    models: tuple[Model, ...]

    def model(self, model_id: str) -> Model:
        for model in self.models:
            if model.id == model_id:
                return model
        raise errors.NotFound(f"model {model_id!r} is not in the roster {self.path}")

    @property
    def enabled(self) -> tuple[Model, ...]:
        return tuple(m for m in self.models if m.enabled)

    def missing_keys(self, environ: Mapping[str, str]) -> dict[str, str]:
        """Providers of enabled models whose key variable is unset: provider -> variable."""
        used = {m.provider for m in self.enabled}
        return {
            name: p.api_key_env
            for name, p in self.providers.items()
            if name in used and p.api_key_env and not environ.get(p.api_key_env)
        }

    def require_keys(self, environ: Mapping[str, str]) -> None:
        """Raises ConfigError naming each provider (and its line) whose key is not set."""
        missing = self.missing_keys(environ)
        if missing:
            lines = _Lines(self.path.read_text(encoding="utf-8"))
            raise errors.ConfigError(
                "; ".join(
                    f"{self.path}:{lines.of('providers', name, 'api_key_env')}: provider"
                    f" {name!r}: environment variable {variable} is not set"
                    for name, variable in sorted(missing.items())
                )
            )


def load(path: Path) -> Roster:
    """Read and check a roster file.

    Raises:
        ConfigError: the file is missing, not TOML, or breaks a rule (unknown provider,
            duplicate model id, negative limit, unknown key...); the message has file:line.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise errors.ConfigError(f"roster {path} can not be read: {exc.strerror}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise errors.ConfigError(f"{path}: not valid TOML: {exc}") from exc
    lines = _Lines(text)
    problems: list[str] = []
    for key in sorted(set(data) - {"providers", "models"}):
        problems.append(f"{path}:{lines.of(key, None, None)}: unknown section {key!r}")
    providers = _providers(path, data.get("providers", {}), lines, problems)
    models = _models(path, data.get("models", []), lines, problems, providers)
    if problems:
        raise errors.ConfigError("roster refused: " + "; ".join(problems))
    return Roster(path=path, providers=providers, models=tuple(models))


def dumps(roster: Roster) -> str:
    """``roster`` as TOML that ``load`` reads back (for worker processes of a test or a demo)."""
    lines: list[str] = []
    for name, provider in roster.providers.items():
        lines.append(f"[providers.{json.dumps(name)}]")
        lines += _assignments(provider.model_dump(exclude={"name"}, exclude_none=True))
    for model in roster.models:
        lines.append("[[models]]")
        lines += _assignments(model.model_dump())
    return "\n".join(lines) + "\n"


def _assignments(values: Mapping[str, object]) -> list[str]:
    """``key = value`` lines; strings (and decimals, as numbers) in JSON's notation, which TOML
    shares."""
    return [f"{key} = {_toml(value)}" for key, value in values.items() if value is not None] + [""]


def _toml(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()  # a TOML local date
    return json.dumps(value)


def _providers(path: Path, raw: Any, lines: _Lines, problems: list[str]) -> dict[str, Provider]:
    if not isinstance(raw, dict):
        problems.append(f"{path}:{lines.of('providers', None, None)}: [providers] must be tables")
        return {}
    providers: dict[str, Provider] = {}
    for name, values in raw.items():
        try:
            providers[name] = Provider(name=name, **_table(values))
        except ValidationError as exc:
            problems.extend(
                _explain(exc, path, f"provider {name!r}", partial(lines.of, "providers", name))
            )
    return providers


def _models(
    path: Path,
    raw: Any,
    lines: _Lines,
    problems: list[str],
    providers: Mapping[str, Provider],
) -> list[Model]:
    if not isinstance(raw, list):
        problems.append(
            f"{path}:{lines.of('models', None, None)}: models must be [[models]] tables"
        )
        return []
    models: list[Model] = []
    seen: dict[str, int] = {}
    for index, values in enumerate(raw):
        label = f"model {_table(values).get('id', f'#{index + 1}')!r}"
        try:
            model = Model(**_table(values))
        except ValidationError as exc:
            problems.extend(_explain(exc, path, label, partial(lines.of, "models", index)))
            continue
        if model.provider not in providers:
            known = ", ".join(sorted(providers)) or "none"
            problems.append(
                f"{path}:{lines.of('models', index, 'provider')}: model {model.id!r}: unknown"
                f" provider {model.provider!r} (known: {known})"
            )
        if model.id in seen:
            problems.append(
                f"{path}:{lines.of('models', index, 'id')}: duplicate model id {model.id!r}"
                f" (first at line {seen[model.id]})"
            )
        else:
            seen[model.id] = lines.of("models", index, "id")
        models.append(model)
    return models


def _table(values: Any) -> dict[str, Any]:
    """A TOML table as keyword arguments ({} for anything else: validation then names what
    is missing)."""
    return values if isinstance(values, dict) else {}


def _explain(
    exc: ValidationError, path: Path, label: str, line_of: Callable[[str | None], int]
) -> list[str]:
    """One ``file:line: what: key = value: why`` per problem pydantic found."""
    found = []
    for error in exc.errors():
        key = str(error["loc"][0]) if error["loc"] else None
        value = f" = {error['input']!r}" if key and error["type"] != "missing" else ""
        found.append(f"{path}:{line_of(key)}: {label}: {key}{value}: {error['msg']}")
    return found


class _Lines:
    """Line numbers of TOML tables and keys (tomllib keeps none): a [providers.NAME] table,
    the Nth [[models]] table, and a key inside either."""

    def __init__(self, text: str) -> None:
        self._tables: dict[tuple[str, str | int | None], int] = {}
        self._keys: dict[tuple[str, str | int | None, str], int] = {}
        current: tuple[str, str | int | None] = ("", None)
        models = 0
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                dotted = header[2].split(".", 1)
                if header[1] == "[[" and dotted[0] == "models":
                    current = ("models", models)
                    models += 1
                else:
                    current = (dotted[0], dotted[1].strip('"') if len(dotted) > 1 else None)
                self._tables.setdefault(current, number)
                self._tables.setdefault((current[0], None), number)
                continue
            key = _KEY.match(line)
            if key:
                self._keys.setdefault((*current, key[1]), number)
                if current == ("", None):
                    self._tables.setdefault((key[1], None), number)

    def of(self, section: str, name: str | int | None, key: str | None) -> int:
        """The line of ``key`` in the table, else of the table, else 1."""
        if key is not None and (section, name, key) in self._keys:
            return self._keys[(section, name, key)]
        return self._tables.get((section, name), self._tables.get((section, None), 1))
