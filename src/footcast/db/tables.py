"""ORM models: the tables footcast keeps. Converted to domain values at the edge of ``db/``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from footcast.db import _sql
from footcast.domain import names
from footcast.domain.names import FailureState, ForecasterKind, MatchStatus

__all__ = [
    "Abstention",
    "AnalysisSnapshot",
    "AuditEntry",
    "Base",
    "Competition",
    "CompetitionAlias",
    "Failure",
    "Forecaster",
    "ForecasterHealth",
    "ForecasterPause",
    "JobHistoryMark",
    "LeaderboardSettled",
    "LeaderboardTotal",
    "Lineup",
    "Match",
    "MatchOdds",
    "Prediction",
    "ProviderCircuit",
    "QuotaSnapshot",
    "Replay",
    "RequestLimit",
    "RequestSlot",
    "ScoringRule",
    "Season",
    "SettledMatches",
    "Settlement",
    "SettlementScore",
    "SimClock",
    "SourceSync",
    "StageSkip",
    "Team",
    "TeamAlias",
    "WebSession",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Timestamp = DateTime(timezone=True)
Json = dict[str, Any]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy reads it as a class attribute)
        datetime: Timestamp,
        Json: JSONB,
        Decimal: Numeric(14, 6),
    }


class ScoringRule(Base):
    """A named rule version (``quota-v1``, ``standard-v1``) and its parameters."""

    __tablename__ = "scoring_rules"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    params: Mapped[Json]
    __table_args__ = (CheckConstraint("kind IN ('quota', 'standard')", name="kind"),)


class Competition(Base):
    __tablename__ = "competitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(100))
    api_football_id: Mapped[int | None] = mapped_column(unique=True)
    scoring_rule: Mapped[str] = mapped_column(
        ForeignKey("scoring_rules.name"), server_default="quota-v1"
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Season(Base):
    __tablename__ = "seasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(32))
    year: Mapped[int | None]
    starts_on: Mapped[datetime | None]
    ends_on: Mapped[datetime | None]
    __table_args__ = (UniqueConstraint("competition_id", "label"),)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(100))
    api_football_id: Mapped[int | None] = mapped_column(unique=True)


class TeamAlias(Base):
    """What one source calls a canonical team: a name (football-data.co.uk, openfootball,
    API-Football); API-Football's team id is ``teams.api_football_id``."""

    __tablename__ = "team_aliases"

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    __table_args__ = (Index("ix_team_aliases_team_id", "team_id"),)


class CompetitionAlias(Base):
    """What one source calls a canonical competition: its code there (``E0``, ``AF39``)."""

    __tablename__ = "competition_aliases"

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    __table_args__ = (Index("ix_competition_aliases_competition_id", "competition_id"),)


class Match(Base):
    """One fixture. Scores are the 90-minute result; extra time and penalties sit beside it."""

    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"))
    season_id: Mapped[int | None] = mapped_column(ForeignKey("seasons.id"))
    home_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    away_team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    source: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(64))
    api_football_id: Mapped[int | None] = mapped_column(unique=True)
    round: Mapped[str | None] = mapped_column(String(64))
    kickoff_at: Mapped[datetime]
    prediction_deadline: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), server_default=MatchStatus.SCHEDULED.value)
    home_goals: Mapped[int | None]
    away_goals: Mapped[int | None]
    home_goals_ht: Mapped[int | None]
    away_goals_ht: Mapped[int | None]
    home_goals_et: Mapped[int | None]
    away_goals_et: Mapped[int | None]
    home_penalties: Mapped[int | None]
    away_penalties: Mapped[int | None]
    settled_at: Mapped[datetime | None]
    live_polled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        CheckConstraint(f"status IN ({_sql.in_list(MatchStatus)})", name="status"),
        CheckConstraint("home_team_id <> away_team_id", name="distinct_teams"),
        CheckConstraint("(home_goals IS NULL) = (away_goals IS NULL)", name="score_pair"),
        CheckConstraint("home_goals >= 0 AND away_goals >= 0", name="score_non_negative"),
        Index("ix_matches_kickoff_at", "kickoff_at"),
        Index("ix_matches_status_kickoff", "status", "kickoff_at"),
        Index("ix_matches_prediction_deadline", "prediction_deadline"),
    )


class MatchOdds(Base):
    """Decimal 1X2 odds of one bookmaker (or the market average, "avg"), as published before
    kickoff ("pre") or at kickoff ("closing"); ``published_at`` is when they became known."""

    __tablename__ = "match_odds"

    match_id: Mapped[int] = mapped_column(
        ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True
    )
    bookmaker: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    home: Mapped[float] = mapped_column(Float(53))
    draw: Mapped[float] = mapped_column(Float(53))
    away: Mapped[float] = mapped_column(Float(53))
    published_at: Mapped[datetime]
    __table_args__ = (
        CheckConstraint("kind IN ('pre', 'closing')", name="kind"),
        CheckConstraint("home > 1 AND draw > 1 AND away > 1", name="decimal_odds"),
    )


