"""Every error footcast raises on purpose, with a stable code and a root-cause category.

The tree; a category in brackets is set on that class, and a class without one inherits its
parent's::

    FootcastError           [bug]             footcast failed
    ├── ConfigError         [infrastructure]  bad settings or configuration files
    ├── DatabaseError       [infrastructure]  the database failed
    │   ├── DatabaseUnavailable               the database can not be reached (retryable)
    │   ├── DatabaseBusy                      a deadlock, timeout or full server (retryable)
    │   └── SchemaMissing                     the database has no (or an older) footcast schema
    ├── SourceError         [provider error]  a data provider failed
    │   ├── SourceUnavailable                 the provider can not be reached now (retryable)
    │   │   └── RateLimited                   the per-minute limit was hit (retryable)
    │   ├── QuotaExhausted                    the daily request budget is used up
    │   ├── SourceAuthError                   the provider refused the API key (or none is set)
    │   ├── SourceRejected                    the provider refused the parameters or plan
    │   └── MalformedResponse                 the body is not the provider's format (retryable)
    ├── InvalidInput        [data missing]    a file or value given to footcast is malformed
    ├── ForecasterError     [provider error]  a forecaster failed
    │   ├── ProviderUnavailable               the forecaster's provider failed (retryable)
    │   │   └── CircuitOpen                   it failed repeatedly; requests wait (retryable)
    │   ├── ProviderRejected                  it refused the request (key, model, parameters)
    │   └── InvalidForecast                   a forecast breaks the rules (goals, probabilities)
    │       └── InvalidOutput                 an LLM's answer is no prediction, even repaired
    ├── PipelineError       [data missing]    a pipeline stage failed
    │   ├── NotSettleable                     a match can not be settled (no score, status)
    │   ├── NotReady                          a stage's inputs are not there yet (retryable)
    │   │   └── Resting     [provider error]  waits for a provider's rest to end (retried then)
    │   └── FailureUnrecorded [infrastructure] a failure could not be written to the ledger
    │                                         (retried past the attempt limit, so no job
    │                                         ends without a reason)
    ├── NotFound            [data missing]    a match, forecaster, ... does not exist
    └── Conflict            [data missing]    the change contradicts what is stored
        └── PredictionLocked                  a prediction's deadline has passed; it is fixed

``footcast failures investigate`` reports ``not_ready`` at settlement as "no predictions".

Each class has a stable ``code`` (used in the failure ledger, HTTP bodies and CLI output), a
``retryable`` flag, a ``category`` (the root cause ``footcast failures investigate`` shows), and
its docstring as the default message. Keyword arguments given to the constructor are kept in
``context`` (``match_id=...``) for the failure ledger. ``by_code`` finds a class by its code.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum

__all__ = [
    "Category",
    "CircuitOpen",
    "ConfigError",
    "Conflict",
    "DatabaseBusy",
    "DatabaseError",
    "DatabaseUnavailable",
    "FailureUnrecorded",
    "FootcastError",
    "ForecasterError",
    "InvalidForecast",
    "InvalidInput",
    "InvalidOutput",
    "MalformedResponse",
    "NotFound",
    "NotReady",
    "NotSettleable",
    "PipelineError",
    "PredictionLocked",
    "ProviderRejected",
    "ProviderUnavailable",
    "QuotaExhausted",
    "RateLimited",
    "Resting",
    "SchemaMissing",
    "SourceAuthError",
    "SourceError",
    "SourceRejected",
    "SourceUnavailable",
    "by_code",
]


class Category(StrEnum):
    """The root cause of a failure, as ``footcast failures investigate`` groups them."""

    DATA = "data missing"
    PREDICTIONS = "no predictions"
    PROVIDER = "provider error"
    INFRASTRUCTURE = "infrastructure"
    BUG = "bug"


class FootcastError(Exception):
    """footcast failed."""

    code = "footcast_error"
    retryable = False
    category = Category.BUG

    def __init__(self, message: str | None = None, **context: object) -> None:
        super().__init__(message or (self.__doc__ or self.code).strip())
        self.message = str(self.args[0])
        self.context = context


class ConfigError(FootcastError):
    """The configuration is invalid."""

    code = "config_error"
    category = Category.INFRASTRUCTURE


class DatabaseError(FootcastError):
    """The database failed."""

    code = "database_error"
    category = Category.INFRASTRUCTURE


class DatabaseUnavailable(DatabaseError):
    """The database can not be reached."""

    code = "database_unavailable"
    retryable = True


class DatabaseBusy(DatabaseError):
    """The database could not finish the work now (a deadlock, a timeout, no resources)."""

    code = "database_busy"
    retryable = True


class SchemaMissing(DatabaseError):
    """the database has no footcast schema, or an older one; run `footcast db upgrade`."""

    code = "schema_missing"


class SourceError(FootcastError):
    """A data source failed."""

    code = "source_error"
    category = Category.PROVIDER


class SourceUnavailable(SourceError):
    """the data provider can not be reached right now."""

    code = "source_unavailable"
    retryable = True


class RateLimited(SourceUnavailable):
    """the provider's per-minute request limit was reached; try again after a wait."""

    code = "rate_limited"


