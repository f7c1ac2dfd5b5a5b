"""Bookmakers' 1X2 odds per match, each with the moment it became known."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast.db.tables import MatchOdds
from footcast.domain.analysis import Odds, preferred_odds

__all__ = ["Quote", "latest", "save_many"]


@dataclass(frozen=True, kw_only=True)
class Quote:
    match_id: int
    kind: str  # "pre" or "closing"
    odds: Odds
    published_at: datetime


def save_many(session: Session, quotes: Sequence[Quote]) -> None:
    """Store quotes; a quote already stored for (match, bookmaker, kind) is replaced."""
    if not quotes:
        return
    stmt = insert(MatchOdds)
    columns = ("home", "draw", "away", "published_at")
    stmt = stmt.on_conflict_do_update(
        index_elements=[MatchOdds.match_id, MatchOdds.bookmaker, MatchOdds.kind],
        set_={c: getattr(stmt.excluded, c) for c in columns},
    )
    # one statement compiled once, sent as a batch (a multi-row VALUES of thousands of
    # parameters spends its time compiling)
    session.connection().execute(
        stmt,
        [
            {
                "match_id": q.match_id,
                "bookmaker": q.odds.bookmaker or "unknown",
                "kind": q.kind,
                "home": q.odds.home,
                "draw": q.odds.draw,
                "away": q.odds.away,
                "published_at": q.published_at,
            }
            for q in quotes
        ],
    )


def latest(session: Session, match_id: int, *, now: datetime) -> Odds | None:
    """The pre-match odds of ``match_id`` known at ``now`` (the preferred bookmaker first)."""
    rows = session.execute(
        sa.select(MatchOdds.bookmaker, MatchOdds.home, MatchOdds.draw, MatchOdds.away).where(
            MatchOdds.match_id == match_id,
            MatchOdds.kind == "pre",
            MatchOdds.published_at <= now,
        )
    ).all()
    return preferred_odds(
        Odds(home=r.home, draw=r.draw, away=r.away, bookmaker=r.bookmaker) for r in rows
    )
