"""The figures ``/metrics`` exports, each one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.db import _sql
from footcast.db.reads import owed
from footcast.domain import names
from footcast.domain.names import ForecasterKind, Stage

__all__ = [
    "LATENCY_BUCKETS",
    "Provider",
    "jobs",
    "matches_without_predictions",
    "open_failures",
    "providers",
]

RECENT = timedelta(days=7)
# upper bounds (seconds) of the provider latency histogram's buckets; +Inf is the count
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
_LATENCY_COUNTS = ", ".join(
    f"count(*) FILTER (WHERE p.latency_ms <= {round(b * 1000)})" for b in LATENCY_BUCKETS
)

# waiting and running jobs only: a bounded set, whatever the history kept (pipeline.history)
_JOBS = sa.text(
    "SELECT task_name, status::text, count(*) FROM procrastinate_jobs"
    f" WHERE status IN ({_sql.TODO}, {_sql.DOING}) GROUP BY 1, 2"
)
_FAILURES = sa.text(
    f"""
    SELECT stage, error_code, count(*) FROM failures
    WHERE state IN ({_sql.in_list(names.ACTIVE_FAILURE)}) GROUP BY 1, 2
    """
)
# matches owed predictions (by the one rule, db/reads/owed.py) that have none
_UNPREDICTED = sa.text(
    f"""
    SELECT count(DISTINCT o.match_id) FROM {owed.OWED} o
    WHERE o.deadline > :since AND o.deadline <= :now
      AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.match_id = o.match_id)
    """
)
_PROVIDERS = sa.text(
    f"""
    SELECT f.provider,
           (SELECT count(*) FROM failures x JOIN forecasters g
                ON x.key = {_sql.pair_key("x.match_id", "g.name")}
             WHERE g.provider = f.provider AND x.stage = '{Stage.PREDICTIONS}'),
           (SELECT coalesce(sum(p.cost_usd), 0) FROM predictions p
             JOIN forecasters g ON g.id = p.forecaster_id WHERE g.provider = f.provider)
    FROM forecasters f WHERE f.kind = '{ForecasterKind.LLM}' AND f.provider IS NOT NULL
    GROUP BY f.provider ORDER BY f.provider
    """
)
# the answer latencies of each provider's predictions, as cumulative bucket counts
_LATENCIES = sa.text(
    f"""
    SELECT g.provider, {_LATENCY_COUNTS}, count(*), coalesce(sum(p.latency_ms), 0) / 1000.0
    FROM predictions p JOIN forecasters g ON g.id = p.forecaster_id
    WHERE g.kind = '{ForecasterKind.LLM}' AND g.provider IS NOT NULL
      AND p.latency_ms IS NOT NULL
    GROUP BY g.provider
    """
)


@dataclass(frozen=True, kw_only=True)
class Provider:
    name: str
    failures: int
    cost_usd: float
    latency_buckets: tuple[int, ...] = ()  # answers within each of LATENCY_BUCKETS (cumulative)
    latency_count: int = 0
    latency_seconds: float = 0.0  # their sum


def jobs(session: Session) -> dict[tuple[str, str], int]:
    """Jobs waiting or running, by (stage, state)."""
    return {(str(t), str(s)): int(n) for t, s, n in session.execute(_JOBS)}


def open_failures(session: Session) -> dict[tuple[str, str], int]:
    return {(str(s), str(c)): int(n) for s, c, n in session.execute(_FAILURES)}


def matches_without_predictions(session: Session, *, now: datetime) -> int:
    return int(session.execute(_UNPREDICTED, {"since": now - RECENT, "now": now}).scalar_one())


def providers(session: Session) -> list[Provider]:
    """Each LLM provider's failures, cost and answer latencies."""
    latencies = {str(row[0]): row[1:] for row in session.execute(_LATENCIES)}
    found = []
    for name, failed, cost in session.execute(_PROVIDERS):
        *buckets, count, seconds = latencies.get(str(name), (0,) * (len(LATENCY_BUCKETS) + 2))
        found.append(
            Provider(
                name=str(name),
                failures=int(failed),
                cost_usd=float(cost),
                latency_buckets=tuple(int(b) for b in buckets),
                latency_count=int(count),
                latency_seconds=float(seconds),
            )
        )
    return found
