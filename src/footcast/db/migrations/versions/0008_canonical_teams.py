"""canonical teams and competitions: aliases by source

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00

Teams and competitions were keyed by the name or code one source gave them, so "Arsenal"
(football-data.co.uk) and "Arsenal FC" (openfootball) were two teams, and history imported from
football-data.co.uk never reached API-Football's fixtures ("Man United" v "Manchester United",
``E0`` v ``AF39``). A team or competition row is now the canonical one, and these tables record
what each source calls it; the resolver (``footcast.db.writes.teams``) reads them at import and
sync time.

Existing rows become canonical as they are: each team gets its name as an alias under every
source whose matches name it, and each competition its code likewise. Nothing is merged here (an
operator merges with ``footcast teams merge``); nothing is read from files.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_aliases",
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_team_aliases_team_id_teams", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("source", "name", name="pk_team_aliases"),
    )
    op.create_index("ix_team_aliases_team_id", "team_aliases", ["team_id"])
    op.create_table(
        "competition_aliases",
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["competitions.id"],
            name="fk_competition_aliases_competition_id_competitions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source", "code", name="pk_competition_aliases"),
    )
    op.create_index(
        "ix_competition_aliases_competition_id", "competition_aliases", ["competition_id"]
    )
    op.execute(
        """
        INSERT INTO team_aliases (source, name, team_id)
        SELECT DISTINCT m.source, t.name, t.id
        FROM teams t JOIN matches m ON t.id IN (m.home_team_id, m.away_team_id)
        ON CONFLICT DO NOTHING
        """
    )
    op.execute(
        """
        INSERT INTO competition_aliases (source, code, competition_id)
        SELECT DISTINCT m.source, c.code, c.id
        FROM competitions c JOIN matches m ON m.competition_id = c.id
        ON CONFLICT DO NOTHING
        """
    )


def downgrade() -> None:
    op.drop_table("competition_aliases")
    op.drop_table("team_aliases")
