"""abstentions: a forecaster whose input is missing abstains; the pair is no longer owed

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:30:00

A season file without odds gave the market 380 terminal failures, 0 points and 0/380 coverage.
A forecaster declares what it needs (the market: odds); where the snapshot of a match lacks it,
the prediction stage records an abstention with its reason instead of asking. An abstained pair
is not counted (``counted_pairs``, and so ``owed_pairs`` and ``open_pairs`` which read it): not
owed, not a failure, not in coverage's denominator.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_COUNTED = """
CREATE OR REPLACE VIEW counted_pairs AS
SELECT m.id AS match_id, f.id AS forecaster_id, f.name AS forecaster, f.kind,
       m.prediction_deadline AS deadline
FROM matches m
JOIN forecasters f
  ON f.active_from <= m.prediction_deadline
 AND (f.active_until IS NULL OR f.active_until > m.prediction_deadline)
WHERE m.status NOT IN ('postponed', 'cancelled', 'abandoned')
  AND NOT EXISTS (SELECT 1 FROM forecaster_pauses z
                  WHERE z.forecaster_id = f.id AND z.since <= m.prediction_deadline
                    AND (z.until IS NULL OR z.until > m.prediction_deadline))
{abstained}
"""
_ABSTAINED = """  AND NOT EXISTS (SELECT 1 FROM abstentions a
                  WHERE a.match_id = m.id AND a.forecaster_id = f.id)"""


def upgrade() -> None:
    op.create_table(
        "abstentions",
        sa.Column(
            "match_id",
            sa.Integer(),
            sa.ForeignKey("matches.id", name="fk_abstentions_match_id_matches"),
            nullable=False,
        ),
        sa.Column(
            "forecaster_id",
            sa.Integer(),
            sa.ForeignKey("forecasters.id", name="fk_abstentions_forecaster_id_forecasters"),
            nullable=False,
        ),
        sa.Column("missing", sa.ARRAY(sa.String(20)), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "analysis_snapshot_id",
            sa.Integer(),
            sa.ForeignKey(
                "analysis_snapshots.id",
                name="fk_abstentions_analysis_snapshot_id_analysis_snapshots",
            ),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("match_id", "forecaster_id", name="pk_abstentions"),
    )
    op.create_index("ix_abstentions_forecaster_id", "abstentions", ["forecaster_id"])
    op.execute(_COUNTED.format(abstained=_ABSTAINED))


def downgrade() -> None:
    op.execute(_COUNTED.format(abstained=""))
    op.drop_table("abstentions")
