"""Driver errors become footcast errors with the right retry flag."""

from __future__ import annotations

import psycopg
from sqlalchemy import exc as sa_exc

from footcast import errors
from footcast.db._errors import translate


def test_a_refused_connection_is_retryable() -> None:
    refused = psycopg.OperationalError("connection failed: Connection refused")
    found = translate(sa_exc.OperationalError("SELECT 1", {}, refused), match_id=3)
    assert isinstance(found, errors.DatabaseUnavailable)
    assert found.retryable
    assert found.context == {"match_id": 3}


def test_a_programming_error_is_not() -> None:
    wrong = psycopg.ProgrammingError("syntax error at or near")
    found = translate(sa_exc.ProgrammingError("SELEC 1", {}, wrong))
    assert type(found) is errors.DatabaseError
    assert not found.retryable
