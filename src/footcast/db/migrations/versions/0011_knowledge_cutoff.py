"""knowledge cutoff: an LLM's training data end, and the predictions it may have seen the result of

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:00:00

A model asked about a match played before its training data ended may have read the result: its
prediction is *contaminated*, and a leaderboard that mixes such predictions with honest ones ranks
memory, not forecasting. ``forecasters.knowledge_cutoff`` (a date, from the roster; NULL when
unknown) and one view hold the rule, read by the leaderboard and the backfill:

* ``contaminated_predictions``: the predictions of LLM forecasters of matches kicked off before
  the end of the model's cutoff day, or, cutoff unknown, made after the match's deadline
  (retroactive: the result may be out by then).

A view and not a stored flag: a prediction is immutable once its deadline has passed, while a
roster's cutoff may be learnt or corrected later; the view follows the roster. The kind name is a
snapshot of ``footcast.domain.names`` at this revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

CONTAMINATED = """
CREATE VIEW contaminated_predictions AS
SELECT p.id AS prediction_id, p.match_id, p.forecaster_id
FROM predictions p
JOIN forecasters f ON f.id = p.forecaster_id
JOIN matches m ON m.id = p.match_id
WHERE f.kind = 'llm'
  AND CASE WHEN f.knowledge_cutoff IS NULL THEN p.retroactive
           ELSE m.kickoff_at < ((f.knowledge_cutoff + 1)::timestamp AT TIME ZONE 'UTC') END
"""


def upgrade() -> None:
    op.add_column("forecasters", sa.Column("knowledge_cutoff", sa.Date(), nullable=True))
    op.execute(CONTAMINATED)


def downgrade() -> None:
    op.execute("DROP VIEW contaminated_predictions")
    op.drop_column("forecasters", "knowledge_cutoff")
