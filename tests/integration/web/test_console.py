"""The admin pages through a real server: login and logout, the dashboard's figures, and every
action an operator takes in an incident, each confirmed on the next page and audited."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import sqlalchemy as sa

from admin_pages import Operator
from factories import World
from footcast.clock import SimulatedClock
from footcast.config import load_settings
from footcast.db import Database
from footcast.db.coordination import pauses
from footcast.db.tables import AuditEntry, Failure, ProviderCircuit
from footcast.db.writes import forecasters as forecaster_rows
from footcast.db.writes import ledger
from footcast.web import auth
from footcast.web.app import create_app
from footcast.web.serving import serve
from web_server import SECRET, Served


def _operator(served: Served) -> Operator:
    return Operator(served.client, served.url)


def _failure(world: World, match_id: int, *, stage: str = "settlement", text: str = "x") -> int:
    with world.database.transaction() as session:
        return ledger.record(
            session, stage=stage, key=f"{'settle' if stage == 'settlement' else stage}:{match_id}",
            match_id=match_id, error=RuntimeError(text), now=world.clock.now(), terminal=True,
        )  # fmt: skip


def _actions(database: Database) -> list[str]:
    with database.transaction() as session:
        return list(session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def _flash(html: str) -> str:
    found = re.search(r'<p id="flash"[^>]*>([^<]*)</p>', html)
    assert found is not None, "no confirmation on the page"
    return found.group(1)


def test_the_login_opens_the_dashboard_and_the_logout_revokes_the_cookie(
    served: Served, world: World
) -> None:
    operator = _operator(served)
    assert 'id="login"' in served.client.get("/admin").text
    wrong = served.client.post("/admin/login", data={"password": "nope"}, headers=operator.origin)
    assert wrong.status_code == 401
    assert "wrong secret" in wrong.text
    assert auth.COOKIE not in served.client.cookies
    right = operator.login()
    assert right.status_code == 303
    assert right.headers["location"] == "/admin"
    cookie = right.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" not in cookie  # plain HTTP: a Secure cookie would never come back
    assert SECRET not in cookie
    dashboard = served.client.get("/admin")
    assert "Pipeline health" in dashboard.text
    assert 'id="login"' not in dashboard.text
    old = operator.cookie
    assert old is not None

    assert operator.post("/admin/logout").status_code == 303
    assert 'id="login"' in served.client.get("/admin").text
    # the old value opens nothing any more: not the dashboard, not an action
    with httpx.Client(base_url=served.url, cookies={auth.COOKIE: old}) as replay:
        assert 'id="login"' in replay.get("/admin").text
        refused = replay.post(
            "/admin/failures/clear",
            data={"stage": "settlement", "csrf": "x"},
            headers={"Origin": served.url},
        )
        assert refused.status_code == 401
    assert _actions(world.database) == ["admin.login_failed", "admin.login", "admin.logout"]


def test_a_failed_login_is_audited_with_its_client(served: Served, world: World) -> None:
    served.client.post("/admin/login", data={"password": "guess"}, headers={"Origin": served.url})
    with world.database.transaction() as session:
        entry = session.execute(sa.select(AuditEntry)).scalar_one()
    assert (entry.action, entry.actor) == ("admin.login_failed", "anonymous@127.0.0.1")
    assert "guess" not in str(entry.details)  # the guess is not kept


def test_the_login_page_says_the_admin_area_is_closed_without_a_secret(
    database: Database, clock: SimulatedClock
) -> None:
    with serve(create_app(database, load_settings({}), clock=clock)) as url:
        page = httpx.get(f"{url}/admin")
        tried = httpx.post(f"{url}/admin/login", data={"password": ""}, headers={"Origin": url})
    assert page.status_code == 200
    assert "The admin area is closed" in page.text
    assert "FOOTCAST_ADMIN_TOKEN" in page.text
    assert 'id="login"' not in page.text
    assert tried.status_code == 403


def test_the_dashboard_shows_health_and_failures_and_acts_on_a_stage(
    served: Served, world: World
) -> None:
    world.forecasters("alice", "bob")
    soon = world.match(kickoff=world.clock.now() + timedelta(minutes=20))
    world.predict(soon, "alice", "1:0")
    past = world.match(kickoff=world.clock.now() - timedelta(hours=3))
    _failure(world, past, text="y" * 1000)
    operator = _operator(served)
    operator.login()
    page = served.client.get("/admin").text
    assert f'<tr class="critical" data-match="{soon}">' in page
    assert f'href="/matches/{soon}"' in page  # a gap links to its match
    assert "critical: 2" in page
    assert "y" * 299 + "…" in page  # cut to 300 characters
    assert "y" * 300 not in page

    retried = operator.post("/admin/failures/retry", {"stage": "settlement"})
    assert retried.status_code == 303
    with world.database.transaction() as session:
        assert session.execute(sa.select(Failure.state)).scalar_one() == "retrying"
        jobs = session.execute(sa.text("SELECT count(*) FROM procrastinate_jobs")).scalar_one()
    assert jobs == 1
    page = served.client.get("/admin").text
    assert _flash(page) == "Retried 1 failure (settlement failures): 1 unit queued."
    assert '<td class="state">retrying</td>' in page
    assert 'id="flash"' not in served.client.get("/admin").text  # shown once
    operator.post("/admin/failures/clear", {"stage": "settlement"})
    with world.database.transaction() as session:
        assert session.execute(sa.select(Failure.state)).scalar_one() == "cleared"
    assert "No open failures." in served.client.get("/admin").text


def test_one_failure_is_retried_and_another_cleared(served: Served, world: World) -> None:
    first = world.match(kickoff=world.clock.now() - timedelta(hours=3))
    second = world.match(kickoff=world.clock.now() - timedelta(hours=4))
    one, other = _failure(world, first), _failure(world, second)
    operator = _operator(served)
    operator.login()
    assert operator.post("/admin/failures/retry", {"id": one}).status_code == 303
    assert _flash(served.client.get("/admin").text) == f"Retried 1 failure (#{one}): 1 unit queued."
    operator.post("/admin/failures/clear", {"id": other})
    assert _flash(served.client.get("/admin").text) == f"Cleared 1 failure (#{other})."
    with world.database.transaction() as session:
        states = {i: s for i, s in session.execute(sa.select(Failure.id, Failure.state))}
        queued = session.execute(sa.text("SELECT queueing_lock FROM procrastinate_jobs")).scalars()
        assert list(queued) == [f"settle:{first}"]
    assert states == {one: "retrying", other: "cleared"}


def test_a_dry_run_backfill_shows_the_plan_and_queues_nothing(served: Served, world: World) -> None:
    world.forecasters("alice")
    match_id = world.match(kickoff=world.clock.now() - timedelta(hours=5))
    world.finish(match_id, "1:0")
    operator = _operator(served)
    operator.login()
    plan = operator.post("/admin/backfill", {"days": 2, "retroactive": "true", "dry_run": "true"})
    assert plan.status_code == 200
    assert "nothing was queued" in plan.text
    assert f'<tr data-unit="analysis:{match_id}">' in plan.text
    with world.database.transaction() as session:
        assert session.execute(sa.text("SELECT count(*) FROM procrastinate_jobs")).scalar_one() == 0
    assert "backfill" not in _actions(world.database)  # a dry run changes nothing

    done = operator.post("/admin/backfill", {"days": 2, "retroactive": "true"})
    assert done.status_code == 303
    message = _flash(served.client.get("/admin").text)
    assert message.startswith("Backfill of the last 2 days (retroactive): ")
    with world.database.transaction() as session:
        jobs = session.execute(sa.text("SELECT queueing_lock FROM procrastinate_jobs"))
        keys = set(jobs.scalars())
    assert f"analysis:{match_id}" in keys
    assert _actions(world.database)[-1] == "backfill"
    bad = operator.post("/admin/backfill", {"days": 0})
    assert bad.status_code == 422


def test_forecasters_are_disabled_and_enabled_with_their_health_shown(
    served: Served, world: World
) -> None:
    world.forecasters("alice", "gpt")
    now = world.clock.now()
    with world.database.transaction() as session:
        gpt = forecaster_rows.by_name(session, "gpt")
        pauses.pause(
            session, gpt.id, at=now, reason="5 failures in a row; last: 503", actor=pauses.HEALTH,
            probe_at=now + timedelta(minutes=30),
        )  # fmt: skip
        session.add(ProviderCircuit(scope="llm:openai", consecutive_failures=7, last_error="503"))
    operator = _operator(served)
    operator.login()
    page = served.client.get("/admin").text
    paused = r'data-model="gpt">.*disabled</span> by health.*2025-08-15 12:30 UTC'
    assert re.search(paused, page, re.S)
    assert 'data-provider="openai"' in page

    assert operator.post("/admin/forecasters/alice/disable").status_code == 303
    page = served.client.get("/admin").text
    assert _flash(page) == "alice disabled."
    assert "Enable alice" in page
    operator.post("/admin/forecasters/gpt/enable")
    page = served.client.get("/admin").text
    assert _flash(page) == "gpt enabled."
    assert "Disable gpt" in page
    assert operator.post("/admin/forecasters/nobody/enable").status_code == 404
    assert _actions(world.database)[-2:] == ["forecaster.disable", "forecaster.enable"]


def _buttons(html: str, name: str) -> list[str]:
    """The labels of the action buttons of forecaster ``name``'s row."""
    row = re.search(rf'<tr data-model="{name}">(.*?)</tr>', html, re.S)
    assert row is not None, name
    cell = row.group(1).split('<td class="actions">')[1]
    return re.findall(r"<button[^>]*>([^<]+)</button>", cell)


