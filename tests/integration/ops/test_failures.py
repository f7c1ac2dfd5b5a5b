"""Retrying and clearing failures: the effect and its audit entry, written by ops."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa

from factories import World
from footcast import errors
from footcast.config import load_settings
from footcast.db.writes import ledger
from footcast.ops import failures
from footcast.ops.runtime import Runtime

AuditLog = Callable[[], list[tuple[object, ...]]]


def _failed_settlement(world: World) -> tuple[int, int]:
    match_id = world.match(kickoff=world.clock.now() - timedelta(hours=3))
    with world.database.transaction() as session:
        ledger.record(
            session, stage="settlement", key=f"settle:{match_id}", match_id=match_id,
            error=RuntimeError("boom"), now=world.clock.now(), terminal=True,
        )  # fmt: skip
        failure_id = ledger.open_failures(session, stage="settlement")[0].id
    return match_id, failure_id


def _retry(world: World, **selection: object) -> failures.Retried:
    runtime = Runtime(world.database, load_settings({}), clock=world.clock)

    async def go() -> failures.Retried:
        try:
            return await failures.retry(
                world.database, await runtime.app(), actor="admin", now=world.clock.now(),
                source="simulated", **selection,  # type: ignore[arg-type]
            )  # fmt: skip
        finally:
            await runtime.close()

    return asyncio.run(go())


def test_retry_queues_each_unit_once_and_audits_every_call(
    world: World, audit_log: AuditLog
) -> None:
    match_id, failure_id = _failed_settlement(world)
    first = _retry(world, stage="settlement")
    second = _retry(world, stage="settlement")
    assert (first.failures, first.queued, second.queued) == (1, 1, 0)
    with world.database.transaction() as session:
        locks = list(session.execute(sa.text("SELECT queueing_lock FROM procrastinate_jobs")))
    assert [tuple(lock) for lock in locks] == [(f"settle:{match_id}",)]
    assert audit_log() == [
        ("admin", "failures.retry", "stage:settlement", {"ids": [failure_id]}),
        ("admin", "failures.retry", "stage:settlement", {"ids": [failure_id]}),
    ]


def test_clear_closes_the_chosen_failures_and_audits_it(world: World, audit_log: AuditLog) -> None:
    _, failure_id = _failed_settlement(world)
    done = failures.clear(world.database, actor="cli:ann", now=world.clock.now(), ids=[failure_id])
    assert done.failures == 1
    with world.database.transaction() as session:
        assert ledger.open_failures(session) == []
    assert audit_log() == [("cli:ann", "failures.clear", "ids", {"ids": [failure_id], "count": 1})]


def test_nothing_chosen_is_refused_and_not_audited(world: World, audit_log: AuditLog) -> None:
    with pytest.raises(errors.ConfigError, match="choose what to act on"):
        failures.clear(world.database, actor="cli:ann", now=world.clock.now())
    with pytest.raises(errors.ConfigError, match="choose what to act on"):
        _retry(world)
    assert audit_log() == []