class Forecaster(Base):
    __tablename__ = "forecasters"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str | None] = mapped_column(String(64))
    model_id: Mapped[str | None] = mapped_column(String(200))
    reference: Mapped[bool] = mapped_column(server_default=text("false"))
    knowledge_cutoff: Mapped[date | None]  # an LLM's training data end (roster); None: unknown
    active_from: Mapped[datetime]
    active_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    __table_args__ = (
        CheckConstraint(f"kind IN ({_sql.in_list(ForecasterKind)})", name="kind"),
        CheckConstraint("active_until IS NULL OR active_until > active_from", name="active_span"),
    )


class AnalysisSnapshot(Base):
    """What a forecaster sees: facts known at ``as_of``, hashed."""

    __tablename__ = "analysis_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"))
    as_of: Mapped[datetime]
    payload: Mapped[Json]
    input_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    __table_args__ = (
        UniqueConstraint("match_id", "input_hash"),
        Index("ix_analysis_snapshots_match_id", "match_id", "as_of"),
    )


class Lineup(Base):
    __tablename__ = "lineups"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    available: Mapped[bool]
    formation: Mapped[str | None] = mapped_column(String(16))
    coach: Mapped[str | None] = mapped_column(String(200))
    starting: Mapped[list[Any] | None] = mapped_column(JSONB)
    substitutes: Mapped[list[Any] | None] = mapped_column(JSONB)
    fetched_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("match_id", "team_id"),)


class Abstention(Base):
    """A forecaster that did not predict a match because its snapshot lacked what it needs
    (``missing``, e.g. ``["odds"]``); the pair is then not owed and not counted."""

    __tablename__ = "abstentions"

    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id"), primary_key=True)
    forecaster_id: Mapped[int] = mapped_column(
        ForeignKey("forecasters.id"), primary_key=True, index=True
    )
    missing: Mapped[list[str]] = mapped_column(ARRAY(String(20)))
    reason: Mapped[str] = mapped_column(Text)
    analysis_snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("analysis_snapshots.id"))
    created_at: Mapped[datetime]


class Prediction(Base):
    """One exact score per (match, forecaster); immutable once the deadline has passed."""

    __tablename__ = "predictions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id"))
    forecaster_id: Mapped[int] = mapped_column(ForeignKey("forecasters.id"))
    analysis_snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("analysis_snapshots.id"))
    home_goals: Mapped[int]
    away_goals: Mapped[int]
    p_home: Mapped[float | None] = mapped_column(Float(53))
    p_draw: Mapped[float | None] = mapped_column(Float(53))
    p_away: Mapped[float | None] = mapped_column(Float(53))
    created_at: Mapped[datetime]
    retroactive: Mapped[bool] = mapped_column(server_default=text("false"))
    raw_prompt: Mapped[str | None] = mapped_column(Text)
    raw_response: Mapped[str | None] = mapped_column(Text)
    prompt_tokens: Mapped[int | None]
    completion_tokens: Mapped[int | None]
    latency_ms: Mapped[int | None]
    cost_usd: Mapped[Decimal | None]
    __table_args__ = (
        UniqueConstraint("match_id", "forecaster_id"),
        CheckConstraint(
            "home_goals BETWEEN 0 AND 20 AND away_goals BETWEEN 0 AND 20", name="goals"
        ),
        CheckConstraint(
            "(p_home IS NULL AND p_draw IS NULL AND p_away IS NULL) OR"
            " (p_home BETWEEN 0 AND 1 AND p_draw BETWEEN 0 AND 1 AND p_away BETWEEN 0 AND 1"
            " AND abs(p_home + p_draw + p_away - 1) <= 1e-6)",
            name="probabilities",
        ),
        Index("ix_predictions_forecaster_id", "forecaster_id"),
    )


