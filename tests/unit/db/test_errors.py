"""Driver errors become footcast errors with the right retry flag."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import exc as sa_exc

from footcast import errors
from footcast.db._errors import translate, translated


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


SOCKET = "/tmp/footcast-x/pgdata/.s.PGSQL.5432"


@pytest.mark.parametrize(
    "driver",
    [
        psycopg.OperationalError(f'connection failed: connection to server on socket "{SOCKET}"'),
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
        psycopg.errors.CannotConnectNow("the database system is starting up"),
        psycopg.InterfaceError("the connection is closed"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_lost_connection_is_unavailable_and_never_names_the_server(
    driver: psycopg.Error,
) -> None:
    wrapped = sa_exc.OperationalError("SELECT 1", {}, driver)
    for error in (driver, wrapped):
        found = translate(error)
        assert isinstance(found, errors.DatabaseUnavailable)
        assert found.message == "The database can not be reached."
        with pytest.raises(errors.DatabaseUnavailable) as raised, translated(match_id=1):
            raise error
        assert raised.value.__cause__ is error
        assert raised.value.context == {"match_id": 1}


def test_a_deadlock_is_busy_and_retryable() -> None:
    deadlock = psycopg.errors.DeadlockDetected("deadlock detected")
    with pytest.raises(errors.DatabaseBusy) as raised, translated():
        raise sa_exc.OperationalError("UPDATE", {}, deadlock)
    assert raised.value.retryable


def test_a_unique_violation_in_a_block_is_a_conflict() -> None:
    duplicate = psycopg.errors.UniqueViolation("duplicate key value violates unique constraint")
    with pytest.raises(errors.Conflict), translated():
        raise sa_exc.IntegrityError("INSERT", {}, duplicate)


def test_a_bug_in_a_query_passes_through_a_block_unchanged() -> None:
    wrong = sa_exc.ProgrammingError("SELEC 1", {}, psycopg.ProgrammingError("syntax error"))
    with pytest.raises(sa_exc.ProgrammingError), translated():
        raise wrong
