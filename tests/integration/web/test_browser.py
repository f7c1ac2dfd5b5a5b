"""The pages in a real browser (headless Debian Chromium driven by Playwright): a fan's way from
the matchday to a match, a forecaster and the leaderboard, every public page at a phone's
width (390 px) without sideways scrolling, the admin dashboard's login, retry and clear, an
operator's way through an incident, and a cross-origin page's forged form refused. Every page
visited is saved as a screenshot under ``test-artifacts/screenshots/``.

Without Chromium (and no way to install it) the tests are skipped, except under ``CI=true``,
where a missing browser fails them: CI must not pass by testing nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright
from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send

from factories import World
from footcast.db.tables import AuditEntry, Failure, Forecaster, Match
from footcast.db.writes import ledger
from footcast.pipeline import settlement
from footcast.web import auth
from footcast.web.serving import serve
from web_server import SECRET, Served

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"
INSTALL_SECONDS = 900


def _install_chromium() -> str | None:
    """Install Debian's chromium with apt-get; the reason it could not, or None."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available"
    if os.geteuid() != 0:
        return "installing it needs root (apt-get install -y chromium chromium-driver)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "chromium", "chromium-driver"],
    ):
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=INSTALL_SECONDS, check=False
        )
        if done.returncode != 0:
            return f"{' '.join(command)} failed: {done.stderr.strip()[-300:]}"
    return None if CHROMIUM.exists() else f"apt-get installed no {CHROMIUM}"


def _find_chromium(environ: Mapping[str, str]) -> Path:
    """Debian's Chromium, installed when it is missing; skips without it, fails under CI."""
    if not CHROMIUM.exists() and (reason := _install_chromium()) is not None:
        message = f"needs {CHROMIUM}: {reason}"
        if environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} (CI=true: a missing browser fails the browser tests)")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, installed once per session when it is missing."""
    return _find_chromium(os.environ)


@pytest.mark.parametrize(
    ("environ", "outcome"),
    [({"CI": "true"}, pytest.fail.Exception), ({}, pytest.skip.Exception)],
    ids=["ci", "local"],
)
def test_a_missing_browser_fails_under_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    environ: dict[str, str],
    outcome: type[BaseException],
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setattr(sys.modules[__name__], "_install_chromium", lambda: "apt-get failed")
    with pytest.raises(outcome, match="apt-get failed"):
        _find_chromium(environ)


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    """One browser for this module: Playwright's sync API drives an event loop on this thread,
    which must be gone before other modules' async tests run their own."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def shoot(page: Page, request: pytest.FixtureRequest) -> _Shooter:
    """Screenshots named after the test: ``<test>.png``, or ``<test>-<step>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return _Shooter(page, request.node.name)


class _Shooter:
    def __init__(self, page: Page, test: str) -> None:
        self.page, self.test = page, test

    def __call__(self, step: str | None = None) -> None:
        name = self.test if step is None else f"{self.test}-{step}"
        self.page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def _season(world: World) -> int:
    """Two forecasters and one settled match with probabilities; its id."""
    world.forecasters("ace", "cat")
    match_id = world.match(kickoff=world.clock.now() + timedelta(hours=1), season="2026-27")
    world.predict(match_id, "ace", "2:1", probabilities=(0.55, 0.25, 0.2))
    world.predict(match_id, "cat", "0:2", probabilities=(0.2, 0.25, 0.55))
    world.clock.advance(timedelta(hours=3))
    world.finish(match_id, "2:1")
    with world.database.transaction() as session:
        settlement.settle_match(session, world.clock, match_id)
    return match_id


def test_the_leaderboard_in_a_browser(
    served: Served, world: World, page: Page, shoot: _Shooter
) -> None:
    _season(world)
    world.match(competition="CUP")  # a competition with nothing settled yet
    page.goto(served.url + "/leaderboard")
    rows = page.locator("#leaderboard tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-forecaster", "ace")
    expect(rows.first.locator(".badge.leader")).to_be_visible()
    expect(page.locator("svg#race polyline.series")).to_have_count(2)
    shoot()
    page.get_by_label("Competition").select_option("CUP")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{served.url}/leaderboard?competition=CUP&season=")
    expect(rows.first.locator("td").nth(9)).to_have_text("0/0")
    shoot("filtered")


