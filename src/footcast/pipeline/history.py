"""Job history that does not grow for ever: finished jobs older than the retention go.

Procrastinate keeps a row per job and a few per event; at a season a week that is hundreds of
thousands of rows within a year, read by every query on the job table. What happened stays in
footcast's own tables (predictions, settlements, the failure ledger, the audit log), and the
reconciler reads only waiting and running jobs, so a finished job's row is of no use once it is
old. Runs with every reconciler pass (the periodic tick, a replay's steps), doing work at most
once an hour of the clock.
"""

from __future__ import annotations

from datetime import datetime

from footcast.db.coordination import jobs
from footcast.pipeline.context import Context

__all__ = ["prune"]

BATCH = 10_000  # jobs deleted per transaction
VACUUM_AFTER = 1_000  # deleted jobs after which the job tables are vacuumed


def prune(ctx: Context, *, now: datetime) -> int:
    """Mark the job ids reached at ``now`` (once an hour) and, when a mark was written, delete
    the finished jobs older than ``FOOTCAST_JOB_RETENTION``. Returns how many went."""
    with ctx.database.transaction() as session:
        if not jobs.mark_history(session, now=now):
            return 0
    before = now - ctx.settings.queue.job_retention
    deleted = 0
    while True:
        with ctx.database.transaction() as session:
            gone = jobs.prune_finished(session, before=before, batch=BATCH)
        deleted += gone
        if gone < BATCH:
            break
    if deleted >= VACUUM_AFTER:
        jobs.vacuum(ctx.database)
    return deleted
