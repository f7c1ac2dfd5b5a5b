"""Database errors become footcast errors here, at the boundary (``raise ... from exc``)."""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

from footcast import errors

__all__ = ["translate"]

LOCKED = "FC001"  # raised by footcast_predictions_lock() (migration 0001)


def translate(exc: sa_exc.DBAPIError, **context: object) -> errors.FootcastError:
    """The most specific footcast error for a driver error; the driver error stays on __cause__."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    diag = getattr(orig, "diag", None)
    detail = (getattr(diag, "message_primary", None) or str(orig)).strip()
    if sqlstate == LOCKED:
        return errors.PredictionLocked(detail, **context)
    if sqlstate == "23505":
        constraint = getattr(diag, "constraint_name", None)
        return errors.Conflict(f"{detail} (constraint {constraint})", **context)
    if (sqlstate and sqlstate.startswith("08")) or (
        sqlstate is None and isinstance(exc, sa_exc.OperationalError)
    ):  # a refused or lost connection carries no SQLSTATE at all
        return errors.DatabaseUnavailable(detail, **context)
    if sqlstate and sqlstate.startswith("23"):
        return errors.Conflict(detail, **context)
    return errors.DatabaseError(detail, **context)
