"""The published API fuzzed from its own OpenAPI document (schemathesis) on a live server: no
operation, public or admin, answers with a server error, whether it is sent valid requests or
invalid ones.

The operations are walked in one test, a subtest each, over one server: schemathesis' lazy
``from_fixture`` loader does not run under pytest 9 (it reads ``Function._nodeid``).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Ok

from web_server import Served

EXAMPLES = 25  # per operation and mode: enough to reach the validation edges, cheap enough for CI


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_operation_answers_with_a_server_error(
    served: Served, subtests: pytest.Subtests, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_url(served.url + "/openapi.json")
    found = list(schema.get_all_operations())
    operations = [result.ok() for result in found if isinstance(result, Ok)]
    assert len(operations) == len(found), "the OpenAPI document has invalid operations"
    assert any(o.path.startswith("/api/admin") for o in operations)
    assert not any(o.path == "/" for o in operations)  # the pages are not in the API document

    for operation in operations:

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,  # the same requests every run: a failure is never luck
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def answers(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(
                headers=served.admin(), checks=[schemathesis.checks.not_a_server_error]
            )

        with subtests.test(operation=operation.label):
            try:
                answers()
            except Unsatisfiable:
                if mode is GenerationMode.POSITIVE:
                    raise
                pytest.skip("every request this operation can be sent is valid")
