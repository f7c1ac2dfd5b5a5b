"""request limits: per-window slots and daily budgets shared by every worker, per provider scope

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


# The sliding window and the daily budget, decided in one round trip under the scope's row lock
# (footcast.db.limits calls these; its docstring explains the policy). Times are clock_timestamp():
# the database's clock, so every machine agrees, read after the lock is held.
LIMIT_FUNCTIONS = [
    """
    CREATE FUNCTION footcast_take_request_slot(
        p_scope text, p_per_window integer, p_window interval, p_budget integer, p_lease interval,
        OUT ticket bigint, OUT wait_seconds double precision, OUT blocked_until timestamptz,
        OUT spent_day date
    ) LANGUAGE plpgsql AS $$
    DECLARE
        lim request_limits%ROWTYPE;
        now_ timestamptz;
        today date;
        used integer;
        allowed integer;
        busy integer;
        frees timestamptz;
    BEGIN
        -- bookkeeping: a database crash may lose the last milliseconds of it, not worth a flush
        PERFORM set_config('synchronous_commit', 'off', true);
        SELECT * INTO lim FROM request_limits WHERE scope = p_scope FOR UPDATE;
        IF NOT FOUND THEN
            INSERT INTO request_limits (scope) VALUES (p_scope) ON CONFLICT DO NOTHING;
            SELECT * INTO lim FROM request_limits WHERE scope = p_scope FOR UPDATE;
        END IF;
        now_ := clock_timestamp();
        today := (now_ AT TIME ZONE 'UTC')::date;
        IF lim.blocked_until > now_ THEN
            blocked_until := lim.blocked_until;
            RETURN;
        END IF;
        used := CASE WHEN lim.day = today THEN lim.day_used ELSE 0 END;
        IF used >= p_budget THEN
            spent_day := today;
            RETURN;
        END IF;
        allowed := least(p_per_window, greatest(1, coalesce(lim.reported_limit, p_per_window)));
        SELECT count(*) INTO busy FROM request_slots
            WHERE scope = p_scope AND at > now_ - p_window - p_lease
              AND (in_flight OR at > now_ - p_window);
        IF busy >= allowed THEN
            -- the (busy - allowed + 1)-th slot to leave the window; in-flight ones leave last
            SELECT at INTO frees FROM request_slots
                WHERE scope = p_scope AND NOT in_flight AND at > now_ - p_window
                ORDER BY at OFFSET busy - allowed LIMIT 1;
            wait_seconds := CASE
                WHEN frees IS NULL THEN least(0.25, extract(epoch FROM p_window) / 20)
                ELSE greatest(0.001, extract(epoch FROM frees + p_window - now_))
            END;
            RETURN;
        END IF;
        DELETE FROM request_slots WHERE scope = p_scope AND at < now_ - p_window - p_lease;
        INSERT INTO request_slots (scope, at, in_flight) VALUES (p_scope, now_, true)
            RETURNING id INTO ticket;
        UPDATE request_limits SET day = today, day_used = used + 1 WHERE scope = p_scope;
    END
    $$
    """,
    """
    CREATE FUNCTION footcast_release_request_slot(
        p_ticket bigint, p_scope text, p_per_window integer, p_window interval, p_lease interval,
        p_window_limit integer, p_window_remaining integer, p_day_remaining integer
    ) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
        now_ timestamptz := clock_timestamp();
        busy integer;
        unseen integer;
    BEGIN
        PERFORM set_config('synchronous_commit', 'off', true);
        UPDATE request_slots SET at = now_, in_flight = false WHERE id = p_ticket;
        IF p_window_limit IS NOT NULL THEN
            UPDATE request_limits SET reported_limit = p_window_limit
                WHERE scope = p_scope AND reported_limit IS DISTINCT FROM p_window_limit;
        END IF;
        IF p_window_remaining IS NOT NULL THEN
            SELECT count(*) INTO busy FROM request_slots
                WHERE scope = p_scope AND at > now_ - p_window - p_lease
                  AND (in_flight OR at > now_ - p_window);
            unseen := coalesce(p_window_limit, p_per_window) - p_window_remaining - busy;
            IF unseen > 0 THEN  -- the provider counts requests we did not make: fill the window
                INSERT INTO request_slots (scope, at, in_flight)
                    SELECT p_scope, now_, false FROM generate_series(1, unseen);
            END IF;
        END IF;
        IF p_day_remaining = 0 THEN
            UPDATE request_limits
                SET blocked_until = (date_trunc('day', now_ AT TIME ZONE 'UTC') + interval '1 day')
                    AT TIME ZONE 'UTC'
                WHERE scope = p_scope;
        END IF;
    END
    $$
    """,
]


def upgrade() -> None:
    op.create_table(
        "request_limits",
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("day_used", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("reported_limit", sa.Integer(), nullable=True),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("scope", name="pk_request_limits"),
        sa.CheckConstraint("day_used >= 0", name="ck_request_limits_day_used"),
    )
    op.create_table(
        "request_slots",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column(
            "scope",
            sa.String(64),
            sa.ForeignKey(
                "request_limits.scope",
                ondelete="CASCADE",
                name="fk_request_slots_scope_request_limits",
            ),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("in_flight", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_request_slots"),
    )
    op.create_index("ix_request_slots_scope_at", "request_slots", ["scope", "at"])
    for statement in LIMIT_FUNCTIONS:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS footcast_release_request_slot")
    op.execute("DROP FUNCTION IF EXISTS footcast_take_request_slot")
    op.drop_table("request_slots")
    op.drop_table("request_limits")
