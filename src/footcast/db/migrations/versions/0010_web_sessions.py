"""web sessions: the admin pages' logins, kept in PostgreSQL so every web process sees them

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:00:00

A login was a signed cookie that each process checked on its own: logging out could not revoke
it, and the value stayed good for its whole life. Now the cookie is a random token whose SHA-256
names a row here, with an expiry, a CSRF token for the forms of that session, a revocation time
(logout) and the confirmation the next page shows after an action. Times are the database's, so
every process and machine agrees on them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("flash", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_web_sessions"),
    )
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_expires_at", table_name="web_sessions")
    op.drop_table("web_sessions")
