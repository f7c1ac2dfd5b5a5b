"""Reading Procrastinate's job table beside the facts: what is queued, running, stuck or due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from procrastinate.jobs import Status
from sqlalchemy.orm import Session

from footcast.db import _sql
from footcast.db.engine import Database
from footcast.domain import names

__all__ = [
    "InFlight",
    "QueueState",
    "analyze",
    "busy",
    "dead_match_jobs",
    "in_flight",
    "last_id",
    "mark_history",
    "progress_since",
    "prune_finished",
    "queue_state",
    "succeeded",
    "unfinished",
    "vacuum",
]

MARK_EVERY = timedelta(hours=1)  # of clock time: how finely a finished job's age is known
_FINISHED = ", ".join(
    f"'{s.value}'" for s in (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED, Status.ABORTED)
)
_MARK = sa.text(
    """
    INSERT INTO job_history_marks (at, last_job_id)
    SELECT :now, coalesce((SELECT max(id) FROM procrastinate_jobs), 0)
    WHERE NOT EXISTS (SELECT 1 FROM job_history_marks WHERE at > :now - :every)
    ON CONFLICT DO NOTHING
    RETURNING last_job_id
    """
)
_CUTOFF = sa.text(
    "SELECT at, last_job_id FROM job_history_marks WHERE at <= :before ORDER BY at DESC LIMIT 1"
)
# a job a periodic defer still names (the newest tick) stays: its row is referenced
_PRUNE = sa.text(
    f"""
    WITH gone AS (
        DELETE FROM procrastinate_jobs WHERE id IN (
            SELECT j.id FROM procrastinate_jobs j
            WHERE j.id <= :upto AND j.status IN ({_FINISHED})
              AND NOT EXISTS (SELECT 1 FROM procrastinate_periodic_defers d
                              WHERE d.job_id = j.id)
            LIMIT :batch)
        RETURNING 1)
    SELECT count(*) FROM gone
    """
)

_QUEUE_STATE = sa.text(
    f"""
    SELECT task_name, status::text AS status, count(*) AS n,
           extract(epoch FROM now() - min(scheduled_at) FILTER (WHERE status = {_sql.TODO}))
    FROM procrastinate_jobs GROUP BY task_name, status
    """
)


@dataclass(frozen=True, kw_only=True)
class QueueState:
    counts: dict[tuple[str, str], int]
    oldest_due_seconds: float | None

    def total(self, status: str) -> int:
        return sum(n for (_, s), n in self.counts.items() if s == status)


def queue_state(session: Session) -> QueueState:
    counts: dict[tuple[str, str], int] = {}
    oldest: float | None = None
    for task, status, n, age in session.execute(_QUEUE_STATE):
        counts[(task, status)] = int(n)
        if age is not None:
            oldest = max(oldest or 0.0, float(age))
    return QueueState(counts=counts, oldest_due_seconds=oldest)


def succeeded(session: Session, job_id: int) -> bool:
    """Job ``job_id`` has succeeded: a worker taken for dead still running it sees that its
    re-run elsewhere (the same job, re-queued) has finished it."""
    status = session.execute(
        sa.text("SELECT status::text FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}
    ).scalar_one_or_none()
    return status == Status.SUCCEEDED.value


def unfinished(session: Session) -> int:
    """Jobs still to run or running (including retries scheduled for later)."""
    return int(
        session.execute(
            sa.text(
                "SELECT count(*) FROM procrastinate_jobs"
                f" WHERE status IN ({_sql.TODO}, {_sql.DOING})"
            )
        ).scalar_one()
    )


@dataclass(frozen=True)
class InFlight:
    """A job still to run or running: its task and its match (None for a fixture sync or a
    probe)."""

    task: str
    match_id: int | None


def in_flight(session: Session) -> list[InFlight]:
    """Every job still to run or running."""
    rows = session.execute(
        sa.text(
            "SELECT task_name, (args ->> 'match_id')::int FROM procrastinate_jobs"
            f" WHERE status IN ({_sql.TODO}, {_sql.DOING})"
        )
    )
    return [InFlight(task, match_id) for task, match_id in rows]


def dead_match_jobs(session: Session) -> list[int]:
    """Queued jobs of matches that were postponed, cancelled or abandoned: to be cancelled."""
    return list(
        session.execute(
            sa.text(
                f"""
                SELECT j.id FROM procrastinate_jobs j
                JOIN matches m ON m.id = (j.args ->> 'match_id')::int
                WHERE j.status = {_sql.TODO} AND j.args ? 'match_id'
                  AND m.status IN ({_sql.in_list(names.DEAD)})
                """
            )
        ).scalars()
    )


def busy(session: Session, key: str) -> bool:
    """A job for unit ``key`` is waiting or running."""
    return bool(
        session.execute(
            sa.text(
                f"SELECT EXISTS (SELECT 1 FROM procrastinate_jobs j WHERE {_sql.busy(':key')})"
            ),
            {"key": key},
        ).scalar_one()
    )


def last_id(session: Session) -> int:
    return int(
        session.execute(sa.text("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")).scalar_one()
    )


def progress_since(session: Session, after_id: int) -> dict[str, tuple[int, int]]:
    """Per task: (finished, all) jobs with an id above ``after_id``."""
    rows = session.execute(
        sa.text(
            f"""
            SELECT task_name,
                   count(*) FILTER (WHERE status NOT IN ({_sql.TODO}, {_sql.DOING})), count(*)
            FROM procrastinate_jobs WHERE id > :after GROUP BY task_name
            """
        ),
        {"after": after_id},
    )
    return {task: (int(done), int(total)) for task, done, total in rows}


def analyze(database: Database) -> None:
    """Refresh the planner statistics of the tables the reconciler and the workers read.
    PROCRASTINATE.md 1: stale statistics turn every job fetch into a sequential scan."""
    with database.connection() as connection:
        connection.execute(
            sa.text(
                "ANALYZE procrastinate_jobs, matches, predictions, failures, analysis_snapshots,"
                " settlements"
            )
        )
        connection.commit()


def mark_history(session: Session, *, now: datetime) -> bool:
    """Record the highest job id at ``now``, unless a mark is less than an hour old. True when
    a mark was written (at most once an hour of clock time: the moment to prune)."""
    written = session.execute(_MARK, {"now": now, "every": MARK_EVERY}).first()
    return written is not None


def prune_finished(session: Session, *, before: datetime, batch: int = 10_000) -> int:
    """Delete up to ``batch`` finished jobs (succeeded, failed, cancelled, aborted) deferred
    before the newest mark at or before ``before``, with their events; and the marks older than
    it. Jobs waiting or running are never touched. Returns how many jobs went."""
    cutoff = session.execute(_CUTOFF, {"before": before}).first()
    if cutoff is None:
        return 0
    at, upto = cutoff
    deleted = session.execute(_PRUNE, {"upto": upto, "batch": batch}).scalar_one()
    session.execute(sa.text("DELETE FROM job_history_marks WHERE at < :at"), {"at": at})
    return int(deleted)


def vacuum(database: Database) -> None:
    """VACUUM ANALYZE the job tables, so the space of deleted jobs is used again (PostgreSQL's
    autovacuum may be off)."""
    engine = database.engine.execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("VACUUM ANALYZE procrastinate_jobs, procrastinate_events"))
