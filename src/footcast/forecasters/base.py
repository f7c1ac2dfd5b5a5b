"""The forecaster protocol: a snapshot in, a forecast out, or a classified error."""

from __future__ import annotations

from typing import Protocol

from footcast.domain.analysis import Need, Snapshot
from footcast.domain.forecast import Forecast

__all__ = ["Forecaster"]


class Forecaster(Protocol):
    """Predicts one match from its point-in-time snapshot.

    Raises ``errors.ForecasterError`` subclasses: ``ProviderUnavailable`` (retryable),
    ``InvalidForecast`` (invalid output), or another ``ForecasterError`` (permanent).
    """

    name: str
    needs: frozenset[Need]
    """What the snapshot must hold for this forecaster to predict; where any is absent it
    abstains instead of being asked (``Snapshot.lacks``)."""
    remote: bool
    """Whether asking waits on something else (a provider over the network): such forecasters
    are asked side by side in threads; the others compute in the job's own thread, where more
    threads would only take turns holding the interpreter."""

    def predict(self, snapshot: Snapshot) -> Forecast: ...
