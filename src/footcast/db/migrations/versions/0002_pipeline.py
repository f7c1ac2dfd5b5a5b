"""pipeline: Procrastinate's job tables, terminal failures, skips, source syncs, shared sim clock

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from procrastinate.schema import SchemaManager

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Procrastinate's schema as shipped by the pinned version (3.x). Upgrading Procrastinate across a
# schema change means a new footcast migration that applies its files from
# procrastinate/sql/migrations in order.
PROCRASTINATE_OBJECTS = """
DROP TABLE IF EXISTS procrastinate_periodic_defers, procrastinate_events, procrastinate_jobs,
    procrastinate_workers CASCADE;
DROP TYPE IF EXISTS procrastinate_job_status, procrastinate_job_event_type CASCADE;
"""


def upgrade() -> None:
    # the raw psycopg connection runs the multi-statement script without bind-parameter parsing
    op.get_bind().connection.driver_connection.execute(SchemaManager.get_schema())  # type: ignore[union-attr]

    op.add_column("matches", sa.Column("live_polled_at", sa.DateTime(timezone=True)))
    op.add_column(
        "failures", sa.Column("terminal", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_table(
        "stage_skips",
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column(
            "match_id",
            sa.Integer(),
            sa.ForeignKey("matches.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("stage", "match_id", name="pk_stage_skips"),
    )
    op.create_table(
        "source_syncs",
        sa.Column("source", sa.String(32), primary_key=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fixtures", sa.Integer(), nullable=False),
    )
    op.create_table(
        "sim_clock",
        sa.Column("id", sa.Boolean(), primary_key=True, server_default=sa.true()),
        sa.Column("now", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id", name="ck_sim_clock_single_row"),
    )
    op.create_index("ix_analysis_snapshots_match_id", "analysis_snapshots", ["match_id", "as_of"])
    op.create_index("ix_failures_match_id", "failures", ["match_id"])


def downgrade() -> None:
    op.drop_index("ix_failures_match_id", table_name="failures")
    op.drop_index("ix_analysis_snapshots_match_id", table_name="analysis_snapshots")
    op.drop_table("sim_clock")
    op.drop_table("source_syncs")
    op.drop_table("stage_skips")
    op.drop_column("failures", "terminal")
    op.drop_column("matches", "live_polled_at")
    op.execute(PROCRASTINATE_OBJECTS)
    op.execute(
        "DO $$ DECLARE f record; BEGIN FOR f IN SELECT oid::regprocedure AS sig FROM pg_proc"
        " WHERE proname LIKE 'procrastinate%' LOOP EXECUTE 'DROP FUNCTION ' || f.sig || ' CASCADE';"
        " END LOOP; END $$"
    )
