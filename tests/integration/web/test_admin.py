"""The admin API: every route refuses a missing or wrong secret, is rate-limited, and acts."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa

from factories import World
from footcast.clock import SimulatedClock
from footcast.config import load_settings
from footcast.db import Database
from footcast.db.reads import owed
from footcast.db.tables import AuditEntry
from footcast.db.writes import ledger
from footcast.web.app import create_app
from footcast.web.serving import serve
from web_server import SECRET, Served


def _admin_routes(served: Served) -> list[tuple[str, str]]:
    """Every admin route the app publishes (its OpenAPI document), path parameters filled."""
    paths = served.client.get("/openapi.json").json()["paths"]
    found = [
        (method.upper(), re.sub(r"\{[^}]+\}", "alice", path))
        for path, operations in paths.items()
        if path.startswith("/api/admin")
        for method in operations
    ]
    assert len(found) >= 7  # the test sees the routes it guards
    return found


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="missing"),
        pytest.param({"Authorization": "Bearer wrong"}, id="wrong-bearer"),
        pytest.param({"X-Admin-Password": SECRET[:-1]}, id="wrong-password"),
        pytest.param({"Authorization": f"Basic {SECRET}"}, id="not-bearer"),
    ],
)
def test_every_admin_route_refuses_a_missing_or_wrong_secret(
    served: Served, headers: dict[str, str]
) -> None:
    for method, path in _admin_routes(served):
        answer = served.client.request(method, path, headers=headers, json={"days": 1})
        assert answer.status_code == 401, (method, path)
        assert answer.json()["error"]["code"] == "unauthorised"


def test_the_secret_opens_every_admin_route(served: Served, world: World) -> None:
    world.forecasters("alice")
    for method, path in _admin_routes(served):
        for headers in (served.admin(), {"X-Admin-Password": SECRET}):
            answer = served.client.request(method, path, headers=headers, json={"days": 1})
            assert answer.status_code not in (401, 403, 500), (method, path, answer.text)


def test_admin_requests_are_limited_per_client(database: Database, clock: SimulatedClock) -> None:
    settings = load_settings({}, admin_token=SECRET, admin_rate_limit="10/minute")
    app = create_app(database, settings, clock=clock)
    with serve(app) as url, httpx.Client(base_url=url) as client:
        codes = [
            client.get("/api/admin/failures", headers={"X-Admin-Password": SECRET}).status_code
            for _ in range(11)
        ]
        assert codes == [200] * 10 + [429]
        assert client.get("/api/health").status_code == 200  # the public surface is not limited


def test_failures_are_listed_truncated_retried_once_and_cleared(
    served: Served, world: World
) -> None:
    match_id = world.match(kickoff=world.clock.now() - timedelta(hours=3))
    with world.database.transaction() as session:
        ledger.record(
            session, stage="settlement", key=f"settle:{match_id}", match_id=match_id,
            error=RuntimeError("x" * 1000), now=world.clock.now(), terminal=True,
        )  # fmt: skip
    listed = served.client.get(
        "/api/admin/failures?stage=settlement", headers=served.admin()
    ).json()
    assert len(listed) == 1
    assert len(listed[0]["message"]) == 300
    first = served.client.post("/api/admin/failures/retry?stage=settlement", headers=served.admin())
    again = served.client.post("/api/admin/failures/retry?stage=settlement", headers=served.admin())
    assert first.json() == {"failures": 1, "queued": 1}
    assert again.json()["queued"] == 0  # the unit is queued once, however often retried
    cleared = served.client.delete("/api/admin/failures?stage=settlement", headers=served.admin())
    assert cleared.json() == {"cleared": 1}
    with world.database.transaction() as session:
        actions = session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
        assert list(actions) == ["failures.retry", "failures.retry", "failures.clear"]
        jobs = session.execute(sa.text("SELECT count(*) FROM procrastinate_jobs")).scalar_one()
    assert jobs == 1


def test_forecasters_are_disabled_and_enabled(served: Served, world: World) -> None:
    world.forecasters("alice")
    off = served.client.post("/api/admin/forecasters/alice/disable", headers=served.admin()).json()
    assert off == {"name": "alice", "paused": True, "changed": True, "until": None}
    again = served.client.post("/api/admin/forecasters/alice/disable", headers=served.admin())
    assert again.json()["changed"] is False
    on = served.client.post("/api/admin/forecasters/alice/enable", headers=served.admin()).json()
    assert on["changed"] is True
    missing = served.client.post("/api/admin/forecasters/nobody/enable", headers=served.admin())
    assert missing.status_code == 404


def test_a_forecaster_is_paused_for_a_time_and_resumed(served: Served, world: World) -> None:
    world.forecasters("alice", "bob")
    admin, now = served.admin(), world.clock.now()

    def post(path: str, body: object = None) -> httpx.Response:
        return served.client.post(f"/api/admin/forecasters/{path}", headers=admin, json=body)

    def state(name: str) -> dict[str, object]:
        found = served.client.get("/api/admin/models", headers=admin).json()["models"]
        model: dict[str, object] = next(m for m in found if m["name"] == name)
        return model

    paused = post("alice/pause", {"hours": 2.5, "reason": "provider incident"})
    assert paused.status_code == 200
    end = (now + timedelta(hours=2, minutes=30)).isoformat().replace("+00:00", "Z")
    assert paused.json() == {"name": "alice", "paused": True, "changed": True, "until": end}
    alice = state("alice")
    assert (alice["paused"], alice["paused_until"], alice["pause_reason"]) == (
        True, end, "provider incident",
    )  # fmt: skip
    until = (now + timedelta(days=1)).isoformat()
    assert post("bob/pause", {"until": until}).json()["until"] == until.replace("+00:00", "Z")

    world.clock.advance(timedelta(hours=3))
    assert state("alice")["paused"] is False  # ended by itself
    assert state("bob")["paused_until"] is not None
    resumed = post("bob/resume").json()
    assert (resumed["changed"], resumed["paused"]) == (True, False)
    assert state("bob")["paused"] is False
    assert post("bob/resume").json()["changed"] is False

    post("bob/disable")
    refused = post("bob/pause", {"hours": 1})
    assert refused.status_code == 409
    assert "enable it first" in refused.json()["error"]["message"]
    assert post("bob/resume").status_code == 409
    assert state("bob")["paused_until"] is None  # disabled: no end
    for body, field in [
        ({}, "hours and until"),
        ({"hours": 1, "until": until}, "hours and until"),
        ({"hours": 0}, "hours"),
        ({"hours": 24 * 90 + 1}, "hours"),
        ({"until": "2030-01-01T00:00:00"}, "until"),  # no time zone
    ]:
        answer = post("alice/pause", body)
        assert answer.status_code == 422, body
        assert field in answer.text, body
    past = post("alice/pause", {"until": now.isoformat()})
    assert (past.status_code, past.json()["error"]["code"]) == (422, "invalid_input")
    assert post("nobody/pause", {"hours": 1}).status_code == 404
    with world.database.transaction() as session:
        actions = session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
        assert list(actions) == [
            "forecaster.pause", "forecaster.pause", "forecaster.resume", "forecaster.disable",
        ]  # fmt: skip


def test_pipeline_health_reports_gaps_by_severity(served: Served, world: World) -> None:
    world.forecasters("alice")
    now = world.clock.now()
    soon = world.match(kickoff=now + timedelta(minutes=20))  # predictions due, none made
    later = world.match(kickoff=now + timedelta(hours=5))  # analysis due, none built
    world.match(kickoff=now + timedelta(days=5))  # nothing due yet
    body = served.client.get("/api/admin/pipeline-health", headers=served.admin()).json()
    gaps = {g["match_id"]: (g["severity"], g["missing"]) for g in body["gaps"]}
    assert gaps == {
        soon: ("critical", ["analysis", "predictions"]),
        later: ("warning", ["analysis"]),
    }
    assert body["counts"] == {"critical": 1, "warning": 1, "info": 0}


def test_pipeline_health_reports_a_match_missing_one_of_its_forecasters(
    served: Served, world: World
) -> None:
    # issue 14, bug 1: a match predicted by all but one owed forecaster was shown as healthy
    world.forecasters("alice", "bob", "carol")
    world.forecasters("dora", kind="human")  # not asked by the pipeline: never a gap
    now = world.clock.now() + timedelta(hours=2)
    upcoming = world.match(kickoff=now + timedelta(minutes=20))
    started = world.match(kickoff=now - timedelta(hours=1))
    for match_id in (upcoming, started):  # both predicted before their deadlines
        world.predict(match_id, "alice", "1:0")
        world.predict(match_id, "bob", "2:1")
    world.clock.set(now)
    body = served.client.get("/api/admin/pipeline-health", headers=served.admin()).json()
    assert {g["match_id"]: (g["missing"], g["severity"]) for g in body["gaps"]} == {
        upcoming: (["analysis", "predictions"], "critical"),
        started: (["predictions"], "critical"),
    }
    gaps = {g["match_id"]: (g["missing_forecasters"], g["forecasters"]) for g in body["gaps"]}
    assert gaps == {upcoming: (1, ["carol"]), started: (1, ["carol"])}
    # the same pairs as `footcast gaps` (both read db.reads.owed.gaps over the same window)
    with world.database.transaction() as session:
        pairs = owed.gaps(
            session, since=now - timedelta(days=7), until=now + timedelta(hours=48), now=now,
            prediction_lead=load_settings({}).windows.prediction_lead,
        )  # fmt: skip
    assert sorted((p.match_id, p.forecaster) for p in pairs) == sorted(
        (match_id, name) for match_id, (_, names) in gaps.items() for name in names
    )


def test_a_backfill_queues_the_missing_units_and_is_audited(served: Served, world: World) -> None:
    world.forecasters("alice")
    match_id = world.match(kickoff=world.clock.now() - timedelta(hours=5))
    world.finish(match_id, "1:0")
    answer = served.client.post(
        "/api/admin/backfill", headers=served.admin(), json={"days": 2, "retroactive": True}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["enqueued"] >= 1
    with world.database.transaction() as session:
        keys = set(
            session.execute(sa.text("SELECT queueing_lock FROM procrastinate_jobs")).scalars()
        )
        action = session.execute(sa.select(AuditEntry.action)).scalar_one()
    assert f"analysis:{match_id}" in keys  # retroactive: the analysis comes first
    assert action == "backfill"
    refused = served.client.post("/api/admin/backfill", headers=served.admin(), json={"days": 0})
    assert refused.status_code == 422
    assert "days" in refused.json()["error"]["message"]
