"""consensus: the crowd as a reference forecaster of its own kind

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-04 09:00:00

The ``consensus`` forecaster combines the competitors' on-time predictions of a match (their mean
probabilities, their most common score) and is scored beside them as a reference row. It is of a
new kind, ``consensus``: automated (it owes its predictions like the others), never asked through
a snapshot, and told apart from them wherever the pipeline picks who predicts when. The kind
names below are a snapshot of ``footcast.domain.names`` at this revision.

Going back refuses a database that holds a forecaster of the kind (the old check fails on it).
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

_BEFORE = "'llm', 'statistical', 'market', 'naive', 'human'"


def upgrade() -> None:
    op.drop_constraint(op.f("ck_forecasters_kind"), "forecasters", type_="check")
    op.create_check_constraint(
        op.f("ck_forecasters_kind"), "forecasters", f"kind IN ({_BEFORE}, 'consensus')"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_forecasters_kind"), "forecasters", type_="check")
    op.create_check_constraint(op.f("ck_forecasters_kind"), "forecasters", f"kind IN ({_BEFORE})")
