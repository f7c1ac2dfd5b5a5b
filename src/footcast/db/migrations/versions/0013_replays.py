"""replays: what a replay database replays and how far it got, so a replay can go on

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-03 11:00:00

``footcast replay FILES --until DAY`` stopped a replay with nothing to continue it from, and
``footcast run`` on such a database synced the configured source into it. One row says which
files (by content) the database replays, from when, and the simulated time it has reached.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "replays",
        sa.Column("id", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reached_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_replays"),
        sa.CheckConstraint("id = 1", name="ck_replays_one"),
    )


def downgrade() -> None:
    op.drop_table("replays")