class QuotaSnapshot(Base):
    """The frozen set of a match: counts, quotas and the rule they were computed with."""

    __tablename__ = "quota_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id"))
    rule_name: Mapped[str] = mapped_column(String(64))
    rule_kind: Mapped[str] = mapped_column(String(16))
    rule_params: Mapped[Json]
    n: Mapped[int]
    t_home: Mapped[int]
    t_draw: Mapped[int]
    t_away: Mapped[int]
    quota_home: Mapped[int | None]
    quota_draw: Mapped[int | None]
    quota_away: Mapped[int | None]
    basis: Mapped[str] = mapped_column(String(16))
    prediction_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    frozen_at: Mapped[datetime]
    superseded_at: Mapped[datetime | None]
    __table_args__ = (
        CheckConstraint("basis IN ('on_time', 'retroactive')", name="basis"),
        CheckConstraint("n = t_home + t_draw + t_away AND n > 0", name="counts"),
        Index(
            "uq_quota_snapshots_current",
            "match_id",
            unique=True,
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )


class Settlement(Base):
    """One revision of a match's settlement; a corrected score adds a revision."""

    __tablename__ = "settlements"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id"))
    revision: Mapped[int]
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("quota_snapshots.id"))
    home_goals: Mapped[int]
    away_goals: Mapped[int]
    settled_at: Mapped[datetime]
    settled_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(200))
    superseded_at: Mapped[datetime | None]
    __table_args__ = (
        UniqueConstraint("match_id", "revision"),
        Index(
            "uq_settlements_current",
            "match_id",
            unique=True,
            postgresql_where=text("superseded_at IS NULL"),
        ),
    )


class SettlementScore(Base):
    """Points and pool-independent scores of one prediction in one settlement revision."""

    __tablename__ = "settlement_scores"

    settlement_id: Mapped[int] = mapped_column(
        ForeignKey("settlements.id", ondelete="CASCADE"), primary_key=True
    )
    prediction_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("predictions.id"), primary_key=True
    )
    forecaster_id: Mapped[int] = mapped_column(ForeignKey("forecasters.id"))
    in_snapshot: Mapped[bool]
    retroactive: Mapped[bool]
    points: Mapped[int]
    tendency_hit: Mapped[bool]
    goal_difference_hit: Mapped[bool]
    exact_hit: Mapped[bool]
    goal_error: Mapped[int]
    rps: Mapped[float | None] = mapped_column(Float(53))
    brier: Mapped[float | None] = mapped_column(Float(53))
    log_loss: Mapped[float | None] = mapped_column(Float(53))
    __table_args__ = (Index("ix_settlement_scores_forecaster_id", "forecaster_id"),)


class LeaderboardTotal(Base):
    """Sums of the current settlements' scores per (forecaster, competition, season 0 for none,
    retroactive, contaminated), kept by triggers at settlement (migration 0015)."""

    __tablename__ = "leaderboard_totals"

    forecaster_id: Mapped[int] = mapped_column(
        ForeignKey("forecasters.id", ondelete="CASCADE"), primary_key=True
    )
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), primary_key=True
    )
    season_id: Mapped[int] = mapped_column(primary_key=True)
    retroactive: Mapped[bool] = mapped_column(primary_key=True)
    contaminated: Mapped[bool] = mapped_column(primary_key=True)
    predicted: Mapped[int]
    points: Mapped[int] = mapped_column(BigInteger)
    tendency_hits: Mapped[int]
    exact_hits: Mapped[int]
    rps_sum: Mapped[float] = mapped_column(Float(53))
    rps_n: Mapped[int]
    log_loss_sum: Mapped[float] = mapped_column(Float(53))
    log_loss_n: Mapped[int]


class LeaderboardSettled(Base):
    """Settled matches that count for a forecaster, per competition and season (0 for none)."""

    __tablename__ = "leaderboard_settled"

    forecaster_id: Mapped[int] = mapped_column(
        ForeignKey("forecasters.id", ondelete="CASCADE"), primary_key=True
    )
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), primary_key=True
    )
    season_id: Mapped[int] = mapped_column(primary_key=True)
    settled: Mapped[int]


class SettledMatches(Base):
    """Settled matches per competition and season (0 for none)."""

    __tablename__ = "settled_matches"

    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), primary_key=True
    )
    season_id: Mapped[int] = mapped_column(primary_key=True)
    settled: Mapped[int]


class Failure(Base):
    """The failure ledger (dead letters): one row per failed unit of work and its history."""

    __tablename__ = "failures"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    stage: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200))
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id"))
    error_class: Mapped[str] = mapped_column(String(200))
    error_code: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    traceback: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[Json] = mapped_column(server_default=text("'{}'::jsonb"))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16), server_default=FailureState.OPEN.value)
    terminal: Mapped[bool] = mapped_column(server_default=text("false"))
    __table_args__ = (
        CheckConstraint(f"state IN ({_sql.in_list(FailureState)})", name="state"),
        CheckConstraint("attempts >= 1", name="attempts"),
        Index("ix_failures_match_id", "match_id"),
        Index(
            "uq_failures_open_unit",
            "stage",
            "key",
            unique=True,
            postgresql_where=text(f"state IN ({_sql.in_list(names.ACTIVE_FAILURE)})"),
        ),
    )


