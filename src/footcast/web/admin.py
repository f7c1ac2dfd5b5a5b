"""The admin API (behind the admin secret in a header, rate-limited per client; ``auth``):
pipeline health with severities (MON-02), failures (dead letters) listed, retried and cleared by
stage or one by one (MON-05, SETTLE-04), a backfill triggered or planned (dry run), forecasters
paused for a time and resumed, disabled and enabled (``ops.forecasters``), model health (pauses,
next probe, provider circuits), the queue and the audit log. Every action is audited; failure
texts are cut to ``TRUNCATE`` characters (the full text is in the CLI and the database).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import AwareDatetime, BaseModel, Field, model_validator

from footcast.db.reads import monitoring, operators
from footcast.db.writes import ledger
from footcast.domain import gaps
from footcast.domain.gaps import Severity
from footcast.domain.names import Stage
from footcast.ops import backfill as backfills
from footcast.ops import failures as ops
from footcast.ops import forecasters
from footcast.web.auth import AdminApiRoute, admin
from footcast.web.deps import TEXT, web

__all__ = [
    "MAX_PAUSE_HOURS",
    "TRUNCATE",
    "AuditOut",
    "BackfillIn",
    "BackfillOut",
    "CircuitOut",
    "ClearOut",
    "FailureOut",
    "ForecasterState",
    "GapOut",
    "ModelHealth",
    "PauseIn",
    "PipelineHealth",
    "PlannedUnit",
    "QueueOut",
    "RetryOut",
    "audit",
    "backfill",
    "clear",
    "disable",
    "enable",
    "failures",
    "models",
    "pause",
    "pipeline_health",
    "queue",
    "resume",
    "retry",
    "router",
    "truncate",
]

router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    dependencies=[Depends(admin)],
    route_class=AdminApiRoute,
)

TRUNCATE = 300
Admin = Annotated[str, Depends(admin)]
FailureId = Annotated[int, Field(ge=1, le=2**63 - 1)]
Name = Annotated[str, Path(min_length=1, max_length=100, pattern=TEXT)]


def truncate(text: str | None) -> str | None:
    if text is None or len(text) <= TRUNCATE:
        return text
    return text[: TRUNCATE - 1] + "…"


class GapOut(BaseModel):
    match_id: int
    competition: str
    home: str
    away: str
    kickoff: datetime
    status: str
    missing: list[str]
    missing_forecasters: int
    forecasters: list[str]
    queued: bool
    severity: Severity


class PipelineHealth(BaseModel):
    checked_at: datetime
    window_hours: int
    gaps: list[GapOut]
    counts: dict[str, int]


class FailureOut(BaseModel):
    id: int
    stage: str
    key: str
    match_id: int | None
    error_code: str
    message: str
    attempts: int
    state: str
    terminal: bool
    first_seen_at: datetime
    last_seen_at: datetime


class RetryOut(BaseModel):
    failures: int
    queued: int


class ClearOut(BaseModel):
    cleared: int


class BackfillIn(BaseModel):
    days: int = Field(ge=1, le=60, description="how far back to look for gaps")
    retroactive: bool = False
    dry_run: bool = Field(default=False, description="count the missing units, queue nothing")


class PlannedUnit(BaseModel):
    stage: str
    match_id: int
    key: str
    kickoff: datetime
    retroactive: bool


class BackfillOut(BaseModel):
    missing: int
    enqueued: int
    dry_run: bool = False
    plan: list[PlannedUnit] = Field(
        default_factory=list, description="the missing units (a dry run queues none of them)"
    )


class CircuitOut(BaseModel):
    provider: str
    state: str = Field(description="open (refusing requests), waiting (a retry-after), closed")
    failures_in_a_row: int
    open_until: datetime | None
    wait_until: datetime | None
    last_error: str | None


class ModelHealth(BaseModel):
    models: list[operators.ModelHealth]
    circuits: list[CircuitOut]


class QueueOut(BaseModel):
    due: int
    running: int
    oldest_due_seconds: float | None
    stalled: int
    stalled_after_seconds: float


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    details: dict[str, object]


class ForecasterState(BaseModel):
    name: str
    paused: bool
    changed: bool
    until: datetime | None = Field(
        default=None, description="a timed pause: when it ends by itself (resume: when it was to)"
    )


MAX_PAUSE_HOURS = int(forecasters.MAX_PAUSE.total_seconds() // 3600)


class PauseIn(BaseModel):
    """Exactly one of ``hours`` and ``until``."""

    hours: float | None = Field(default=None, gt=0, le=MAX_PAUSE_HOURS, description="from now")
    until: AwareDatetime | None = Field(default=None, description="when the pause ends")
    reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _one_end(self) -> PauseIn:
        if (self.hours is None) == (self.until is None):
            raise ValueError("give exactly one of hours and until")
        return self

    def end(self, now: datetime) -> datetime:
        if self.until is not None:
            return self.until
        assert self.hours is not None
        return now + timedelta(hours=self.hours)


@router.get("/pipeline-health", response_model=PipelineHealth)
def pipeline_health(
    request: Request,
    hours: Annotated[int, Query(ge=1, le=168)] = gaps.AHEAD_HOURS,
    days: Annotated[int, Query(ge=1, le=365)] = gaps.LOOKBACK_DAYS,
) -> PipelineHealth:
    """Matches kicking off from ``days`` ago to ``hours`` ahead missing work that is due (the
    pairs ``footcast gaps`` lists), by severity (critical < 2 h to kickoff or past it, warning
    < 6 h, info beyond)."""
    state = web(request)
    now = state.clock.now()
    with state.database.transaction() as session:
        found = monitoring.pipeline_gaps(
            session,
            now=now,
            since=now - timedelta(days=days),
            until=now + timedelta(hours=hours),
            windows=state.settings.windows,
        )
    found_gaps = [
        GapOut(
            match_id=g.match_id,
            competition=g.competition,
            home=g.home,
            away=g.away,
            kickoff=g.kickoff,
            status=g.status,
            missing=list(g.missing),
            missing_forecasters=len(g.forecasters),
            forecasters=list(g.forecasters),
            queued=g.queued,
            severity=g.severity,
        )
        for g in found
    ]
    counts = {level.value: sum(g.severity == level for g in found_gaps) for level in Severity}
    return PipelineHealth(checked_at=now, window_hours=hours, gaps=found_gaps, counts=counts)


@router.get("/failures", response_model=list[FailureOut])
def failures(
    request: Request,
    stage: Stage | None = None,
    everything: Annotated[bool, Query(alias="all")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[FailureOut]:
    """Failures, newest first: open and retrying ones (``all``: resolved and cleared too)."""
    with web(request).database.transaction() as session:
        found = ledger.listing(session, stage=stage, everything=everything, limit=limit)
    return [
        FailureOut(
            id=f.id,
            stage=f.stage,
            key=f.key,
            match_id=f.match_id,
            error_code=f.error_code,
            message=truncate(f.message) or "",
            attempts=f.attempts,
            state=f.state,
            terminal=f.terminal,
            first_seen_at=f.first_seen_at,
            last_seen_at=f.last_seen_at,
        )
        for f in found
    ]


@router.post("/failures/retry", response_model=RetryOut)
async def retry(
    request: Request,
    actor: Admin,
    stage: Stage | None = None,
    ids: Annotated[list[FailureId] | None, Query(alias="id")] = None,
    everything: Annotated[bool, Query(alias="all")] = False,
) -> RetryOut:
    """Retry failed units with fresh data; each unit is queued once, however often retried."""
    state = web(request)
    done = await ops.retry(
        state.database,
        await state.runtime.app(),
        actor=actor,
        now=state.clock.now(),
        source=state.settings.sources.kind,
        stage=stage,
        ids=ids,
        everything=everything,
    )
    return RetryOut(failures=done.failures, queued=done.queued)


@router.delete("/failures", response_model=ClearOut)
def clear(
    request: Request,
    actor: Admin,
    stage: Stage | None = None,
    ids: Annotated[list[FailureId] | None, Query(alias="id")] = None,
    everything: Annotated[bool, Query(alias="all")] = False,
) -> ClearOut:
    """Clear failures from the open list (the rows and the audit record stay)."""
    state = web(request)
    done = ops.clear(
        state.database,
        actor=actor,
        now=state.clock.now(),
        stage=stage,
        ids=ids,
        everything=everything,
    )
    return ClearOut(cleared=done.failures)


@router.post("/backfill", response_model=BackfillOut)
async def backfill(request: Request, actor: Admin, body: BackfillIn) -> BackfillOut:
    """Queue every missing unit of the last ``days`` (``retroactive``: predictions past their
    deadline too); the workers do them. ``dry_run``: count them, queue nothing."""
    state = web(request)
    done = await backfills.enqueue(
        state.runtime.context,
        await state.runtime.app(),
        actor=actor,
        days=body.days,
        retroactive=body.retroactive,
        dry_run=body.dry_run,
    )
    plan = [
        PlannedUnit(
            stage=u.stage, match_id=u.match_id, key=u.key, kickoff=u.kickoff,
            retroactive=u.retroactive,
        )
        for u in done.units
    ]  # fmt: skip
    return BackfillOut(
        missing=done.missing, enqueued=done.enqueued, dry_run=body.dry_run, plan=plan
    )


def _toggled(done: forecasters.Toggled) -> ForecasterState:
    return ForecasterState(
        name=done.name, paused=done.paused, changed=done.changed, until=done.until
    )


@router.post("/forecasters/{name}/pause", response_model=ForecasterState)
def pause(request: Request, actor: Admin, name: Name, body: PauseIn) -> ForecasterState:
    """Pause a forecaster until ``until`` (or for ``hours``): it owes no predictions due before
    then and resumes by itself at that moment (409 when it is disabled: enable it)."""
    state = web(request)
    now = state.clock.now()
    done = forecasters.pause(
        state.database, name, until=body.end(now), actor=actor, now=now,
        reason=body.reason or "paused by an admin",
    )  # fmt: skip
    return _toggled(done)


@router.post("/forecasters/{name}/resume", response_model=ForecasterState)
def resume(request: Request, actor: Admin, name: Name) -> ForecasterState:
    """End a forecaster's timed pause early (409 when it is disabled: enable it)."""
    state = web(request)
    done = forecasters.resume(
        state.database, name, actor=actor, now=state.clock.now(), reason="resumed by an admin"
    )
    return _toggled(done)


