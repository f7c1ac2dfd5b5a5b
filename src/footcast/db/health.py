"""The facts behind /api/health and the admin's pipeline health: every query is bounded by a
kickoff window (indexed) or by the queue's active jobs (a partial index), so they stay cheap
however many matches and jobs the database holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db import pauses
from footcast.db.reconcile import Windows

__all__ = ["Coverage", "Gap", "Queue", "coverage", "ping", "pipeline_gaps", "queue"]

# (match, forecaster) pairs owed (the forecaster active and not paused at the deadline) of
# matches whose deadline falls in (start, end], and the predictions stored for them
_COVERAGE = sa.text(
    f"""
    SELECT count(DISTINCT m.id) AS matches, count(*) AS owed, count(p.id) AS predicted
    FROM matches m JOIN forecasters f
      ON f.active_from <= m.prediction_deadline
     AND (f.active_until IS NULL OR f.active_until > m.prediction_deadline)
     AND NOT {pauses.PAUSED_AT.format(f="f", t="m.prediction_deadline")}
    LEFT JOIN predictions p ON p.match_id = m.id AND p.forecaster_id = f.id
    WHERE m.prediction_deadline > :start AND m.prediction_deadline <= :end
      AND m.status NOT IN ('postponed', 'cancelled', 'abandoned')
    """
)
_QUEUE = sa.text(
    """
    SELECT count(*) FILTER (WHERE status = 'todo' AND coalesce(scheduled_at, e.at) <= :now),
           count(*) FILTER (WHERE status = 'doing'),
           extract(epoch FROM :now - min(coalesce(scheduled_at, e.at))
                   FILTER (WHERE status = 'todo' AND coalesce(scheduled_at, e.at) <= :now))
    FROM procrastinate_jobs j
    LEFT JOIN LATERAL (SELECT min(at) AS at FROM procrastinate_events
                       WHERE job_id = j.id AND type = 'deferred') e ON true
    WHERE status IN ('todo', 'doing')
    """
)
_GAPS = sa.text(
    """
    SELECT m.id, m.kickoff_at, h.name, a.name, c.code,
           NOT EXISTS (SELECT 1 FROM analysis_snapshots s WHERE s.match_id = m.id
                       AND s.as_of >= m.kickoff_at - :analysis_lead) AS no_analysis,
           (SELECT count(*) FROM predictions p WHERE p.match_id = m.id) AS predictions,
           EXISTS (SELECT 1 FROM procrastinate_jobs j WHERE j.status IN ('todo', 'doing')
                   AND j.queueing_lock IN ('analysis:' || m.id, 'lineups:' || m.id,
                                           'predict:' || m.id)) AS queued
    FROM matches m JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id
    JOIN competitions c ON c.id = m.competition_id
    WHERE m.status = 'scheduled' AND m.kickoff_at > :now AND m.kickoff_at <= :until
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
    """An upcoming match missing work that is due (or soon due), for MON-02."""

    match_id: int
    kickoff: datetime
    home: str
    away: str
    competition: str
    missing: tuple[str, ...]  # "analysis", "predictions"
    queued: bool


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
    session: Session, *, now: datetime, within: timedelta, windows: Windows
) -> list[Gap]:
    """Scheduled matches kicking off within ``within`` that miss work already due or due before
    kickoff: no analysis once its window is open, no predictions once theirs is."""
    found: list[Gap] = []
    rows = session.execute(
        _GAPS, {"now": now, "until": now + within, "analysis_lead": windows.analysis_lead}
    )
    for match_id, kickoff, home, away, code, no_analysis, predictions, queued in rows:
        missing = []
        if no_analysis and now >= kickoff - windows.analysis_lead:
            missing.append("analysis")
        if predictions == 0 and now >= kickoff - windows.prediction_lead:
            missing.append("predictions")
        if missing:
            found.append(
                Gap(
                    match_id=match_id,
                    kickoff=kickoff,
                    home=home,
                    away=away,
                    competition=code,
                    missing=tuple(missing),
                    queued=bool(queued),
                )
            )
    return found


def ping(session: Session) -> None:
    """Ask the database the cheapest question there is (``SELECT 1``): is it there?"""
    session.execute(sa.select(1))
