"""llm: forecaster pauses (operator or health), model health, provider slots and circuits

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _forecaster(name: str) -> sa.Column[int]:
    return sa.Column(
        "forecaster_id",
        sa.Integer(),
        sa.ForeignKey(
            "forecasters.id", ondelete="CASCADE", name=f"fk_{name}_forecaster_id_forecasters"
        ),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "forecaster_pauses",
        sa.Column("id", sa.BigInteger(), nullable=False),
        _forecaster("forecaster_pauses"),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("probe_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("probes", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("resumed_by", sa.String(100), nullable=True),
        sa.Column("resume_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_forecaster_pauses"),
        sa.CheckConstraint("until IS NULL OR until >= since", name="ck_forecaster_pauses_span"),
    )
    op.create_index(
        "ix_forecaster_pauses_forecaster_id", "forecaster_pauses", ["forecaster_id", "since"]
    )
    op.create_index(
        "uq_forecaster_pauses_open",
        "forecaster_pauses",
        ["forecaster_id"],
        unique=True,
        postgresql_where=sa.text("until IS NULL"),
    )
    op.create_table(
        "forecaster_health",
        _forecaster("forecaster_health"),
        sa.Column(
            "consecutive_failures", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("forecaster_id", name="pk_forecaster_health"),
    )
    op.create_table(
        "provider_slots",
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "slot", name="pk_provider_slots"),
    )
    op.create_table(
        "provider_circuits",
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column(
            "consecutive_failures", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
        sa.Column("open_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wait_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("scope", name="pk_provider_circuits"),
    )


def downgrade() -> None:
    op.drop_table("provider_circuits")
    op.drop_table("provider_slots")
    op.drop_table("forecaster_health")
    op.drop_table("forecaster_pauses")
