"""job history: marks of the job ids reached by clock time; provider_slots goes

Revision ID: 0014
Revises: 0015
Create Date: 2026-12-03 10:45:00

Procrastinate's job and event rows were never deleted (about 400,000 at the web benchmark's
scale). Finished jobs are now deleted once older than ``FOOTCAST_JOB_RETENTION``; their age is
told by the footcast clock (simulated in a replay), not by the events' wall-clock times: every
hour of clock time one row records the highest job id so far, and the finished jobs up to the id
of the newest mark older than the retention are deleted.

``provider_slots`` held one locked row per in-flight LLM request; slots are advisory locks now
(``db.coordination.slots``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_history_marks",
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_job_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("at", name="pk_job_history_marks"),
    )
    op.drop_table("provider_slots")


def downgrade() -> None:
    op.create_table(
        "provider_slots",
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "slot", name="pk_provider_slots"),
    )
    op.drop_table("job_history_marks")
