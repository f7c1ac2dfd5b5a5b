"""/metrics for Prometheus: HTTP requests by route template, provider latency as a histogram in
seconds, and the standard process collectors."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from factories import World
from footcast.db.tables import Prediction
from footcast.db.writes import forecasters as forecaster_rows
from web_server import Served


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample of the exposition ``text``."""
    for line in text.splitlines():
        found = re.fullmatch(rf"{re.escape(name)}\{{(.*)\}} (\S+)", line)
        if found is None:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', found.group(1)))
        if all(have.get(k) == v for k, v in labels.items()):
            return float(found.group(2))
    raise AssertionError(f"no sample {name} {labels}")


def test_http_requests_are_counted_and_timed_by_route_template(
    served: Served, world: World
) -> None:
    for match_id in (1, 2, 3):
        served.client.get(f"/api/matches/{match_id}")
    served.client.get("/api/matches")
    served.client.get("/no/such/page")
    text = served.client.get("/metrics").text
    assert "# TYPE footcast_http_requests_total counter" in text
    assert "# TYPE footcast_http_request_duration_seconds histogram" in text
    route = "/api/matches/{match_id}"
    assert _sample(text, "footcast_http_requests_total", route=route, status="404") == 3
    assert _sample(text, "footcast_http_requests_total", route="/api/matches", status="200") == 1
    assert _sample(text, "footcast_http_requests_total", route="unmatched") == 1
    assert "/api/matches/1" not in text  # never the raw path
    count = _sample(text, "footcast_http_request_duration_seconds_bucket", route=route, le="+Inf")
    assert count == 3


def test_the_process_collectors_are_exported(served: Served) -> None:
    text = served.client.get("/metrics").text
    for name in ("process_cpu_seconds_total", "process_resident_memory_bytes", "python_info"):
        assert f"\n{name}" in text, name
    assert "python_gc_objects_collected_total{" in text


def test_provider_latency_is_a_histogram_in_seconds(served: Served, world: World) -> None:
    with world.database.transaction() as session:
        for name in ("gpt-a", "gpt-b"):
            forecaster_rows.upsert_forecaster(
                session, name=name, kind="llm", provider="openai",
                active_from=world.clock.now() - timedelta(days=1),
            )  # fmt: skip
    match_id = world.match(kickoff=world.clock.now() + timedelta(hours=1))
    world.predict(match_id, "gpt-a", "1:0")
    world.predict(match_id, "gpt-b", "2:0")
    with world.database.transaction() as session:
        # the stored predictions are locked (their deadline passed in real time): set the
        # latencies past the lock trigger
        session.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for name, latency in (("gpt-a", 300), ("gpt-b", 4000)):
            session.execute(
                sa.update(Prediction)
                .where(Prediction.forecaster_id == forecaster_rows.by_name(session, name).id)
                .values(latency_ms=latency)
            )
    text = served.client.get("/metrics").text
    assert "# TYPE footcast_provider_latency_seconds histogram" in text
    assert "footcast_provider_latency_ms" not in text
    name = "footcast_provider_latency_seconds"
    assert _sample(text, f"{name}_bucket", provider="openai", le="0.25") == 0
    assert _sample(text, f"{name}_bucket", provider="openai", le="0.5") == 1
    assert _sample(text, f"{name}_bucket", provider="openai", le="5.0") == 2
    assert _sample(text, f"{name}_count", provider="openai") == 2
    assert _sample(text, f"{name}_sum", provider="openai") == 4.3
