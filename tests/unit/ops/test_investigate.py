"""Root-cause categories of recorded failures, as a table over every error footcast raises."""

from __future__ import annotations

import pytest

from footcast import errors
from footcast.ops.investigate import CATEGORIES, category

DATA, PREDICTIONS, PROVIDER, INFRASTRUCTURE, BUG = CATEGORIES

EXPECTED = {
    "footcast_error": BUG,
    "config_error": INFRASTRUCTURE,
    "database_error": INFRASTRUCTURE,
    "database_unavailable": INFRASTRUCTURE,
    "database_busy": INFRASTRUCTURE,
    "schema_missing": INFRASTRUCTURE,
    "source_error": PROVIDER,
    "source_unavailable": PROVIDER,
    "rate_limited": PROVIDER,
    "quota_exhausted": PROVIDER,
    "source_auth": PROVIDER,
    "source_rejected": PROVIDER,
    "malformed_response": PROVIDER,
    "invalid_input": DATA,
    "forecaster_error": PROVIDER,
    "provider_unavailable": PROVIDER,
    "circuit_open": PROVIDER,
    "provider_rejected": PROVIDER,
    "invalid_forecast": PROVIDER,
    "invalid_output": PROVIDER,
    "pipeline_error": DATA,
    "not_settleable": DATA,
    "not_ready": DATA,
    "resting": PROVIDER,
    "failure_unrecorded": INFRASTRUCTURE,
    "not_found": DATA,
    "conflict": DATA,
    "prediction_locked": DATA,
}


def _tree(root: type[errors.FootcastError]) -> list[type[errors.FootcastError]]:
    return [root, *(c for sub in root.__subclasses__() for c in _tree(sub))]


def test_every_error_class_has_an_expected_category() -> None:
    assert sorted(c.code for c in _tree(errors.FootcastError)) == sorted(EXPECTED)


@pytest.mark.parametrize(("code", "expected"), sorted(EXPECTED.items()))
def test_category_of_every_footcast_code(code: str, expected: str) -> None:
    assert category("predictions", code, "something failed") == expected


@pytest.mark.parametrize(
    "code",
    [
        "rate_limited",
        "circuit_open",
        "invalid_output",
        "provider_rejected",
        "quota_exhausted",
        "malformed_response",
    ],
)
def test_category_of_provider_trouble_is_provider_error(code: str) -> None:
    assert category("predictions", code, "the provider failed") == PROVIDER


@pytest.mark.parametrize(
    ("stage", "code", "message", "expected"),
    [
        ("settlement", "not_ready", "no predictions yet", PREDICTIONS),
        ("predictions", "not_ready", "no lineups yet", DATA),
        ("settlement", "unexpected", "division by zero", BUG),
        ("settlement", "ZeroDivisionError", "division by zero", BUG),
        (
            "settlement",
            "unexpected",
            "(psycopg.OperationalError) connection failed: Connection refused",
            INFRASTRUCTURE,
        ),
    ],
)
def test_category_special_cases(stage: str, code: str, message: str, expected: str) -> None:
    assert category(stage, code, message) == expected


def test_by_code_finds_each_class_and_nothing_else() -> None:
    for kind in _tree(errors.FootcastError):
        assert errors.by_code(kind.code) is kind
    assert errors.by_code("ZeroDivisionError") is None
