"""What the LLMs cost: tokens and USD per model, per season, from the stored predictions and the
terminal failures' recorded cost (a failed answer was paid for too)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db.tables import Competition, Forecaster, Match, Prediction, Season
from footcast.domain.names import ForecasterKind

__all__ = ["ModelCost", "by_model"]


@dataclass(frozen=True, kw_only=True)
class ModelCost:
    model: str
    competition: str
    season: str | None
    matches: int  # predictions stored
    prompt_tokens: int
    completion_tokens: int
    cost_usd: Decimal | None  # None: no prediction recorded a cost

    @property
    def per_match(self) -> tuple[float, float, Decimal | None]:
        """Mean prompt tokens, completion tokens and USD per predicted match."""
        if not self.matches:
            return 0.0, 0.0, None
        cost = None if self.cost_usd is None else self.cost_usd / self.matches
        return self.prompt_tokens / self.matches, self.completion_tokens / self.matches, cost


def by_model(session: Session, *, season: str | None = None) -> list[ModelCost]:
    """One row per (LLM, competition, season) with stored predictions; of ``season`` if given."""
    stmt = (
        sa.select(
            Forecaster.name,
            Competition.code,
            Season.label,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(Prediction.prompt_tokens), 0),
            sa.func.coalesce(sa.func.sum(Prediction.completion_tokens), 0),
            sa.func.sum(Prediction.cost_usd),
        )
        .join(Prediction, Prediction.forecaster_id == Forecaster.id)
        .join(Match, Match.id == Prediction.match_id)
        .join(Competition, Competition.id == Match.competition_id)
        .outerjoin(Season, Season.id == Match.season_id)
        .where(Forecaster.kind == ForecasterKind.LLM)
        .group_by(Forecaster.name, Competition.code, Season.label)
        .order_by(Forecaster.name, Competition.code, Season.label)
    )
    if season is not None:
        stmt = stmt.where(Season.label == season)
    return [
        ModelCost(
            model=name,
            competition=code,
            season=label,
            matches=int(count),
            prompt_tokens=int(prompt or 0),
            completion_tokens=int(completion or 0),
            cost_usd=cost,
        )
        for name, code, label, count, prompt, completion, cost in session.execute(stmt)
    ]