@router.post("/forecasters/{name}/disable", response_model=ForecasterState)
def disable(request: Request, actor: Admin, name: Name) -> ForecasterState:
    """Stop a forecaster until it is enabled: it owes no predictions from now on."""
    state = web(request)
    done = forecasters.disable(
        state.database, name, actor=actor, now=state.clock.now(), reason="disabled by an admin"
    )
    return _toggled(done)


@router.post("/forecasters/{name}/enable", response_model=ForecasterState)
def enable(request: Request, actor: Admin, name: Name) -> ForecasterState:
    """Lift every pause of a forecaster (disabled by whomever, or paused for a time)."""
    state = web(request)
    done = forecasters.enable(
        state.database, name, actor=actor, now=state.clock.now(), reason="enabled by an admin"
    )
    return _toggled(done)


@router.get("/models", response_model=ModelHealth)
def models(request: Request) -> ModelHealth:
    """Every current forecaster (paused or not, by whom, why, its next probe, its failures in a
    row) and every LLM provider's circuit."""
    state = web(request)
    with state.database.transaction() as session:
        found = operators.models(session, now=state.clock.now())
        shared = operators.circuits(session)
    return ModelHealth(
        models=found,
        circuits=[CircuitOut(**vars(c)) for c in shared],
    )


@router.get("/queue", response_model=QueueOut)
def queue(request: Request) -> QueueOut:
    """Jobs due and running, the oldest due job's age, and stalled jobs (running on a worker
    whose heartbeat stopped: the reconciler re-queues them)."""
    state = web(request)
    after = state.settings.queue.stalled_after_seconds
    with state.database.transaction() as session:
        found = operators.queue(
            session, now=state.clock.now(), stalled_after=timedelta(seconds=after)
        )
    return QueueOut(**vars(found), stalled_after_seconds=after)


@router.get("/audit", response_model=list[AuditOut])
def audit(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    action: Annotated[str | None, Query(max_length=64, pattern=TEXT)] = None,
) -> list[AuditOut]:
    """Operator actions, newest first (``before``: an id, to page back)."""
    with web(request).database.transaction() as session:
        found = operators.audit_log(session, limit=limit, before=before, action=action)
    return [AuditOut(**vars(e)) for e in found]
