"""Database errors become footcast errors here, at the boundary (``raise ... from exc``).

A lost or refused connection becomes ``DatabaseUnavailable`` with a fixed message: the driver's
text names the server's host, port or socket path, so it stays on ``__cause__`` and in the logs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from sqlalchemy import exc as sa_exc

from footcast import errors

__all__ = ["translate", "translated"]

LOCKED = "FC001"  # raised by footcast_predictions_lock() (migration 0001)
UNIQUE = "23505"
_LOST = ("08", "28", "57P01", "57P02", "57P03", "57P04", "57P05")  # connection, auth, shutdown


DriverError = sa_exc.DBAPIError | psycopg.Error


def _parts(exc: DriverError) -> tuple[BaseException | None, str | None, str]:
    """The driver's own error, its SQLSTATE and its primary message."""
    orig = exc.orig if isinstance(exc, sa_exc.DBAPIError) else exc
    diag = getattr(orig, "diag", None)
    detail = (getattr(diag, "message_primary", None) or str(orig)).strip()
    return orig, getattr(orig, "sqlstate", None), detail


def _specific(exc: DriverError, context: dict[str, object]) -> errors.FootcastError | None:
    """The footcast error a driver error means, when it means one: a lost connection, a
    transient failure, a unique violation or a locked prediction; None for anything else."""
    orig, sqlstate, detail = _parts(exc)
    diag = getattr(orig, "diag", None)
    if sqlstate == LOCKED:
        return errors.PredictionLocked(detail, **context)
    if sqlstate == UNIQUE:
        constraint = getattr(diag, "constraint_name", None)
        return errors.Conflict(f"{detail} (constraint {constraint})", **context)
    operational = isinstance(orig, psycopg.OperationalError) or isinstance(
        exc, sa_exc.OperationalError
    )
    broken = isinstance(orig, psycopg.InterfaceError) or isinstance(exc, sa_exc.InterfaceError)
    invalidated = isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated
    if (
        invalidated
        or (sqlstate or "").startswith(_LOST)
        or (sqlstate is None and (operational or broken))
    ):  # a refused or lost connection (a pool that can not open too) carries no SQLSTATE
        return errors.DatabaseUnavailable(None, **context)
    if operational:
        return errors.DatabaseBusy(
            f"the database could not finish the work now: {detail}", **context
        )
    return None


def translate(exc: DriverError, **context: object) -> errors.FootcastError:
    """The most specific footcast error for a driver error; the driver error stays on __cause__."""
    found = _specific(exc, context)
    if found is not None:
        return found
    _, sqlstate, detail = _parts(exc)
    if sqlstate and sqlstate.startswith("23"):
        return errors.Conflict(detail, **context)
    return errors.DatabaseError(detail, **context)


@contextmanager
def translated(**context: object) -> Iterator[None]:
    """Raise driver errors in the block as footcast errors: a lost connection, a transient
    failure, a unique violation, a locked prediction. Other driver errors (a bug in a query)
    pass unchanged, so they stay bugs."""
    try:
        yield
    except (sa_exc.DBAPIError, psycopg.Error) as exc:
        found = _specific(exc, context)
        if found is None:
            raise
        raise found from exc
