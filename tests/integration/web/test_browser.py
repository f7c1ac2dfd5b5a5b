"""The pages in a real browser (headless Debian Chromium driven by Playwright): the leaderboard,
a match, a forecaster's calibration chart, and the admin dashboard's login, retry and clear.
Every page visited is saved as a screenshot under ``test-artifacts/screenshots/``."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect, sync_playwright

from factories import World
from footcast.db.tables import Failure
from footcast.db.writes import ledger
from footcast.pipeline import settlement
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


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, installed once per session when it is missing."""
    if not CHROMIUM.exists() and (reason := _install_chromium()) is not None:
        pytest.skip(f"needs {CHROMIUM}: {reason}")
    return CHROMIUM


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
    match_id = world.match(kickoff=world.clock.now() + timedelta(hours=1))
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
    page.goto(served.url + "/")
    rows = page.locator("#leaderboard tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-forecaster", "ace")
    expect(rows.first.locator(".badge.leader")).to_be_visible()
    shoot()
    page.get_by_label("Competition").fill("NONE")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{served.url}/?competition=NONE&season=")
    expect(rows.first.locator("td").nth(4)).to_have_text("0/0")
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
    page.goto(served.url + "/")
    page.get_by_role("link", name="ace", exact=True).click()
    chart = page.locator("svg#calibration")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.bin")).to_have_count(2)  # 0.2–0.3 and 0.5–0.6
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 200
    assert box["height"] > 200
    shoot()


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