def test_a_forecaster_is_paused_for_hours_resumed_and_told_apart_from_a_disable(
    served: Served, world: World
) -> None:
    world.forecasters("alice", "bob")
    operator = _operator(served)
    operator.login()
    page = served.client.get("/admin").text
    assert _buttons(page, "alice") == ["Pause alice", "Disable alice"]

    done = operator.post("/admin/forecasters/alice/pause", {"hours": 3, "reason": "incident"})
    assert done.status_code == 303
    page = served.client.get("/admin").text
    assert _flash(page) == "alice paused until 2025-08-15 15:00 UTC."
    state = r'data-model="alice">.*paused until 2025-08-15 15:00 UTC</span> by admin@127\.0\.0\.1'
    assert re.search(state + r".*: incident</td>", page, re.S)
    assert _buttons(page, "alice") == ["Resume alice", "Disable alice"]
    operator.post("/admin/forecasters/bob/disable")
    page = served.client.get("/admin").text
    assert re.search(r'data-model="bob">.*disabled</span> by', page, re.S)
    assert _buttons(page, "bob") == ["Enable bob"]
    refused = operator.post("/admin/forecasters/bob/pause", {"hours": 1})
    assert refused.status_code == 409
    assert "enable it first" in refused.text

    operator.post("/admin/forecasters/alice/resume")
    page = served.client.get("/admin").text
    assert _flash(page) == "alice resumed."
    assert _buttons(page, "alice") == ["Pause alice", "Disable alice"]
    for hours in (0, 24 * 90 + 1, "soon"):
        assert operator.post("/admin/forecasters/alice/pause", {"hours": hours}).status_code == 422
    # the form's CSRF token is needed, as for every action
    wrong = served.client.post(
        "/admin/forecasters/alice/pause", data={"hours": 2, "csrf": "forged"},
        headers=operator.origin,
    )  # fmt: skip
    assert wrong.status_code == 403
    assert _actions(world.database)[1:] == [
        "forecaster.pause", "forecaster.disable", "forecaster.resume",
    ]  # fmt: skip


