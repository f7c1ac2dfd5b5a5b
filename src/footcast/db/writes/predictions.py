"""Predictions: one per (match, forecaster), written once and locked after the deadline."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast.db import _errors
from footcast.db.tables import Forecaster, Prediction
from footcast.domain import forecast, probabilistic, scoring, settlement

__all__ = [
    "facts_of_match",
    "lock_match",
    "predicted_by",
    "save_many",
    "save_prediction",
    "totals",
]


def _forecast_columns(prediction: forecast.Forecast) -> dict[str, object]:
    probabilities, trace = prediction.probabilities, prediction.trace
    return {
        "home_goals": prediction.home_goals,
        "away_goals": prediction.away_goals,
        "p_home": probabilities.home if probabilities else None,
        "p_draw": probabilities.draw if probabilities else None,
        "p_away": probabilities.away if probabilities else None,
        "raw_prompt": trace.prompt if trace else None,
        "raw_response": trace.response if trace else None,
        "prompt_tokens": trace.prompt_tokens if trace else None,
        "completion_tokens": trace.completion_tokens if trace else None,
        "latency_ms": trace.latency_ms if trace else None,
        "cost_usd": trace.cost_usd if trace else None,
    }


def save_prediction(
    session: Session,
    *,
    match_id: int,
    forecaster_id: int,
    prediction: forecast.Forecast,
    created_at: datetime,
    replace: bool = False,
    analysis_snapshot_id: int | None = None,
    raw_prompt: str | None = None,
    raw_response: str | None = None,
    prompt_tokens: int | None = None,
    completion_tokens: int | None = None,
    latency_ms: int | None = None,
    cost_usd: Decimal | None = None,
) -> tuple[int, bool]:
    """Store a prediction; return its id and whether this call wrote it.

    An existing prediction is kept as it is unless ``replace`` (allowed only before the deadline:
    the database refuses it after).

    Raises:
        PredictionLocked: ``replace`` after the deadline.
    """
    values = {
        **_forecast_columns(prediction),
        "created_at": created_at,
        "analysis_snapshot_id": analysis_snapshot_id,
        "raw_prompt": raw_prompt,
        "raw_response": raw_response,
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "latency_ms": latency_ms,
        "cost_usd": cost_usd,
    }
    stmt = insert(Prediction).values(match_id=match_id, forecaster_id=forecaster_id, **values)
    keys = [Prediction.match_id, Prediction.forecaster_id]
    stmt = (
        stmt.on_conflict_do_update(index_elements=keys, set_=values)
        if replace
        else stmt.on_conflict_do_nothing(index_elements=keys)
    )
    try:
        with session.begin_nested():
            written = session.execute(stmt.returning(Prediction.id)).scalar_one_or_none()
    except sa_exc.DBAPIError as exc:
        raise _errors.translate(exc, match_id=match_id, forecaster_id=forecaster_id) from exc
    if written is not None:
        return int(written), True
    existing = session.execute(
        sa.select(Prediction.id).where(
            Prediction.match_id == match_id, Prediction.forecaster_id == forecaster_id
        )
    ).scalar_one()
    return int(existing), False


_FACTS_OF_MATCH = sa.text(
    """
    SELECT id, forecaster_id, home_goals, away_goals, p_home, p_draw, p_away, retroactive
    FROM predictions WHERE match_id = :match_id
    """
)


def facts_of_match(session: Session, match_id: int) -> list[settlement.PredictionFacts]:
    """Every stored prediction of a match, as settlement sees them."""
    rows = session.execute(_FACTS_OF_MATCH, {"match_id": match_id})
    return [
        settlement.PredictionFacts(
            id=row.id,
            forecaster_id=row.forecaster_id,
            score=scoring.Score(home=row.home_goals, away=row.away_goals),
            probabilities=None
            if row.p_home is None
            else probabilistic.Probabilities(home=row.p_home, draw=row.p_draw, away=row.p_away),
            retroactive=row.retroactive,
        )
        for row in rows
    ]


_MATCH_LOCK = 0x70726564  # "pred": the key space of per-match advisory locks


def lock_match(session: Session, match_id: int) -> None:
    """Hold the match's prediction lock until the transaction ends: two runs of one prediction
    job (a worker thought dead and its replacement) write one after the other, and the second
    sees what the first stored."""
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(_MATCH_LOCK, match_id)))


def predicted_by(session: Session, match_id: int) -> set[int]:
    """Ids of the forecasters with a stored prediction of the match."""
    return set(
        session.execute(
            sa.select(Prediction.forecaster_id).where(Prediction.match_id == match_id)
        ).scalars()
    )


# one short statement, whatever the number of rows: the columns travel as arrays (a multi-row
# VALUES list is a different, long text for every row count, which psycopg parses afresh)
_SAVE_MANY = sa.text(
    """
    INSERT INTO predictions (
        match_id, created_at, analysis_snapshot_id, forecaster_id, home_goals, away_goals,
        p_home, p_draw, p_away, raw_prompt, raw_response, prompt_tokens, completion_tokens,
        latency_ms, cost_usd
    )
    SELECT :match_id, :created_at, :analysis_snapshot_id, * FROM unnest(
        CAST(:forecaster_id AS int[]), CAST(:home_goals AS int[]), CAST(:away_goals AS int[]),
        CAST(:p_home AS float8[]), CAST(:p_draw AS float8[]), CAST(:p_away AS float8[]),
        CAST(:raw_prompt AS text[]), CAST(:raw_response AS text[]),
        CAST(:prompt_tokens AS int[]), CAST(:completion_tokens AS int[]),
        CAST(:latency_ms AS int[]), CAST(:cost_usd AS numeric[])
    )
    ON CONFLICT (match_id, forecaster_id) DO NOTHING
    RETURNING id
    """
)


def save_many(
    session: Session,
    *,
    match_id: int,
    forecasts: dict[int, forecast.Forecast],
    created_at: datetime,
    analysis_snapshot_id: int | None,
) -> int:
    """Store one prediction per forecaster id in one statement; existing ones are kept.
    Returns how many were written."""
    if not forecasts:
        return 0
    rows = [_forecast_columns(prediction) for prediction in forecasts.values()]
    columns = {name: [row[name] for row in rows] for name in rows[0]}
    try:
        with session.begin_nested():
            written = session.execute(
                _SAVE_MANY,
                {
                    "match_id": match_id,
                    "created_at": created_at,
                    "analysis_snapshot_id": analysis_snapshot_id,
                    "forecaster_id": list(forecasts),
                    **columns,
                },
            )
            return len(written.all())
    except sa_exc.DBAPIError as exc:
        raise _errors.translate(exc, match_id=match_id) from exc


def totals(session: Session) -> dict[str, tuple[int, Decimal | None]]:
    """Forecaster name -> (predictions stored, their summed cost in USD when any has one)."""
    rows = session.execute(
        sa.select(Forecaster.name, sa.func.count(), sa.func.sum(Prediction.cost_usd))
        .join(Prediction, Prediction.forecaster_id == Forecaster.id)
        .group_by(Forecaster.name)
    )
    return {str(name): (int(count), cost) for name, count, cost in rows}
