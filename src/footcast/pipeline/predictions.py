"""Recording a forecaster's prediction for a match."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from footcast.clock import Clock
from footcast.db import engine
from footcast.db.writes import forecasters, matches, predictions
from footcast.domain import forecast

__all__ = ["Recorded", "record_prediction"]


@dataclass(frozen=True, kw_only=True)
class Recorded:
    prediction_id: int
    written: bool
    retroactive: bool


def record_prediction(
    session: Session,
    clock: Clock,
    *,
    match_id: int,
    forecaster: str,
    prediction: forecast.Forecast,
    replace: bool = False,
) -> Recorded:
    """Store ``forecaster``'s prediction for a match at the clock's time.

    Raises:
        NotFound: the match or the forecaster does not exist.
        PredictionLocked: ``replace`` after the deadline.
    """
    now = clock.now()
    engine.use_clock(session, now)
    match = matches.get_match(session, match_id)
    who = forecasters.by_name(session, forecaster)
    prediction_id, written = predictions.save_prediction(
        session,
        match_id=match_id,
        forecaster_id=who.id,
        prediction=prediction,
        created_at=now,
        replace=replace,
    )
    return Recorded(
        prediction_id=prediction_id,
        written=written,
        retroactive=now > match.prediction_deadline,
    )
