"""web: an index on matches.prediction_deadline, for /api/health's coverage window

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 18:00:00

The coverage of /api/health (and the admin's pipeline health) selects the matches whose deadline
falls in the last 24 hours; without this index that is a scan of every match (8 ms at 100,000
matches, growing with the history), with it an index range scan of the ~60 matches in the window.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_matches_prediction_deadline", "matches", ["prediction_deadline"])


def downgrade() -> None:
    op.drop_index("ix_matches_prediction_deadline", table_name="matches")
