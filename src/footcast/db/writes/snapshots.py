"""Analysis snapshots and lineups: what forecasters see, stored with the time it was known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast.db.tables import AnalysisSnapshot, Lineup, Match
from footcast.domain.analysis import Lineups, PastMatch, Snapshot
from footcast.domain.names import MatchStatus

__all__ = [
    "StoredSnapshot",
    "history",
    "latest_valid",
    "lineups_of",
    "save_lineups",
    "save_snapshot",
]

_HISTORY = sa.text(
    f"""
    SELECT m.kickoff_at, h.name, a.name, m.home_goals, m.away_goals, s.label
    FROM matches m JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id
    LEFT JOIN seasons s ON s.id = m.season_id
    WHERE m.competition_id = :competition_id AND m.status = '{MatchStatus.FINISHED}'
      AND m.home_goals IS NOT NULL AND m.kickoff_at + :known_after <= :as_of
      AND m.kickoff_at >= :since
    ORDER BY m.kickoff_at, m.id
    """
)


def history(
    session: Session,
    *,
    competition_id: int,
    as_of: datetime,
    known_after: timedelta,
    window: timedelta,
) -> tuple[PastMatch, ...]:
    """Results of the competition known at ``as_of`` that kicked off within ``window`` before
    it: a match counts once ``known_after`` has passed since its kickoff (so a result decided
    after ``as_of`` never leaks in)."""
    rows = session.execute(
        _HISTORY,
        {
            "competition_id": competition_id,
            "as_of": as_of,
            "known_after": known_after,
            "since": as_of - window,
        },
    )
    return tuple(
        PastMatch(kickoff=k, home=h, away=a, home_goals=hg, away_goals=ag, season=season)
        for k, h, a, hg, ag, season in rows
    )


@dataclass(frozen=True, kw_only=True)
class StoredSnapshot:
    id: int
    snapshot: Snapshot


def save_snapshot(session: Session, snapshot: Snapshot, *, now: datetime) -> int:
    """Store a snapshot (once per content hash) and return its id."""
    digest = snapshot.content_hash()
    stmt = (
        insert(AnalysisSnapshot)
        .values(
            match_id=snapshot.match_id,
            as_of=snapshot.as_of,
            payload=snapshot.to_payload(),
            input_hash=digest,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["match_id", "input_hash"])
        .returning(AnalysisSnapshot.id)
    )
    written = session.execute(stmt).scalar_one_or_none()
    if written is not None:
        return int(written)
    return int(
        session.execute(
            sa.select(AnalysisSnapshot.id).where(
                AnalysisSnapshot.match_id == snapshot.match_id,
                AnalysisSnapshot.input_hash == digest,
            )
        ).scalar_one()
    )


def latest_valid(session: Session, match: Match, *, lead: timedelta) -> StoredSnapshot | None:
    """The newest snapshot of ``match`` built within ``lead`` before its kickoff (never after)."""
    row = session.execute(
        sa.select(AnalysisSnapshot.id, AnalysisSnapshot.payload)
        .where(
            AnalysisSnapshot.match_id == match.id,
            AnalysisSnapshot.as_of >= match.kickoff_at - lead,
            AnalysisSnapshot.as_of <= match.kickoff_at,
        )
        .order_by(AnalysisSnapshot.as_of.desc(), AnalysisSnapshot.id.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    return StoredSnapshot(id=int(row.id), snapshot=Snapshot.from_payload(row.payload))


def save_lineups(session: Session, match: Match, lineups: Lineups | None, *, now: datetime) -> None:
    """Store both teams' lineups, or record that none were available."""
    for team_id, players in (
        (match.home_team_id, lineups.home if lineups else None),
        (match.away_team_id, lineups.away if lineups else None),
    ):
        values = {
            "available": players is not None,
            "starting": list(players) if players is not None else None,
            "fetched_at": now,
        }
        stmt = insert(Lineup).values(match_id=match.id, team_id=team_id, **values)
        session.execute(
            stmt.on_conflict_do_update(index_elements=["match_id", "team_id"], set_=values)
        )


def lineups_of(session: Session, match: Match, *, known_at: datetime) -> Lineups | None:
    """The lineups of ``match`` stored by ``known_at`` when both teams' are available."""
    rows: dict[int, list[str] | None] = dict(
        session.execute(
            sa.select(Lineup.team_id, Lineup.starting).where(
                Lineup.match_id == match.id, Lineup.available, Lineup.fetched_at <= known_at
            )
        ).all()
    )
    home, away = rows.get(match.home_team_id), rows.get(match.away_team_id)
    if home is None or away is None:
        return None
    return Lineups(home=tuple(home), away=tuple(away))
