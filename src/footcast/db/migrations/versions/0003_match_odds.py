"""match odds: bookmakers' 1X2 odds per match, imported from football-data.co.uk or a provider

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_odds",
        sa.Column(
            "match_id",
            sa.Integer(),
            sa.ForeignKey("matches.id", ondelete="CASCADE", name="fk_match_odds_match_id_matches"),
            nullable=False,
        ),
        sa.Column("bookmaker", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("home", sa.Float(53), nullable=False),
        sa.Column("draw", sa.Float(53), nullable=False),
        sa.Column("away", sa.Float(53), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("match_id", "bookmaker", "kind", name="pk_match_odds"),
        sa.CheckConstraint("kind IN ('pre', 'closing')", name="ck_match_odds_kind"),
        sa.CheckConstraint("home > 1 AND draw > 1 AND away > 1", name="ck_match_odds_decimal_odds"),
    )


def downgrade() -> None:
    op.drop_table("match_odds")