class StageSkip(Base):
    """A stage deliberately not done for a match (e.g. settlement: no predictions): visible, not
    a failure."""

    __tablename__ = "stage_skips"

    stage: Mapped[str] = mapped_column(String(32), primary_key=True)
    match_id: Mapped[int] = mapped_column(
        ForeignKey("matches.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]


class SourceSync(Base):
    """When each source's fixtures were last synced."""

    __tablename__ = "source_syncs"

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    synced_at: Mapped[datetime]
    fixtures: Mapped[int]


class Replay(Base):
    """The one replay a database holds: its files (by content), and how far it has got."""

    __tablename__ = "replays"

    id: Mapped[int] = mapped_column(primary_key=True, server_default=text("1"))
    source: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    reached_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    __table_args__ = (CheckConstraint("id = 1", name="one"),)


class SimClock(Base):
    """The shared simulated time of a replay, read by every worker process (one row)."""

    __tablename__ = "sim_clock"

    id: Mapped[bool] = mapped_column(primary_key=True, server_default=text("true"))
    now: Mapped[datetime]
    __table_args__ = (CheckConstraint("id", name="single_row"),)


class AuditEntry(Base):
    """An operator action: who did what to which object, and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[Json] = mapped_column(server_default=text("'{}'::jsonb"))


class RequestLimit(Base):
    """The shared request limits of one scope (a provider: ``api-football``): today's count
    against the daily budget, the per-window limit the provider last reported, and a stop until
    the provider's day resets."""

    __tablename__ = "request_limits"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date | None]
    day_used: Mapped[int] = mapped_column(server_default=text("0"))
    reported_limit: Mapped[int | None]
    blocked_until: Mapped[datetime | None]
    __table_args__ = (CheckConstraint("day_used >= 0", name="day_used"),)


class RequestSlot(Base):
    """One request of a scope in the sliding window: taken at ``at`` and ``in_flight`` until it
    is over, then ``at`` is when it ended (it counts for a whole window after that)."""

    __tablename__ = "request_slots"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    scope: Mapped[str] = mapped_column(
        String(64), ForeignKey("request_limits.scope", ondelete="CASCADE")
    )
    at: Mapped[datetime]
    in_flight: Mapped[bool]
    __table_args__ = (Index("ix_request_slots_scope_at", "scope", "at"),)


class ForecasterPause(Base):
    """A span ``[since, until)`` in which a forecaster owes no predictions: open (``until`` NULL,
    disabled by an operator, the roster or its health) until someone ends it, or timed (written
    with its ``until``, ending by itself then). Health pauses are probed at ``probe_at``."""

    __tablename__ = "forecaster_pauses"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    forecaster_id: Mapped[int] = mapped_column(ForeignKey("forecasters.id", ondelete="CASCADE"))
    since: Mapped[datetime]
    until: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    probe_at: Mapped[datetime | None]
    probes: Mapped[int] = mapped_column(server_default=text("0"))
    resumed_by: Mapped[str | None] = mapped_column(String(100))
    resume_reason: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        CheckConstraint("until IS NULL OR until >= since", name="span"),
        Index("ix_forecaster_pauses_forecaster_id", "forecaster_id", "since"),
        Index(
            "uq_forecaster_pauses_open",
            "forecaster_id",
            unique=True,
            postgresql_where=text("until IS NULL"),
        ),
    )


class ForecasterHealth(Base):
    """How a forecaster's recent requests went: consecutive failures disable it."""

    __tablename__ = "forecaster_health"

    forecaster_id: Mapped[int] = mapped_column(
        ForeignKey("forecasters.id", ondelete="CASCADE"), primary_key=True
    )
    consecutive_failures: Mapped[int] = mapped_column(server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_failure_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]


class JobHistoryMark(Base):
    """The highest job id at a moment of the clock: how old a finished job is (migration 0014)."""

    __tablename__ = "job_history_marks"

    at: Mapped[datetime] = mapped_column(primary_key=True)
    last_job_id: Mapped[int] = mapped_column(BigInteger)


class ProviderCircuit(Base):
    """A provider's circuit breaker and its retry-after wait, shared by every worker."""

    __tablename__ = "provider_circuits"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    consecutive_failures: Mapped[int] = mapped_column(server_default=text("0"))
    open_until: Mapped[datetime | None]
    wait_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class WebSession(Base):
    """An admin's login on the pages: the SHA-256 of the cookie's token, the CSRF token of its
    forms, its expiry and revocation (logout), and the confirmation its next page shows."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    csrf: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    flash: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_web_sessions_expires_at", "expires_at"),)
