"""The facts behind /api/health and the admin's pipeline health: every query is bounded by a
kickoff window (indexed) or by the queue's active jobs (a partial index), so they stay cheap
however many matches and jobs the database holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.config import Windows
from footcast.db import _sql
from footcast.db.engine import Database
from footcast.db.reads import owed
from footcast.domain import gaps, names
from footcast.domain.gaps import Severity
from footcast.domain.names import MatchStatus, Stage

__all__ = ["Coverage", "Gap", "Queue", "coverage", "ping", "pipeline_gaps", "queue"]

# owed (match, forecaster) pairs of matches whose deadline falls in (start, end], and the
# predictions stored for them
_COVERAGE = sa.text(
    f"""
    SELECT count(DISTINCT o.match_id) AS matches, count(*) AS owed, count(p.id) AS predicted
    FROM {owed.OWED} o
    LEFT JOIN predictions p ON p.match_id = o.match_id AND p.forecaster_id = o.forecaster_id
    WHERE o.deadline > :start AND o.deadline <= :end
    """
)
_QUEUE = sa.text(
    f"""
    SELECT count(*) FILTER (WHERE status = {_sql.TODO} AND coalesce(scheduled_at, e.at) <= :now),
           count(*) FILTER (WHERE status = {_sql.DOING}),
           extract(epoch FROM :now - min(coalesce(scheduled_at, e.at))
                   FILTER (WHERE status = {_sql.TODO} AND coalesce(scheduled_at, e.at) <= :now))
    FROM procrastinate_jobs j
    LEFT JOIN LATERAL (SELECT min(at) AS at FROM procrastinate_events
                       WHERE job_id = j.id AND type = 'deferred') e ON true
    WHERE status IN ({_sql.TODO}, {_sql.DOING})
    """
)
_MATCHES = sa.text(
    f"""
    SELECT m.id, m.kickoff_at, m.status, h.name, a.name, c.code,
           m.status = '{MatchStatus.SCHEDULED}' AND m.kickoff_at > :now
           AND :now >= m.kickoff_at - :analysis_lead
           AND NOT EXISTS (SELECT 1 FROM analysis_snapshots s WHERE s.match_id = m.id
                           AND s.as_of >= m.kickoff_at - :analysis_lead) AS no_analysis,
           EXISTS (SELECT 1 FROM procrastinate_jobs j
                   WHERE {_sql.busy(_sql.unit_key(Stage.ANALYSIS, "m.id"))}
                      OR {_sql.busy(_sql.unit_key(Stage.LINEUPS, "m.id"))}
                      OR {_sql.busy(_sql.unit_key(Stage.PREDICTIONS, "m.id"))}
                      OR {_sql.busy(_sql.unit_key(Stage.CONSENSUS, "m.id"))}) AS queued
    FROM matches m JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id
    JOIN competitions c ON c.id = m.competition_id
    WHERE m.kickoff_at >= :since AND m.kickoff_at <= :until
      AND m.status NOT IN ({_sql.in_list(names.DEAD)})
    ORDER BY m.kickoff_at, m.id
    """
)


@dataclass(frozen=True, kw_only=True)
class Coverage:
    matches: int
    owed: int
    predicted: int

    @property
    def ratio(self) -> float | None:
        return None if self.owed == 0 else self.predicted / self.owed


@dataclass(frozen=True, kw_only=True)
class Queue:
    due: int  # waiting and due now
    running: int
    oldest_due_seconds: float | None


@dataclass(frozen=True, kw_only=True)
class Gap:
    """A match missing work that is due: its analysis, or predictions of owing forecasters."""

    match_id: int
    kickoff: datetime
    status: str
    home: str
    away: str
    competition: str
    missing: tuple[Stage, ...]
    forecasters: tuple[str, ...]  # the owed forecasters with neither prediction nor failure
    queued: bool
    severity: Severity


def coverage(session: Session, *, start: datetime, end: datetime) -> Coverage:
    """Owed and stored predictions of matches whose deadline falls in (start, end]."""
    row = session.execute(_COVERAGE, {"start": start, "end": end}).one()
    return Coverage(matches=int(row.matches), owed=int(row.owed), predicted=int(row.predicted))


def queue(session: Session, *, now: datetime) -> Queue:
    due, running, oldest = session.execute(_QUEUE, {"now": now}).one()
    return Queue(
        due=int(due),
        running=int(running),
        oldest_due_seconds=None if oldest is None else float(oldest),
    )


def pipeline_gaps(
    session: Session, *, now: datetime, since: datetime, until: datetime, windows: Windows
) -> list[Gap]:
    """Matches kicking off in [since, until] missing work that is due: no analysis once its
    window is open, or owed predictions (the open pairs of ``db.reads.owed.gaps``, the same pairs
    ``footcast gaps`` lists) once theirs is."""
    pairs: dict[int, list[str]] = {}
    for pair in owed.gaps(
        session, since=since, until=until, now=now, prediction_lead=windows.prediction_lead
    ):
        pairs.setdefault(pair.match_id, []).append(pair.forecaster)
    params = {"now": now, "since": since, "until": until, "analysis_lead": windows.analysis_lead}
    found: list[Gap] = []
    for match_id, kickoff, status, home, away, code, no_analysis, queued in session.execute(
        _MATCHES, params
    ):
        missing = ((Stage.ANALYSIS,) if no_analysis else ()) + (
            (Stage.PREDICTIONS,) if match_id in pairs else ()
        )
        if missing:
            found.append(
                Gap(
                    match_id=match_id,
                    kickoff=kickoff,
                    status=status,
                    home=home,
                    away=away,
                    competition=code,
                    missing=missing,
                    forecasters=tuple(pairs.get(match_id, ())),
                    queued=bool(queued),
                    severity=gaps.severity(kickoff - now),
                )
            )
    return found


def ping(database: Database) -> None:
    """Is the database there? One round trip: a connection checked out of the pool is pinged
    (``pool_pre_ping``), and one newly opened has just answered; nothing else is sent.

    Raises:
        DatabaseUnavailable: it is not.
    """
    with database.connection():
        pass