def test_a_match_page_in_a_browser(
    served: Served, world: World, page: Page, shoot: _Shooter
) -> None:
    match_id = _season(world)
    page.goto(f"{served.url}/forecasters/cat")
    page.get_by_role("link", name="Team 1 – Team 2").click()
    expect(page).to_have_url(f"{served.url}/matches/{match_id}")
    expect(page.locator("#score")).to_have_text("2:1")
    expect(page.locator("#quotas")).to_be_visible()
    expect(page.locator("#predictions tbody tr")).to_have_count(2)
    expect(page.locator('tr[data-forecaster="cat"] .points')).to_have_text("0")
    shoot()


def test_a_forecaster_page_draws_its_calibration_chart(
    served: Served, world: World, page: Page, shoot: _Shooter
) -> None:
    _season(world)
    page.goto(served.url + "/leaderboard")
    page.get_by_role("link", name="ace", exact=True).click()
    chart = page.locator("svg#calibration")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.bin")).to_have_count(2)  # 0.2–0.3 and 0.5–0.6
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 200
    assert box["height"] > 200
    shoot()


# a fan's way, and phones

# names as long as real models' (the widest cells of every table)
ROSTER = (
    "anthropic-claude-sonnet-4-5", "openai-gpt-5-mini-2025-08-07", "google-gemini-2-5-pro",
    "mistral-large-2411", "deepseek-chat-v3-1", "xai-grok-4-fast-reasoning",
)  # fmt: skip
PHONE: ViewportSize = {"width": 390, "height": 844}


def _arena(world: World) -> dict[str, int]:
    """A small arena: six LLMs and the market over a season's settled matches, a match being
    played and one about to start with its picks; the ids of the latter and a result."""
    world.forecasters(*ROSTER, kind="llm")
    world.forecasters("market", kind="market")
    with world.database.transaction() as session:
        session.execute(
            sa.update(Forecaster).where(Forecaster.name == "market").values(reference=True)
        )
    now = world.clock.now()
    results = ["2:1", "0:0", "1:3", "1:0", "2:2", "3:1"]
    picks = ["2:1", "1:1", "0:1", "1:0", "2:0", "1:2", "0:0"]
    ids = [
        world.match(kickoff=now + timedelta(hours=1, minutes=n), season="2026-27") for n in range(6)
    ]
    for k, match_id in enumerate(ids):
        for j, name in enumerate((*ROSTER, "market")):
            world.predict(
                match_id, name, picks[(j + k) % len(picks)], probabilities=(0.45, 0.3, 0.25)
            )
    world.clock.advance(timedelta(hours=3))
    for match_id, score in zip(ids, results, strict=True):
        world.finish(match_id, score)
        with world.database.transaction() as session:
            settlement.settle_match(session, world.clock, match_id)
    now = world.clock.now()
    soon = world.match(kickoff=now + timedelta(minutes=20), season="2026-27")
    for j, name in enumerate(ROSTER):
        world.predict(soon, name, picks[j % 3])
    world.predict(soon, "market", "1:0", probabilities=(0.52, 0.27, 0.21))
    playing = world.match(kickoff=now - timedelta(minutes=40), season="2026-27")
    with world.database.transaction() as session:
        session.execute(
            sa.update(Match)
            .where(Match.id == playing)
            .values(status="live", home_goals=0, away_goals=1)
        )
    world.match(kickoff=now + timedelta(days=1), season="2026-27")
    return {"result": ids[-1], "soon": soon, "playing": playing}


def test_a_fan_goes_from_the_matchday_to_a_match_a_forecaster_and_the_leaderboard(
    served: Served, world: World, page: Page, shoot: _Shooter
) -> None:
    found = _arena(world)
    page.goto(served.url + "/")
    expect(page.locator("#upcoming tbody tr")).to_have_count(2)
    expect(
        page.locator(f'#upcoming tr[data-match="{found["soon"]}"] .shares .share')
    ).to_have_count(3)
    expect(page.locator(f'#live tr[data-match="{found["playing"]}"] .score-cell')).to_have_text(
        "0:1"
    )
    expect(page.locator("#recent tbody tr")).to_have_count(6)
    shoot("home")
    page.locator(f'#recent tr[data-match="{found["result"]}"] a').click()
    expect(page).to_have_url(f"{served.url}/matches/{found['result']}")
    expect(page.locator("#score")).to_have_text("3:1")
    expect(page.locator("svg#consensus rect.share")).not_to_have_count(0)
    expect(page.locator("#predictions tbody tr")).to_have_count(7)
    shoot("match")
    page.get_by_role("link", name=ROSTER[0], exact=True).click()
    expect(page).to_have_url(f"{served.url}/forecasters/{ROSTER[0]}")
    expect(page.locator("svg#season-points polyline.series")).not_to_have_count(0)
    expect(page.locator("#cost")).to_be_visible()
    shoot("forecaster")
    page.get_by_role("link", name="Leaderboard", exact=True).click()
    expect(page).to_have_url(f"{served.url}/leaderboard")
    expect(page.locator('#leaderboard tr[data-forecaster="market"] td.rank')).to_have_text("ref")
    expect(page.locator("#leaderboard td.rank").first).to_have_text("1")
    expect(page.locator("svg#race polyline.series.reference")).to_have_count(1)
    expect(page.locator("#paired-explained")).to_contain_text("paired comparison")
    shoot("leaderboard")


