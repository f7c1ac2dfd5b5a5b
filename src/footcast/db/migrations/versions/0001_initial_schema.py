"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 06:55:34.933689
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# The database, not only the code, keeps predictions honest (SCORING.md §1):
# - footcast_now(): the injected clock's time when the transaction set `footcast.now`, else now();
# - on insert, `retroactive` is derived from created_at and the match's deadline, whatever the caller said;
# - once the deadline has passed (by footcast_now()), a prediction can be neither updated nor deleted.
PREDICTION_LOCK = [
    """
    CREATE FUNCTION footcast_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$
        SELECT coalesce(nullif(current_setting('footcast.now', true), '')::timestamptz, now())
    $$
    """,
    """
    CREATE FUNCTION footcast_predictions_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        deadline timestamptz;
    BEGIN
        SELECT prediction_deadline INTO deadline FROM matches WHERE id = NEW.match_id;
        NEW.retroactive := NEW.created_at > deadline;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE FUNCTION footcast_predictions_lock() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        deadline timestamptz;
    BEGIN
        SELECT prediction_deadline INTO deadline FROM matches WHERE id = OLD.match_id;
        IF footcast_now() > deadline THEN
            RAISE EXCEPTION 'prediction % (match %, forecaster %) is locked: its deadline % has passed',
                OLD.id, OLD.match_id, OLD.forecaster_id, deadline
                USING ERRCODE = 'FC001', HINT = 'predictions are immutable after their deadline';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        SELECT prediction_deadline INTO deadline FROM matches WHERE id = NEW.match_id;
        NEW.retroactive := NEW.created_at > deadline;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER predictions_stamp BEFORE INSERT ON predictions
        FOR EACH ROW EXECUTE FUNCTION footcast_predictions_stamp()
    """,
    """
    CREATE TRIGGER predictions_lock BEFORE UPDATE OR DELETE ON predictions
        FOR EACH ROW EXECUTE FUNCTION footcast_predictions_lock()
    """,
]


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "forecasters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("provider", sa.String(length=64), nullable=True),
        sa.Column("model_id", sa.String(length=200), nullable=True),
        sa.Column("reference", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("active_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('llm', 'statistical', 'market', 'naive', 'human')",
            name=op.f("ck_forecasters_kind"),
        ),
        sa.CheckConstraint(
            "active_until IS NULL OR active_until > active_from",
            name=op.f("ck_forecasters_active_span"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecasters")),
        sa.UniqueConstraint("name", name=op.f("uq_forecasters_name")),
    )
    op.create_table(
        "scoring_rules",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint("kind IN ('quota', 'standard')", name=op.f("ck_scoring_rules_kind")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scoring_rules")),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=32), nullable=True),
        sa.Column("country", sa.String(length=100), nullable=True),
        sa.Column("api_football_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("api_football_id", name=op.f("uq_teams_api_football_id")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
    )
    op.create_table(
        "competitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=True),
        sa.Column("api_football_id", sa.Integer(), nullable=True),
        sa.Column("scoring_rule", sa.String(length=64), server_default="quota-v1", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["scoring_rule"],
            ["scoring_rules.name"],
            name=op.f("fk_competitions_scoring_rule_scoring_rules"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competitions")),
        sa.UniqueConstraint("api_football_id", name=op.f("uq_competitions_api_football_id")),
        sa.UniqueConstraint("code", name=op.f("uq_competitions_code")),
    )
    op.create_table(
        "seasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_on", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["competitions.id"],
            name=op.f("fk_seasons_competition_id_competitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seasons")),
        sa.UniqueConstraint("competition_id", "label", name=op.f("uq_seasons_competition_id")),
    )
    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=True),
        sa.Column("home_team_id", sa.Integer(), nullable=False),
        sa.Column("away_team_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("api_football_id", sa.Integer(), nullable=True),
        sa.Column("round", sa.String(length=64), nullable=True),
        sa.Column("kickoff_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prediction_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="scheduled", nullable=False),
        sa.Column("home_goals", sa.Integer(), nullable=True),
        sa.Column("away_goals", sa.Integer(), nullable=True),
        sa.Column("home_goals_ht", sa.Integer(), nullable=True),
        sa.Column("away_goals_ht", sa.Integer(), nullable=True),
        sa.Column("home_goals_et", sa.Integer(), nullable=True),
        sa.Column("away_goals_et", sa.Integer(), nullable=True),
        sa.Column("home_penalties", sa.Integer(), nullable=True),
        sa.Column("away_penalties", sa.Integer(), nullable=True),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('scheduled', 'live', 'interrupted', 'finished', 'postponed', 'cancelled', 'abandoned', 'awarded')",
            name=op.f("ck_matches_status"),
        ),
        sa.CheckConstraint(
            "(home_goals IS NULL) = (away_goals IS NULL)", name=op.f("ck_matches_score_pair")
        ),
        sa.CheckConstraint(
            "home_goals >= 0 AND away_goals >= 0", name=op.f("ck_matches_score_non_negative")
        ),
        sa.CheckConstraint("home_team_id <> away_team_id", name=op.f("ck_matches_distinct_teams")),
        sa.ForeignKeyConstraint(
            ["away_team_id"], ["teams.id"], name=op.f("fk_matches_away_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["competitions.id"],
            name=op.f("fk_matches_competition_id_competitions"),
        ),
        sa.ForeignKeyConstraint(
            ["home_team_id"], ["teams.id"], name=op.f("fk_matches_home_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_matches_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matches")),
        sa.UniqueConstraint("api_football_id", name=op.f("uq_matches_api_football_id")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_matches_source")),
    )
    op.create_index("ix_matches_kickoff_at", "matches", ["kickoff_at"], unique=False)
    op.create_index("ix_matches_status_kickoff", "matches", ["status", "kickoff_at"], unique=False)
    op.create_table(
        "analysis_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("input_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["matches.id"],
            name=op.f("fk_analysis_snapshots_match_id_matches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_snapshots")),
        sa.UniqueConstraint("match_id", "input_hash", name=op.f("uq_analysis_snapshots_match_id")),
    )
    op.create_table(
        "failures",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=True),
        sa.Column("error_class", sa.String(length=200), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("traceback", sa.Text(), nullable=True),
        sa.Column(
            "payload",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), server_default="open", nullable=False),
        sa.CheckConstraint(
            "state IN ('open', 'retrying', 'resolved', 'cleared')", name=op.f("ck_failures_state")
        ),
        sa.CheckConstraint("attempts >= 1", name=op.f("ck_failures_attempts")),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_failures_match_id_matches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failures")),
    )
    op.create_index(
        "uq_failures_open_unit",
        "failures",
        ["stage", "key"],
        unique=True,
        postgresql_where=sa.text("state IN ('open', 'retrying')"),
    )
    op.create_table(
        "lineups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("formation", sa.String(length=16), nullable=True),
        sa.Column("coach", sa.String(length=200), nullable=True),
        sa.Column("starting", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("substitutes", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"],
            ["matches.id"],
            name=op.f("fk_lineups_match_id_matches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_lineups_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lineups")),
        sa.UniqueConstraint("match_id", "team_id", name=op.f("uq_lineups_match_id")),
    )
    op.create_table(
        "quota_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("rule_name", sa.String(length=64), nullable=False),
        sa.Column("rule_kind", sa.String(length=16), nullable=False),
        sa.Column("rule_params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("t_home", sa.Integer(), nullable=False),
        sa.Column("t_draw", sa.Integer(), nullable=False),
        sa.Column("t_away", sa.Integer(), nullable=False),
        sa.Column("quota_home", sa.Integer(), nullable=True),
        sa.Column("quota_draw", sa.Integer(), nullable=True),
        sa.Column("quota_away", sa.Integer(), nullable=True),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("prediction_ids", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "basis IN ('on_time', 'retroactive')", name=op.f("ck_quota_snapshots_basis")
        ),
        sa.CheckConstraint(
            "n = t_home + t_draw + t_away AND n > 0", name=op.f("ck_quota_snapshots_counts")
        ),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_quota_snapshots_match_id_matches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota_snapshots")),
    )
    op.create_index(
        "uq_quota_snapshots_current",
        "quota_snapshots",
        ["match_id"],
        unique=True,
        postgresql_where=sa.text("superseded_at IS NULL"),
    )
    op.create_table(
        "predictions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("forecaster_id", sa.Integer(), nullable=False),
        sa.Column("analysis_snapshot_id", sa.Integer(), nullable=True),
        sa.Column("home_goals", sa.Integer(), nullable=False),
        sa.Column("away_goals", sa.Integer(), nullable=False),
        sa.Column("p_home", sa.Float(precision=53), nullable=True),
        sa.Column("p_draw", sa.Float(precision=53), nullable=True),
        sa.Column("p_away", sa.Float(precision=53), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retroactive", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("raw_prompt", sa.Text(), nullable=True),
        sa.Column("raw_response", sa.Text(), nullable=True),
        sa.Column("prompt_tokens", sa.Integer(), nullable=True),
        sa.Column("completion_tokens", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column("cost_usd", sa.Numeric(precision=14, scale=6), nullable=True),
        sa.CheckConstraint(
            "(p_home IS NULL AND p_draw IS NULL AND p_away IS NULL) OR (p_home BETWEEN 0 AND 1 AND p_draw BETWEEN 0 AND 1 AND p_away BETWEEN 0 AND 1 AND abs(p_home + p_draw + p_away - 1) <= 1e-6)",
            name=op.f("ck_predictions_probabilities"),
        ),
        sa.CheckConstraint(
            "home_goals BETWEEN 0 AND 20 AND away_goals BETWEEN 0 AND 20",
            name=op.f("ck_predictions_goals"),
        ),
        sa.ForeignKeyConstraint(
            ["analysis_snapshot_id"],
            ["analysis_snapshots.id"],
            name=op.f("fk_predictions_analysis_snapshot_id_analysis_snapshots"),
        ),
        sa.ForeignKeyConstraint(
            ["forecaster_id"],
            ["forecasters.id"],
            name=op.f("fk_predictions_forecaster_id_forecasters"),
        ),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_predictions_match_id_matches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_predictions")),
        sa.UniqueConstraint("match_id", "forecaster_id", name=op.f("uq_predictions_match_id")),
    )
    op.create_index("ix_predictions_forecaster_id", "predictions", ["forecaster_id"], unique=False)
    op.create_table(
        "settlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("home_goals", sa.Integer(), nullable=False),
        sa.Column("away_goals", sa.Integer(), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_settlements_match_id_matches")
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["quota_snapshots.id"],
            name=op.f("fk_settlements_snapshot_id_quota_snapshots"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settlements")),
        sa.UniqueConstraint("match_id", "revision", name=op.f("uq_settlements_match_id")),
    )
    op.create_index(
        "uq_settlements_current",
        "settlements",
        ["match_id"],
        unique=True,
        postgresql_where=sa.text("superseded_at IS NULL"),
    )
    op.create_table(
        "settlement_scores",
        sa.Column("settlement_id", sa.Integer(), nullable=False),
        sa.Column("prediction_id", sa.BigInteger(), nullable=False),
        sa.Column("forecaster_id", sa.Integer(), nullable=False),
        sa.Column("in_snapshot", sa.Boolean(), nullable=False),
        sa.Column("retroactive", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("tendency_hit", sa.Boolean(), nullable=False),
        sa.Column("goal_difference_hit", sa.Boolean(), nullable=False),
        sa.Column("exact_hit", sa.Boolean(), nullable=False),
        sa.Column("goal_error", sa.Integer(), nullable=False),
        sa.Column("rps", sa.Float(precision=53), nullable=True),
        sa.Column("brier", sa.Float(precision=53), nullable=True),
        sa.Column("log_loss", sa.Float(precision=53), nullable=True),
        sa.ForeignKeyConstraint(
            ["forecaster_id"],
            ["forecasters.id"],
            name=op.f("fk_settlement_scores_forecaster_id_forecasters"),
        ),
        sa.ForeignKeyConstraint(
            ["prediction_id"],
            ["predictions.id"],
            name=op.f("fk_settlement_scores_prediction_id_predictions"),
        ),
        sa.ForeignKeyConstraint(
            ["settlement_id"],
            ["settlements.id"],
            name=op.f("fk_settlement_scores_settlement_id_settlements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "settlement_id", "prediction_id", name=op.f("pk_settlement_scores")
        ),
    )
    op.create_index(
        "ix_settlement_scores_forecaster_id", "settlement_scores", ["forecaster_id"], unique=False
    )
    op.bulk_insert(
        sa.table(
            "scoring_rules",
            sa.column("name", sa.String),
            sa.column("kind", sa.String),
            sa.column("params", postgresql.JSONB),
        ),
        [
            {
                "name": "quota-v1",
                "kind": "quota",
                "params": {
                    "minimum": 2,
                    "maximum": 6,
                    "goal_difference_bonus": 1,
                    "exact_bonus": 3,
                },
            },
            {
                "name": "standard-v1",
                "kind": "standard",
                "params": {"tendency": 2, "goal_difference": 3, "exact": 4},
            },
        ],
    )
    for statement in PREDICTION_LOCK:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS predictions_lock ON predictions")
    op.execute("DROP TRIGGER IF EXISTS predictions_stamp ON predictions")
    op.execute("DROP FUNCTION IF EXISTS footcast_predictions_lock()")
    op.execute("DROP FUNCTION IF EXISTS footcast_predictions_stamp()")
    op.drop_index("ix_settlement_scores_forecaster_id", table_name="settlement_scores")
    op.drop_table("settlement_scores")
    op.drop_index(
        "uq_settlements_current",
        table_name="settlements",
        postgresql_where=sa.text("superseded_at IS NULL"),
    )
    op.drop_table("settlements")
    op.drop_index("ix_predictions_forecaster_id", table_name="predictions")
    op.drop_table("predictions")
    op.drop_index(
        "uq_quota_snapshots_current",
        table_name="quota_snapshots",
        postgresql_where=sa.text("superseded_at IS NULL"),
    )
    op.drop_table("quota_snapshots")
    op.drop_table("lineups")
    op.drop_index(
        "uq_failures_open_unit",
        table_name="failures",
        postgresql_where=sa.text("state IN ('open', 'retrying')"),
    )
    op.drop_table("failures")
    op.drop_table("analysis_snapshots")
    op.drop_index("ix_matches_status_kickoff", table_name="matches")
    op.drop_index("ix_matches_kickoff_at", table_name="matches")
    op.drop_table("matches")
    op.drop_table("seasons")
    op.drop_table("competitions")
    op.drop_table("teams")
    op.drop_table("scoring_rules")
    op.drop_table("forecasters")
    op.drop_table("audit_log")
    op.execute("DROP FUNCTION IF EXISTS footcast_now()")
