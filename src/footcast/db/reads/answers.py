"""What one LLM forecaster answered: its stored predictions' raw answers and latencies, and its
terminal prediction failures (the demo's and the model checks' report)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db.tables import Failure, Forecaster, Prediction
from footcast.domain.names import ACTIVE_FAILURE, Stage, key_prefix

__all__ = ["Answers", "of_forecaster"]


@dataclass(frozen=True, kw_only=True)
class Answers:
    predictions: tuple[tuple[str, int | None], ...]  # raw answer (repairs joined), latency ms
    failures: tuple[tuple[str, str, int | None], ...]  # error code, raw answer (or message), ms


def of_forecaster(session: Session, name: str) -> Answers:
    """The answers behind ``name``'s predictions, and its terminal prediction failures."""
    predictions = session.execute(
        sa.select(Prediction.raw_response, Prediction.latency_ms)
        .join(Forecaster, Forecaster.id == Prediction.forecaster_id)
        .where(Forecaster.name == name)
        .order_by(Prediction.id)
    ).all()
    failures = session.execute(
        sa.select(
            Failure.error_code,
            Failure.payload["response"].astext,
            Failure.message,
            Failure.payload["latency_ms"].astext,
        )
        .where(
            Failure.stage == Stage.PREDICTIONS,
            Failure.key.like(f"{key_prefix(Stage.PREDICTIONS)}:%:{name}"),
            Failure.terminal,
            Failure.state.in_(list(ACTIVE_FAILURE)),
        )
        .order_by(Failure.id)
    ).all()
    return Answers(
        predictions=tuple((raw or "", latency) for raw, latency in predictions),
        failures=tuple(
            (code, response or message, int(ms) if ms and ms.isdigit() else None)
            for code, response, message, ms in failures
        ),
    )