def test_the_audit_log_page_lists_the_actions(served: Served, world: World) -> None:
    world.forecasters("alice")
    operator = _operator(served)
    operator.login()
    operator.post("/admin/forecasters/alice/disable")
    page = served.client.get("/admin/audit").text
    actions = re.findall(r'<td class="action">([^<]+)</td>', page)
    assert actions == ["forecaster.disable", "admin.login"]
    served.client.cookies.clear()
    assert 'id="login"' in served.client.get("/admin/audit").text


def test_page_views_of_a_login_are_not_counted_but_attempts_and_actions_are(
    database: Database, clock: SimulatedClock, world: World
) -> None:
    # issue: an operator was logged out by a 429 after one retry and three refreshes
    world.forecasters("alice")
    settings = load_settings({}, admin_token=SECRET, admin_rate_limit="4/minute")
    with (
        serve(create_app(database, settings, clock=clock)) as url,
        httpx.Client(base_url=url) as client,
    ):
        operator = Operator(client, url)
        assert operator.login().status_code == 303  # 1
        for _ in range(12):
            assert client.get("/admin").status_code == 200
            assert client.get("/admin/audit").status_code == 200
        assert operator.post("/admin/forecasters/alice/disable").status_code == 303  # 2
        assert operator.post("/admin/forecasters/alice/enable").status_code == 303  # 3
        assert operator.post("/admin/forecasters/alice/disable").status_code == 303  # 4
        refused = operator.post("/admin/forecasters/alice/enable")
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert client.get("/admin").status_code == 200  # still logged in, still viewing
