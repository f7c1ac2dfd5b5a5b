"""Competitions, seasons, teams and matches: upserts by provider identity, and look-ups."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast import errors
from footcast.db.models import Competition, Match, Season, Team

__all__ = [
    "get_match",
    "record_result",
    "upsert_competition",
    "upsert_match",
    "upsert_season",
    "upsert_team",
]


def upsert_competition(
    session: Session, *, code: str, name: str, scoring_rule: str = "quota-v1"
) -> int:
    stmt = insert(Competition).values(code=code, name=name, scoring_rule=scoring_rule)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Competition.code], set_={"name": name, "scoring_rule": scoring_rule}
    )
    return int(session.execute(stmt.returning(Competition.id)).scalar_one())


def upsert_season(session: Session, *, competition_id: int, label: str) -> int:
    stmt = insert(Season).values(competition_id=competition_id, label=label)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Season.competition_id, Season.label], set_={"label": label}
    )
    return int(session.execute(stmt.returning(Season.id)).scalar_one())


def upsert_team(session: Session, *, name: str, short_name: str | None = None) -> int:
    stmt = insert(Team).values(name=name, short_name=short_name)
    stmt = stmt.on_conflict_do_update(index_elements=[Team.name], set_={"name": name})
    return int(session.execute(stmt.returning(Team.id)).scalar_one())


def upsert_match(
    session: Session,
    *,
    source: str,
    external_id: str,
    competition_id: int,
    home_team_id: int,
    away_team_id: int,
    kickoff_at: datetime,
    now: datetime,
    season_id: int | None = None,
    round: str | None = None,
    status: str = "scheduled",
) -> int:
    """Insert or update a fixture by (source, external id); the deadline follows the kickoff."""
    values = {
        "competition_id": competition_id,
        "season_id": season_id,
        "home_team_id": home_team_id,
        "away_team_id": away_team_id,
        "kickoff_at": kickoff_at,
        "prediction_deadline": kickoff_at,
        "round": round,
        "status": status,
        "updated_at": now,
    }
    stmt = insert(Match).values(source=source, external_id=external_id, created_at=now, **values)
    stmt = stmt.on_conflict_do_update(index_elements=[Match.source, Match.external_id], set_=values)
    return int(session.execute(stmt.returning(Match.id)).scalar_one())


def get_match(session: Session, match_id: int, *, lock: bool = False) -> Match:
    """The match with ``match_id`` (row-locked when ``lock``).

    Raises:
        NotFound: no such match.
    """
    stmt = sa.select(Match).where(Match.id == match_id)
    if lock:
        stmt = stmt.with_for_update()
    match = session.execute(stmt).scalar_one_or_none()
    if match is None:
        raise errors.NotFound(f"match {match_id} does not exist", match_id=match_id)
    return match


def record_result(session: Session, match_id: int, *, home: int, away: int, now: datetime) -> None:
    """Store the 90-minute result and mark the match finished (a correction overwrites it)."""
    if home < 0 or away < 0:
        raise errors.Conflict(
            f"a final score can not be negative: {home}:{away}", match_id=match_id
        )
    get_match(session, match_id, lock=True)
    session.execute(
        sa.update(Match)
        .where(Match.id == match_id)
        .values(home_goals=home, away_goals=away, status="finished", updated_at=now)
    )
