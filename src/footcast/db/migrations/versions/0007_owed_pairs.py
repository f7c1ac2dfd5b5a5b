"""owed pairs: the one definition of which forecaster takes part in, and owes, which match

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 07:00:00

The rule was written six times (the reconciler, health coverage, the admin's gaps, the leaderboard,
metrics and the tests' season checks) and the copies drifted: the admin saw a match with one
missing forecaster as healthy, and human forecasters were asked by the pipeline. Three views now
hold it, and every query reads them:

* ``counted_pairs``: (match, forecaster) where the forecaster was active and not paused at the
  match's deadline, and the match was not postponed, cancelled or abandoned. The leaderboard counts
  these (a human's missing prediction scores 0).
* ``owed_pairs``: the counted pairs the pipeline must fill: every kind but human.
* ``open_pairs``: owed pairs with neither a prediction nor a terminal failure (a gap once the
  prediction window is open).

A view rather than a SQLAlchemy selectable because most of footcast's pipeline queries are SQL
text; PostgreSQL inlines these plain views, so a caller's ``WHERE match_id = ...`` still reaches the
indexes. The status and kind names below are a snapshot of ``footcast.domain.names`` at this
revision (a migration never changes after it is written).
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COUNTED = """
CREATE VIEW counted_pairs AS
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
"""
OWED = """
CREATE VIEW owed_pairs AS
SELECT match_id, forecaster_id, forecaster, kind, deadline FROM counted_pairs
WHERE kind <> 'human'
"""
OPEN = """
CREATE VIEW open_pairs AS
SELECT o.match_id, o.forecaster_id, o.forecaster, o.kind, o.deadline FROM owed_pairs o
WHERE NOT EXISTS (SELECT 1 FROM predictions p
                  WHERE p.match_id = o.match_id AND p.forecaster_id = o.forecaster_id)
  AND NOT EXISTS (SELECT 1 FROM failures x WHERE x.stage = 'predictions'
                  AND x.key = 'predict:' || o.match_id || ':' || o.forecaster
                  AND x.state = 'open' AND x.terminal)
"""


def upgrade() -> None:
    op.execute(COUNTED)
    op.execute(OWED)
    op.execute(OPEN)


def downgrade() -> None:
    op.execute("DROP VIEW open_pairs")
    op.execute("DROP VIEW owed_pairs")
    op.execute("DROP VIEW counted_pairs")
