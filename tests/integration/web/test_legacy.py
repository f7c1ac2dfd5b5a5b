"""The old system's settlement admin API, served over the failure ledger for its runbooks."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from factories import World
from footcast.db.tables import AuditEntry, Failure
from footcast.db.writes import ledger
from web_server import Served


def _failures(world: World) -> tuple[int, int, int]:
    """A dead letter (terminal) and a queued retry of settlement, and a predictions failure."""
    first = world.match(kickoff=world.clock.now() - timedelta(hours=3))
    second = world.match(kickoff=world.clock.now() - timedelta(hours=4))
    with world.database.transaction() as session:
        dead, queued, other = (
            ledger.record(
                session,
                stage=stage,
                key=key,
                match_id=match_id,
                error=RuntimeError(stage),
                now=world.clock.now(),
                terminal=terminal,
            )
            for stage, key, match_id, terminal in [
                ("settlement", f"settle:{first}", first, True),
                ("settlement", f"settle:{second}", second, False),
                ("predictions", f"predict:{first}", first, True),
            ]
        )
    return dead, queued, other


def test_settlement_failures_are_listed_in_the_old_shape(served: Served, world: World) -> None:
    dead, queued, _ = _failures(world)
    body = served.client.get("/api/admin/settlement-failures", headers=served.admin()).json()
    assert body["total"] == 2
    assert {f["id"]: f["inDlq"] for f in body["failures"]} == {dead: True, queued: False}
    assert {"matchId", "errorCode", "firstSeenAt", "lastSeenAt"} <= set(body["failures"][0])


def test_the_old_retry_and_clear_map_onto_the_ledger(served: Served, world: World) -> None:
    dead, queued, other = _failures(world)
    admin = served.admin()
    first = served.client.post("/api/admin/settlement/retry", headers=admin)
    assert first.status_code == 200
    assert first.json() == {
        "retriedFromQueue": 1, "retriedFromDlq": 1, "skipped": 0, "errors": [],
    }  # fmt: skip
    again = served.client.post("/api/admin/settlement/retry", headers=admin).json()
    assert again == {"retriedFromQueue": 2, "retriedFromDlq": 0, "skipped": 2, "errors": []}
    cleared = served.client.delete("/api/admin/settlement/retry", headers=admin)
    assert cleared.json() == {"clearedFromQueue": 2, "clearedFromDlq": 0}
    with world.database.transaction() as session:
        states = {i: s for i, s in session.execute(sa.select(Failure.id, Failure.state))}
        actions = list(session.execute(sa.select(AuditEntry.action)).scalars())
    assert states == {dead: "cleared", queued: "cleared", other: "open"}  # settlement only
    assert actions == ["failures.retry", "failures.retry", "failures.clear"]


def test_the_old_failures_post_retries_or_clears_the_given_ones(
    served: Served, world: World
) -> None:
    dead, queued, _ = _failures(world)
    admin = served.admin()
    retried = served.client.post(
        "/api/admin/settlement-failures", headers=admin, json={"action": "retry", "ids": [dead]}
    )
    assert retried.json() == {
        "retriedFromQueue": 0, "retriedFromDlq": 1, "skipped": 0, "errors": [],
    }  # fmt: skip
    deleted = served.client.post(
        "/api/admin/settlement-failures", headers=admin, json={"action": "delete", "ids": [queued]}
    )
    assert deleted.json() == {"clearedFromQueue": 1, "clearedFromDlq": 0}
    wrong = served.client.post(
        "/api/admin/settlement-failures", headers=admin, json={"action": "explode"}
    )
    assert wrong.status_code == 422
