"""``GET /metrics`` for Prometheus (MON-04): read from the database at each scrape by a custom
collector, so every worker's work shows, whichever process serves the scrape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from footcast.db.reads import metrics as figures
from footcast.db.reads import monitoring
from footcast.web.deps import Web, web

__all__ = [
    "Figures",
    "metrics",
    "router",
]

router = APIRouter(tags=["metrics"])

COVERAGE_WINDOW = timedelta(hours=24)


class Figures(Collector):
    """footcast's figures, one database read per scrape."""

    def __init__(self, state: Web) -> None:
        self._state = state

    def collect(self) -> Iterator[Metric]:
        now = self._state.clock.now()
        with self._state.database.transaction() as session:
            jobs = figures.jobs(session)
            failed = figures.open_failures(session)
            covered = monitoring.coverage(session, start=now - COVERAGE_WINDOW, end=now)
            unpredicted = figures.matches_without_predictions(session, now=now)
            providers = figures.providers(session)
        family = GaugeMetricFamily(
            "footcast_jobs", "Jobs in the queue by stage and state", labels=["stage", "state"]
        )
        for (stage, state), count in sorted(jobs.items()):
            family.add_metric([stage, state], count)
        yield family
        family = GaugeMetricFamily(
            "footcast_failures_open",
            "Open failures by stage and error code",
            labels=["stage", "code"],
        )
        for (stage, code), count in sorted(failed.items()):
            family.add_metric([stage, code], count)
        yield family
        yield GaugeMetricFamily(
            "footcast_coverage_ratio",
            "Predicted share of the (match, forecaster) pairs due in the last 24 hours",
            value=covered.ratio if covered.ratio is not None else 1.0,
        )
        yield GaugeMetricFamily(
            "footcast_matches_without_predictions",
            "Matches past their deadline (last 7 days) with no prediction at all",
            value=unpredicted,
        )
        latency = GaugeMetricFamily(
            "footcast_provider_latency_ms",
            "Mean LLM answer latency by provider",
            labels=["provider"],
        )
        errors_ = CounterMetricFamily(
            "footcast_provider_errors", "Failures of LLM requests by provider", labels=["provider"]
        )
        cost = CounterMetricFamily(
            "footcast_llm_cost_usd",
            "LLM cost of stored predictions by provider",
            labels=["provider"],
        )
        for provider in providers:
            latency.add_metric([provider.name], provider.mean_latency_ms or 0.0)
            errors_.add_metric([provider.name], provider.failures)
            cost.add_metric([provider.name], provider.cost_usd)
        yield latency
        yield errors_
        yield cost


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    registry = CollectorRegistry()
    registry.register(Figures(web(request)))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
