"""/api/health and /metrics through a real server."""

from __future__ import annotations

from datetime import timedelta

import httpx
import sqlalchemy as sa
from sqlalchemy.orm import sessionmaker

from factories import World
from footcast.clock import SimulatedClock
from footcast.config import load_settings
from footcast.db import Database
from footcast.web.app import create_app
from footcast.web.serving import serve
from web_server import Served


def _deadline_passed(world: World, *, predicted: bool) -> None:
    world.forecasters("alice", "bob")
    match_id = world.match(kickoff=world.clock.now() + timedelta(minutes=10))
    world.predict(match_id, "alice", "1:0")
    if predicted:
        world.predict(match_id, "bob", "1:1")
    world.clock.advance(timedelta(minutes=20))


def test_health_is_ok_when_every_due_prediction_is_there(served: Served, world: World) -> None:
    _deadline_passed(world, predicted=True)
    answer = served.client.get("/api/health")
    body = answer.json()
    assert answer.status_code == 200
    assert body["status"] == "ok"
    assert body["coverage"] | {"window": None} == {
        "ratio": 1.0, "predicted": 2, "owed": 2, "matches": 1, "window": None,
    }  # fmt: skip
    assert body["queue"] == {"due": 0, "running": 0, "oldest_due_seconds": None}


def test_health_is_unhealthy_below_half_coverage_and_cached(
    database: Database, clock: SimulatedClock, world: World
) -> None:
    _deadline_passed(world, predicted=False)
    world.forecasters("carol")
    settings = load_settings({}, health_cache_seconds=60)
    with serve(create_app(database, settings, clock=clock)) as url, httpx.Client(base_url=url) as c:
        first = c.get("/api/health").json()
        assert (first["status"], first["coverage"]["predicted"], first["coverage"]["owed"]) == (
            "unhealthy", 1, 3,
        )  # fmt: skip
        assert c.get("/api/health").json()["checked_at"] == first["checked_at"]  # from the cache


def test_health_is_503_when_the_database_is_unreachable(clock: SimulatedClock) -> None:
    engine = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:1/gone")
    nowhere = Database(engine=engine, sessions=sessionmaker(engine))  # the server is gone
    with serve(create_app(nowhere, load_settings({}), clock=clock)) as url:
        answer = httpx.get(f"{url}/api/health")
    assert answer.status_code == 503
    assert answer.json()["database"] == "unreachable"
    assert "Traceback" not in answer.text


def test_metrics_show_jobs_failures_coverage_and_unpredicted_matches(
    served: Served, world: World
) -> None:
    _deadline_passed(world, predicted=False)
    text = served.client.get("/metrics").text
    assert "footcast_coverage_ratio 0.5" in text
    assert "footcast_matches_without_predictions 0.0" in text
    assert "# TYPE footcast_jobs gauge" in text
    assert "# TYPE footcast_llm_cost_usd_total counter" in text