def test_every_public_page_fits_a_phone(served: Served, world: World, browser: Browser) -> None:
    found = _arena(world)
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    context.set_default_timeout(10_000)
    phone = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    paths = {
        "home": "/",
        "leaderboard": "/leaderboard",
        "match": f"/matches/{found['result']}",
        "upcoming-match": f"/matches/{found['soon']}",
        "forecaster": f"/forecasters/{ROSTER[1]}",
        "reference": "/forecasters/market",
        "not-found": "/matches/999999",
        "docs": "/docs",
    }
    try:
        for name, path in paths.items():
            phone.goto(served.url + path)
            phone.wait_for_load_state("networkidle")
            width = phone.evaluate("document.documentElement.scrollWidth")
            phone.screenshot(path=SCREENSHOTS / f"phone-{name}.png", full_page=True)
            assert width <= PHONE["width"], f"{path} is {width} px wide at {PHONE['width']} px"
        # the leaderboard's figures a fan came for are on the screen, not off to the right
        phone.goto(served.url + "/leaderboard")
        for column in ("RPS", "Exact", "vs leader"):
            box = phone.get_by_role("columnheader", name=column, exact=True).bounding_box()
            assert box is not None, column
            assert box["x"] + box["width"] <= PHONE["width"], column
    finally:
        context.close()


def test_an_admin_logs_in_retries_and_clears_failures(
    served: Served, world: World, page: Page, shoot: _Shooter
) -> None:
    match_id = world.match(kickoff=world.clock.now() - timedelta(hours=3))
    with world.database.transaction() as session:
        ledger.record(
            session, stage="settlement", key=f"settle:{match_id}", match_id=match_id,
            error=RuntimeError("the provider had no score"), now=world.clock.now(), terminal=True,
        )  # fmt: skip
    page.goto(served.url + "/admin")
    shoot("login")
    page.get_by_label("Admin secret").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("wrong secret")
    page.get_by_label("Admin secret").fill(SECRET)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(served.url + "/admin")
    state = page.locator("#stage-settlement td.state")
    expect(state).to_have_text("open")
    shoot("dashboard")

    page.get_by_role("button", name="Retry settlement").click()
    expect(state).to_have_text("retrying")
    with world.database.transaction() as session:
        assert session.execute(sa.select(Failure.state)).scalar_one() == "retrying"
        jobs = session.execute(sa.text("SELECT count(*) FROM procrastinate_jobs")).scalar_one()
    assert jobs == 1
    shoot("retried")

    page.get_by_role("button", name="Clear settlement").click()
    expect(page.get_by_text("No open failures.")).to_be_visible()
    with world.database.transaction() as session:
        assert session.execute(sa.select(Failure.state)).scalar_one() == "cleared"
    shoot()


def _failure(world: World, match_id: int, message: str) -> int:
    with world.database.transaction() as session:
        return ledger.record(
            session, stage="settlement", key=f"settle:{match_id}", match_id=match_id,
            error=RuntimeError(message), now=world.clock.now(), terminal=True,
        )  # fmt: skip


