"""``GET /metrics`` for Prometheus (MON-04).

footcast's own figures are read from the database at each scrape by a custom collector, so every
worker's work shows, whichever process serves the scrape. Beside them, this process's HTTP
requests (a counter and a latency histogram by method, route template and status: the template,
never the raw path, so ids do not multiply the series) and the standard process, platform and
garbage-collector collectors. Each app has its own registry (``Metrics``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from footcast.db.reads import metrics as figures
from footcast.db.reads import monitoring
from footcast.web.deps import Web

__all__ = [
    "Figures",
    "Metrics",
    "RequestMetrics",
    "metrics",
    "route_template",
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
        latency = HistogramMetricFamily(
            "footcast_provider_latency_seconds",
            "LLM answer latency of stored predictions by provider",
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
            buckets = [
                (str(bound), float(count))
                for bound, count in zip(
                    figures.LATENCY_BUCKETS, provider.latency_buckets, strict=False
                )
            ]
            latency.add_metric(
                [provider.name],
                [*buckets, ("+Inf", float(provider.latency_count))],
                provider.latency_seconds,
            )
            errors_.add_metric([provider.name], provider.failures)
            cost.add_metric([provider.name], provider.cost_usd)
        yield latency
        yield errors_
        yield cost


class Metrics:
    """One app's registry: its HTTP request figures, the process collectors and footcast's."""

    def __init__(self, state: Web) -> None:
        self.registry = CollectorRegistry()
        for standard in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(standard)
        self.registry.register(Figures(state))
        labels = ["method", "route", "status"]
        self.requests = Counter(
            "footcast_http_requests", "HTTP requests answered", labels, registry=self.registry
        )
        self.latency = Histogram(
            "footcast_http_request_duration_seconds",
            "Time to answer an HTTP request",
            labels,
            registry=self.registry,
        )


def route_template(scope: Scope) -> str:
    """The template of the route that answered (``/matches/{match_id}``), or ``unmatched``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    app = scope.get("app")
    for candidate in getattr(getattr(app, "router", None), "routes", []):
        matched, _ = candidate.matches(scope)
        if matched == Match.FULL:
            return str(getattr(candidate, "path", "unmatched"))
    return "unmatched"


class RequestMetrics:
    """Counts and times every HTTP request by method, route template and status."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def seen(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, seen)
        finally:
            labels = (scope["method"], route_template(scope), str(status))
            self.metrics.requests.labels(*labels).inc()
            self.metrics.latency.labels(*labels).observe(time.perf_counter() - started)


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    found: Metrics = request.app.state.metrics
    return Response(generate_latest(found.registry), media_type=CONTENT_TYPE_LATEST)
