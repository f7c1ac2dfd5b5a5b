"""The crowd of a match: the predictions the consensus forecaster combines."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db.reads.contamination import contaminated_predictions
from footcast.db.tables import Forecaster, Prediction
from footcast.domain import forecast, probabilistic
from footcast.domain.names import ForecasterKind

__all__ = ["on_time_forecasts"]


def on_time_forecasts(session: Session, match_id: int, *, by: datetime) -> list[forecast.Forecast]:
    """The competitors' on-time predictions of a match stored by ``by``, oldest first.

    Competitors: no reference row (market, baselines, the consensus itself). On time: not
    retroactive (the database derives it from the match's deadline). Stored by ``by``: created
    then or before, and visible to this transaction. Contaminated predictions (the model may
    have read the result: ``contaminated_predictions``) are left out, so the consensus, which
    is never marked contaminated itself, carries no memory of a result into the clean table.
    """
    contaminated = sa.select(contaminated_predictions.c.prediction_id).where(
        contaminated_predictions.c.match_id == match_id
    )
    rows = session.execute(
        sa.select(
            Prediction.home_goals,
            Prediction.away_goals,
            Prediction.p_home,
            Prediction.p_draw,
            Prediction.p_away,
        )
        .join(Forecaster, Forecaster.id == Prediction.forecaster_id)
        .where(
            Prediction.match_id == match_id,
            Prediction.retroactive.is_(False),
            Prediction.created_at <= by,
            Forecaster.reference.is_(False),
            Forecaster.kind != ForecasterKind.CONSENSUS,
            Prediction.id.not_in(contaminated),
        )
        .order_by(Prediction.created_at, Prediction.id)
    )
    return [
        forecast.Forecast(
            home_goals=home,
            away_goals=away,
            # all three or none (a check of the table)
            probabilities=None
            if p_home is None or p_draw is None or p_away is None
            else probabilistic.Probabilities(home=p_home, draw=p_draw, away=p_away),
        )
        for home, away, p_home, p_draw, p_away in rows
    ]