def test_an_operator_works_through_an_incident(
    served: Served, world: World, page: Page, shoot: _Shooter
) -> None:
    world.forecasters("alice", "gpt-x")
    late = world.match(kickoff=world.clock.now() - timedelta(hours=5))
    world.finish(late, "1:0")
    first = _failure(world, world.match(kickoff=world.clock.now() - timedelta(hours=3)), "one")
    other = _failure(world, world.match(kickoff=world.clock.now() - timedelta(hours=4)), "two")

    page.goto(served.url + "/admin")
    page.get_by_label("Admin secret").fill(SECRET)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#queue")).to_be_visible()
    expect(page.locator(f'#gaps tr[data-match="{late}"] a')).to_have_attribute(
        "href", f"/matches/{late}"
    )
    shoot("dashboard")

    # a backfill dry run: the plan, nothing queued
    page.get_by_label("Days").fill("2")
    page.get_by_label("Retroactive").check()
    page.get_by_role("button", name="Plan (dry run)").click()
    expect(page.locator("#plan-summary")).to_contain_text("nothing was queued")
    expect(page.locator(f'#plan tr[data-unit="analysis:{late}"]')).to_be_visible()
    shoot("plan")
    with world.database.transaction() as session:
        assert session.execute(sa.text("SELECT count(*) FROM procrastinate_jobs")).scalar_one() == 0
    page.get_by_role("link", name="Dashboard").click()

    # one failure retried, the other left alone
    page.get_by_role("button", name=f"Retry #{first}").click()
    expect(page.locator("#flash")).to_have_text(f"Retried 1 failure (#{first}): 1 unit queued.")
    expect(page.locator(f'tr[data-failure="{first}"] td.state')).to_have_text("retrying")
    expect(page.locator(f'tr[data-failure="{other}"] td.state')).to_have_text("open")
    shoot("retried")

    # a model paused for two hours (it would resume by itself), then resumed early
    model = page.locator('tr[data-model="gpt-x"] td.state')
    page.get_by_label("hours to pause gpt-x").fill("2")
    page.get_by_label("why pause gpt-x").fill("provider incident")
    page.get_by_role("button", name="Pause gpt-x").click()
    expect(page.locator("#flash")).to_have_text("gpt-x paused until 2025-08-15 14:00 UTC.")
    expect(model).to_contain_text("paused until 2025-08-15 14:00 UTC")
    expect(model).to_contain_text("provider incident")
    expect(page.get_by_role("button", name="Pause gpt-x")).to_have_count(0)
    shoot("paused")
    page.get_by_role("button", name="Resume gpt-x").click()
    expect(page.locator("#flash")).to_have_text("gpt-x resumed.")
    expect(model).to_have_text("active")

    # a model disabled: no end, until it is enabled
    page.get_by_role("button", name="Disable gpt-x").click()
    expect(page.locator("#flash")).to_have_text("gpt-x disabled.")
    expect(model).to_contain_text("disabled")
    expect(page.get_by_role("button", name="Enable gpt-x")).to_be_visible()
    expect(page.get_by_role("button", name="Resume gpt-x")).to_have_count(0)
    shoot("disabled")

    # the audit log
    page.get_by_role("link", name="Audit log").first.click()
    actions = page.locator("#audit td.action")
    expect(actions).to_have_text(
        ["forecaster.disable", "forecaster.resume", "forecaster.pause", "failures.retry",
         "admin.login"]
    )  # fmt: skip
    shoot("audit")

    # logout, and the old cookie is refused
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == auth.COOKIE)
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#login")).to_be_visible()
    page.context.add_cookies([{"name": auth.COOKIE, "value": cookie, "url": served.url}])
    page.goto(served.url + "/admin")
    expect(page.locator("#login")).to_be_visible()
    shoot()
    with world.database.transaction() as session:
        done = list(session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
    assert done == [
        "admin.login", "failures.retry", "forecaster.pause", "forecaster.resume",
        "forecaster.disable", "admin.logout",
    ]  # fmt: skip


_ATTACK = """<!doctype html><html><body>
<form id="attack" method="post" action="{target}/admin/failures/clear">
<input type="hidden" name="stage" value="settlement"><input type="hidden" name="csrf" value="x">
</form><script>document.getElementById("attack").submit()</script></body></html>"""


def test_a_page_on_another_port_can_not_post_the_admins_forms(
    served: Served, world: World, page: Page, shoot: _Shooter
) -> None:
    # issue: a page on another port of the same host auto-submitted the clear with the cookie
    _failure(world, world.match(kickoff=world.clock.now() - timedelta(hours=3)), "keep me")
    page.goto(served.url + "/admin")
    page.get_by_label("Admin secret").fill(SECRET)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#stage-settlement td.state")).to_have_text("open")

    async def attacker(scope: Scope, receive: Receive, send: Send) -> None:
        await HTMLResponse(_ATTACK.format(target=served.url))(scope, receive, send)

    with serve(attacker) as evil:
        with page.expect_response(served.url + "/admin/failures/clear") as answered:
            page.goto(evil + "/")
        assert answered.value.status == 403
        expect(page.get_by_role("alert")).to_contain_text("refused")
        shoot()
    with world.database.transaction() as session:
        assert session.execute(sa.select(Failure.state)).scalar_one() == "open"
        actions = set(session.execute(sa.select(AuditEntry.action)).scalars())
    assert actions == {"admin.login"}