class QuotaExhausted(SourceError):
    """the daily request budget is used up; requests resume after the budget resets."""

    code = "quota_exhausted"


class SourceAuthError(SourceError):
    """the provider refused the API key, or no key is configured."""

    code = "source_auth"


class SourceRejected(SourceError):
    """the provider refused the request (a bad parameter, or the plan does not cover it)."""

    code = "source_rejected"


class MalformedResponse(SourceError):
    """the provider's answer is not in its documented format."""

    code = "malformed_response"
    retryable = True


class InvalidInput(FootcastError):
    """The input is malformed."""

    code = "invalid_input"
    category = Category.DATA


class ForecasterError(FootcastError):
    """A forecaster failed."""

    code = "forecaster_error"
    category = Category.PROVIDER


class ProviderUnavailable(ForecasterError):
    """The forecaster's provider is unavailable."""

    code = "provider_unavailable"
    retryable = True


class CircuitOpen(ProviderUnavailable):
    """the provider failed repeatedly; its requests wait until the circuit closes again."""

    code = "circuit_open"


class ProviderRejected(ForecasterError):
    """the provider refused the request (API key, model name or parameters); retrying will not
    help."""

    code = "provider_rejected"


class InvalidForecast(ForecasterError):
    """The forecast breaks the rules for a prediction."""

    code = "invalid_forecast"


class InvalidOutput(InvalidForecast):
    """the model's answer is not a prediction, even after one repair attempt."""

    code = "invalid_output"


class PipelineError(FootcastError):
    """A pipeline stage failed."""

    code = "pipeline_error"
    category = Category.DATA


class NotSettleable(PipelineError):
    """The match can not be settled."""

    code = "not_settleable"


class NotReady(PipelineError):
    """a stage's inputs are not there yet; it will be tried again."""

    code = "not_ready"
    retryable = True


class FailureUnrecorded(PipelineError):
    """A job failed and its failure could not be written to the ledger; it runs again."""

    code = "failure_unrecorded"
    retryable = True
    category = Category.INFRASTRUCTURE


class Resting(NotReady):
    """The work waits for providers that rest until a known time; it runs again then."""

    code = "resting"
    category = Category.PROVIDER

    def __init__(self, message: str | None = None, *, until: datetime, **context: object) -> None:
        super().__init__(message, until=until, **context)
        self.until = until


class NotFound(FootcastError):
    """The requested object does not exist."""

    code = "not_found"
    category = Category.DATA


class Conflict(FootcastError):
    """The change contradicts what is stored."""

    code = "conflict"
    category = Category.DATA


class PredictionLocked(Conflict):
    """The prediction's deadline has passed; it can not be changed."""

    code = "prediction_locked"


def _classes(root: type[FootcastError]) -> Iterator[type[FootcastError]]:
    yield root
    for sub in root.__subclasses__():
        yield from _classes(sub)


def by_code(code: str) -> type[FootcastError] | None:
    """The error class whose ``code`` is ``code``; None for a code footcast does not raise."""
    return next((kind for kind in _classes(FootcastError) if kind.code == code), None)
