"""The old system's settlement admin API, for the runbooks that still call it, served over the
failure ledger behind the same secret and limits as the rest of the admin API.

The old system kept failed settlement jobs in two places: jobs still being retried by the queue,
and a dead-letter queue (DLQ) for those that gave up. footcast has one failure ledger; a
failure that no automatic retry will take up any more is *terminal*. So:

- ``retriedFromQueue`` / ``clearedFromQueue``: open settlement failures that were not terminal
  (the queue was still retrying them);
- ``retriedFromDlq`` / ``clearedFromDlq``: terminal ones (the dead letters);
- ``skipped``: failures retried whose unit was not queued again, because a job for it was queued
  already (one job per unit) or another failure of the run shares it;
- ``errors``: always empty; a retry is one transaction, and a failure of it is the HTTP error.

``docs/admin.md`` says the same for operators.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from footcast.db.writes import ledger
from footcast.domain.names import Stage
from footcast.ops import failures as ops
from footcast.web.admin import FailureId, truncate
from footcast.web.auth import AdminApiRoute, admin
from footcast.web.deps import web

__all__ = [
    "LegacyAction",
    "LegacyCleared",
    "LegacyFailure",
    "LegacyFailures",
    "LegacyRetried",
    "act",
    "clear_settlements",
    "retry_settlements",
    "router",
    "settlement_failures",
]

router = APIRouter(
    prefix="/api/admin",
    tags=["admin (old system)"],
    dependencies=[Depends(admin)],
    route_class=AdminApiRoute,
)
Admin = Annotated[str, Depends(admin)]


class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class LegacyRetried(_Camel):
    retried_from_queue: int
    retried_from_dlq: int
    skipped: int
    errors: list[str]


class LegacyCleared(_Camel):
    cleared_from_queue: int
    cleared_from_dlq: int


class LegacyFailure(_Camel):
    id: int
    match_id: int | None
    key: str
    error_code: str
    message: str
    attempts: int
    state: str
    in_dlq: bool = Field(description="terminal: no automatic retry will take it up")
    first_seen_at: datetime
    last_seen_at: datetime


class LegacyFailures(_Camel):
    failures: list[LegacyFailure]
    total: int


class LegacyAction(_Camel):
    action: Literal["retry", "clear", "delete"] = Field(
        default="retry", description="retry, or clear (delete: the old name of clear)"
    )
    ids: list[FailureId] | None = Field(
        default=None, max_length=1000, description="these failures only; none: all of them"
    )


async def _retry(request: Request, actor: str, ids: list[int] | None) -> LegacyRetried:
    state = web(request)
    done = await ops.retry(
        state.database,
        await state.runtime.app(),
        actor=actor,
        now=state.clock.now(),
        source=state.settings.sources.kind,
        stage=Stage.SETTLEMENT,
        ids=ids,
    )
    return LegacyRetried(
        retried_from_queue=done.failures - done.terminal,
        retried_from_dlq=done.terminal,
        skipped=max(0, done.failures - done.queued),
        errors=[],
    )


def _clear(request: Request, actor: str, ids: list[int] | None) -> LegacyCleared:
    state = web(request)
    done = ops.clear(
        state.database, actor=actor, now=state.clock.now(), stage=Stage.SETTLEMENT, ids=ids
    )
    return LegacyCleared(
        cleared_from_queue=done.failures - done.terminal, cleared_from_dlq=done.terminal
    )


@router.post("/settlement/retry", response_model=LegacyRetried, response_model_by_alias=True)
async def retry_settlements(request: Request, actor: Admin) -> LegacyRetried:
    """Retry every open settlement failure (``footcast failures retry --stage settlement``)."""
    return await _retry(request, actor, None)


@router.delete("/settlement/retry", response_model=LegacyCleared, response_model_by_alias=True)
def clear_settlements(request: Request, actor: Admin) -> LegacyCleared:
    """Clear every open settlement failure (``footcast failures clear --stage settlement``)."""
    return _clear(request, actor, None)


@router.get("/settlement-failures", response_model=LegacyFailures, response_model_by_alias=True)
def settlement_failures(
    request: Request,
    everything: Annotated[bool, Query(alias="all")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> LegacyFailures:
    """Settlement failures, newest first: open ones (``all``: resolved and cleared too)."""
    with web(request).database.transaction() as session:
        found = ledger.listing(session, stage=Stage.SETTLEMENT, everything=everything, limit=limit)
    return LegacyFailures(
        failures=[
            LegacyFailure(
                id=f.id, match_id=f.match_id, key=f.key, error_code=f.error_code,
                message=truncate(f.message) or "", attempts=f.attempts, state=f.state,
                in_dlq=f.terminal, first_seen_at=f.first_seen_at, last_seen_at=f.last_seen_at,
            )
            for f in found
        ],
        total=len(found),
    )  # fmt: skip


@router.post(
    "/settlement-failures",
    response_model=LegacyRetried | LegacyCleared,
    response_model_by_alias=True,
)
async def act(
    request: Request, actor: Admin, body: LegacyAction | None = None
) -> LegacyRetried | LegacyCleared:
    """Retry (the default) or clear settlement failures: the given ``ids``, or all of them."""
    chosen = body or LegacyAction()
    if chosen.action == "retry":
        return await _retry(request, actor, chosen.ids)
    return _clear(request, actor, chosen.ids)
