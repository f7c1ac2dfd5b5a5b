"""A fixture as a source tells it: the one shape every source hands the pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from footcast.domain.names import MatchStatus

__all__ = ["Fixture"]


@dataclass(frozen=True, kw_only=True)
class Fixture:
    """One match as the source knows it at the time asked.

    Goals are the 90-minute score (the current score while live),
    ``None`` before kickoff.
    """

    external_id: str
    competition: str
    competition_name: str
    season: str
    round: str | None
    home: str
    away: str
    kickoff: datetime
    status: MatchStatus
    home_goals: int | None = None
    away_goals: int | None = None
    home_goals_ht: int | None = None
    away_goals_ht: int | None = None
    minute: int | None = None
    home_api_id: int | None = None  # API-Football's team ids, when the source is API-Football
    away_api_id: int | None = None
