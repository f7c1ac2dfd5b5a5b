"""Web latency at scale: /api/health and /api/leaderboard on 100,000 matches and 4.2M predictions.

Seeds a database of its own (``footcast_bench_web``, dropped first) on the configured server
(FOOTCAST_DATABASE_URL's, or the embedded one) with COPY and set-based SQL: 100,000 matches over
five years of eight competitions (finished and settled, a few postponed, the last ones live or
kicking off in the next three days), 42 forecasters (39 LLMs and 3 reference rows: market,
statistical, naive), 4.14M predictions (42 × 100,000 less the gaps seeded on purpose: an LLM
retired a year ago, one paused for ten days, 0.3% failed answers, postponed matches; one LLM joined
late and was backfilled with retroactive predictions), their quota snapshots, settlements and
settlement_scores (points by the quota-v1 rule, as ``benchmarks/settlement.py`` recomputes them),
and 400,000 finished pipeline jobs with their events; then VACUUM ANALYZE. Foreign keys and
triggers are off while loading (``session_replication_role``: the server's user must be a
superuser, as the embedded one's is). It prints the seeding time and the database size.

Then it serves the app in a separate process (``footcast web``, so the load generator does not
share its GIL) and paces GET requests open-loop at ``--rate`` per second (each request is sent at
its scheduled time, whether or not earlier ones have answered) for ``--seconds`` per route.
Latency is counted from the scheduled time, so a late load generator shows up too. Per route it
prints p50, p95, p99, max, errors and the achieved rate, with the CPU the server used and how busy
the machine was:

* baselines: a raw ``SELECT 1`` round trip, and ``GET /docs`` (a static page, no database);
* /api/health with its cache (``health_cache_seconds``, 30 s) and, from a second server with
  ``FOOTCAST_HEALTH_CACHE_SECONDS=0``, uncached (the raw query cost on every request);
* /api/leaderboard, current on every read (the totals kept at settlement; its intervals and
  comparisons cached 30 s): the first request computes them (timed alone), the run spans a
  refresh; and ``db.leaderboard.leaderboard`` timed directly;
* ``GET /``, the matchday home page (upcoming matches of the next three days with the consensus,
  live matches, recent results with their hits), cached 10 s per filter; its queries
  (``db.reads.matchday.matchday``, bounded kickoff windows on ``ix_matches_status_kickoff``)
  timed directly too, uncached.

The leaderboard runs at ``--leaderboard-rate`` (100/s): its answer is 31 KB (42 rows with their
intervals and comparisons). The load generator is aiohttp in this process (about 1 ms of CPU per
leaderboard answer; httpx took 11 ms and fell behind at 100/s, so the run measured it instead of
the server); its send lag is printed so a late generator shows.

Targets: health p99 ≤ 20 ms, cached and uncached; leaderboard p99 ≤ 100 ms, read uncached;
matchday page p99 ≤ 100 ms (at 200 requests/s); no failed request. Each is printed as met or
missed, and the script exits 1 when one is missed.

    .venv/bin/python benchmarks/web.py [--matches 100000] [--forecasters 42] [--rate 200]
        [--seconds 30] [--explain] [--reuse]

``--matches 10000 --seconds 10`` is a quick run; ``--explain`` prints EXPLAIN ANALYZE of the
health and leaderboard queries; ``--reuse`` keeps an already seeded database (development only:
its "now" is the time it was seeded).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import numpy as np
import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import URL

from _checks import Checks
from footcast.config import load_settings
from footcast.db import Database, connect, engine
from footcast.db.reads import leaderboard as board
from footcast.db.reads import matchday, monitoring
from footcast.web.api import MATCHDAY_SECONDS, STANDINGS_SECONDS

DATABASE = "footcast_bench_web"
YEARS = 5
COMPETITIONS = ("PL", "BL1", "SA", "PD", "FL1", "DED", "PPL", "ELC")
TEAMS_PER_COMPETITION = 20
PREDICTION_LEAD = timedelta(minutes=30)  # the default prediction_lead: when predictions are made
LIVE_FOR = timedelta(hours=2)
MISSING = 0.003  # predictions an LLM failed to give
PROVIDERS = ("openai", "anthropic", "google", "mistral", "deepseek", "xai")
# candidate scores of a predicted tendency (home win, draw, away win), repeats weigh them
SCORES = (
    ((1, 0), (2, 1), (2, 0), (2, 1)),
    ((1, 1), (1, 1), (0, 0), (2, 2)),
    ((0, 1), (1, 2), (0, 2), (1, 2)),
)
STAGE_JOBS = (  # finished jobs of every finished match: task, lock prefix, due before kickoff
    ("analysis", "analysis", "48 hours"),
    ("lineups", "lineups", "60 minutes"),
    ("predictions", "predict", "30 minutes"),
    ("settlement", "settlement", "-2 hours"),
)

# quota-v1 in integer arithmetic, as benchmarks/settlement.py checks it against the service:
# round_half_up(6n/(10t) - 0.6 + 2) = floor((6n + 19t) / (10t)); a tendency nobody picked: 6
SNAPSHOTS = """
INSERT INTO quota_snapshots (id, match_id, rule_name, rule_kind, rule_params, n, t_home, t_draw,
    t_away, quota_home, quota_draw, quota_away, basis, prediction_ids, frozen_at)
SELECT c.match_id, c.match_id, r.name, r.kind, r.params, c.n, c.th, c.td, c.ta,
       CASE WHEN c.th = 0 THEN 6 ELSE least(6, greatest(2, (6 * c.n + 19 * c.th) / (10 * c.th))) END,
       CASE WHEN c.td = 0 THEN 6 ELSE least(6, greatest(2, (6 * c.n + 19 * c.td) / (10 * c.td))) END,
       CASE WHEN c.ta = 0 THEN 6 ELSE least(6, greatest(2, (6 * c.n + 19 * c.ta) / (10 * c.ta))) END,
       'on_time', c.ids, m.prediction_deadline
FROM (
    SELECT match_id, count(*) AS n,
           count(*) FILTER (WHERE home_goals > away_goals) AS th,
           count(*) FILTER (WHERE home_goals = away_goals) AS td,
           count(*) FILTER (WHERE home_goals < away_goals) AS ta,
           array_agg(id ORDER BY id) AS ids
    FROM predictions WHERE NOT retroactive GROUP BY match_id
) c
JOIN matches m ON m.id = c.match_id
JOIN scoring_rules r ON r.name = 'quota-v1'
WHERE m.status = 'finished'
"""
SETTLEMENTS = """
INSERT INTO settlements (id, match_id, revision, snapshot_id, home_goals, away_goals, settled_at,
    settled_by, reason)
SELECT m.id, m.id, 1, q.id, m.home_goals, m.away_goals, m.kickoff_at + interval '2 hours',
       'bench', 'final whistle'
FROM matches m JOIN quota_snapshots q ON q.match_id = m.id
"""
SCORES_SQL = """
INSERT INTO settlement_scores (settlement_id, prediction_id, forecaster_id, in_snapshot,
    retroactive, points, tendency_hit, goal_difference_hit, exact_hit, goal_error, rps, brier,
    log_loss)
SELECT s.id, p.id, p.forecaster_id, NOT p.retroactive, p.retroactive,
       CASE
         WHEN sign(p.home_goals - p.away_goals) <> sign(s.home_goals - s.away_goals) THEN 0
         ELSE CASE sign(s.home_goals - s.away_goals)
                WHEN 1 THEN q.quota_home WHEN 0 THEN q.quota_draw ELSE q.quota_away END
              + CASE WHEN p.home_goals - p.away_goals = s.home_goals - s.away_goals
                     THEN 1 ELSE 0 END
              + CASE WHEN p.home_goals = s.home_goals AND p.away_goals = s.away_goals
                     THEN 3 ELSE 0 END
       END,
       sign(p.home_goals - p.away_goals) = sign(s.home_goals - s.away_goals),
       p.home_goals - p.away_goals = s.home_goals - s.away_goals,
       p.home_goals = s.home_goals AND p.away_goals = s.away_goals,
       abs(p.home_goals - s.home_goals) + abs(p.away_goals - s.away_goals),
       ((p.p_home - o.h) ^ 2 + (p.p_home + p.p_draw - o.h - o.d) ^ 2) / 2,
       (p.p_home - o.h) ^ 2 + (p.p_draw - o.d) ^ 2 + (p.p_away - o.a) ^ 2,
       CASE WHEN p.p_home IS NOT NULL THEN
         -ln(greatest(CASE WHEN o.h = 1 THEN p.p_home WHEN o.d = 1 THEN p.p_draw
                           ELSE p.p_away END, 1e-15)) END
FROM settlements s
JOIN quota_snapshots q ON q.id = s.snapshot_id
JOIN predictions p ON p.match_id = s.match_id
CROSS JOIN LATERAL (SELECT (s.home_goals > s.away_goals)::int AS h,
                           (s.home_goals = s.away_goals)::int AS d,
                           (s.home_goals < s.away_goals)::int AS a) o
"""
JOBS = """
WITH jobs AS (
    INSERT INTO procrastinate_jobs (queue_name, task_name, lock, queueing_lock, args, status,
        attempts)
    SELECT 'footcast', t.task, t.key || ':' || m.id, t.key || ':' || m.id,
           jsonb_build_object('match_id', m.id), 'succeeded', 1
    FROM matches m
    CROSS JOIN (VALUES {stages}) t(task, key, lead)
    WHERE m.status = 'finished'
    RETURNING id, task_name, (args ->> 'match_id')::int AS match_id
)
INSERT INTO procrastinate_events (job_id, type, at)
SELECT j.id, e.type::procrastinate_job_event_type, m.kickoff_at - t.lead::interval + e.after
FROM jobs j
JOIN matches m ON m.id = j.match_id
JOIN (VALUES {stages}) t(task, key, lead) ON t.task = j.task_name
CROSS JOIN (VALUES ('deferred', interval '0 s'), ('started', interval '1 s'),
                   ('succeeded', interval '4 s')) e(type, after)
"""
ACTIVE_JOBS = """
WITH jobs AS (
    INSERT INTO procrastinate_jobs (queue_name, task_name, lock, queueing_lock, args, status,
        scheduled_at, attempts)
    SELECT 'footcast', 'live', 'live:' || id, 'live:' || id, jsonb_build_object('match_id', id),
           'doing'::procrastinate_job_status, NULL::timestamptz, 1
    FROM matches WHERE status = 'live'
    UNION ALL
    SELECT 'footcast', 'analysis', 'analysis:' || id, 'analysis:' || id,
           jsonb_build_object('match_id', id), 'todo', kickoff_at - interval '48 hours', 0
    FROM matches
    WHERE kickoff_at > :now + interval '48 hours 15 minutes' AND kickoff_at <= :now + interval '49 hours'
    RETURNING id
)
INSERT INTO procrastinate_events (job_id, type, at)
SELECT id, 'deferred', :now - interval '20 s' FROM jobs
"""


# --- seeding -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Forecaster:
    name: str
    kind: str
    reference: bool
    skill: float  # how often its tendency is right
    probabilities: bool
    provider: str | None
    active_from: datetime
    active_until: datetime | None = None
    pause: tuple[datetime, datetime] | None = None
    backfilled: bool = False  # joined late; earlier matches predicted retroactively


def _forecasters(count: int, *, start: datetime, now: datetime) -> list[Forecaster]:
    """Three reference rows and LLMs: one retired, one paused for ten days, one joined late and
    backfilled (retroactive predictions), the rest active throughout."""
    since = start - timedelta(days=1)
    rows = [
        Forecaster(name="market-avg", kind="market", reference=True, skill=0.53,
                   probabilities=True, provider=None, active_from=since),
        Forecaster(name="poisson", kind="statistical", reference=True, skill=0.51,
                   probabilities=True, provider=None, active_from=since),
        Forecaster(name="home-win", kind="naive", reference=True, skill=0.0,
                   probabilities=False, provider=None, active_from=since),
    ]  # fmt: skip
    span = now - start
    for n in range(1, count - len(rows) + 1):
        extra: dict[str, Any] = {"active_from": since}
        if n == 1:
            extra["active_until"] = now - timedelta(days=365)
        elif n == 2:
            extra["pause"] = (now - timedelta(days=200), now - timedelta(days=190))
        elif n == 3:
            extra = {"active_from": start + 0.6 * span, "backfilled": True}
        rows.append(
            Forecaster(
                name=f"llm-{n:02d}",
                kind="llm",
                reference=False,
                skill=0.44 + 0.1 * ((n * 7) % 11) / 10,
                probabilities=n % 2 == 0,
                provider=PROVIDERS[n % len(PROVIDERS)],
                **extra,
            )
        )
    return rows[:count]


@dataclass(frozen=True, kw_only=True)
class Seeded:
    now: datetime
    matches: int
    predictions: int
    scores: int
    jobs: int
    seconds: dict[str, float]


def _copy(
    connection: psycopg.Connection[Any], table: str, columns: str, chunks: Iterator[str]
) -> None:
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for chunk in chunks:
            copy.write(chunk)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(sep=" ")


def seed(url: URL, *, matches: int, forecasters: int, seed_value: int) -> Seeded:
    """Load the benchmark's world; FK checks and triggers are off while loading (the rows are
    consistent by construction: ``retroactive`` is written as the stamp trigger would)."""
    rng = np.random.default_rng(seed_value)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(days=365 * YEARS)
    step = (now + timedelta(days=3) - start) / matches
    people = _forecasters(forecasters, start=start, now=now)
    seconds: dict[str, float] = {}

    kickoffs = [start + i * step for i in range(matches)]
    kickoffs = [
        k.replace(minute=k.minute - k.minute % 5, second=0, microsecond=0) for k in kickoffs
    ]
    home_goals = np.minimum(rng.poisson(1.5, matches), 9).tolist()
    away_goals = np.minimum(rng.poisson(1.2, matches), 9).tolist()
    home_team = rng.integers(0, TEAMS_PER_COMPETITION, matches)
    away_team = ((home_team + 1 + rng.integers(0, TEAMS_PER_COMPETITION - 1, matches))
                 % TEAMS_PER_COMPETITION)  # fmt: skip
    called_off = rng.random(matches)
    status: list[str] = []
    for i, kickoff in enumerate(kickoffs):
        if kickoff > now:
            status.append("scheduled")
        elif kickoff > now - LIVE_FOR:
            status.append("live")
        elif called_off[i] < 0.003:
            status.append("postponed")
        elif called_off[i] < 0.004:
            status.append("cancelled")
        else:
            status.append("finished")

    t0 = time.perf_counter()
    with psycopg.connect(
        url.set(drivername="postgresql").render_as_string(hide_password=False)
    ) as c:
        c.execute("SET session_replication_role = replica")
        c.execute("SET synchronous_commit = off")
        c.execute("SET maintenance_work_mem = '256MB'")
        c.execute("SET work_mem = '256MB'")
        with c.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO competitions (id, code, name) VALUES (%s, %s, %s)",
                [(n, code, f"League {code}") for n, code in enumerate(COMPETITIONS, start=1)],
            )
            cursor.execute(
                "INSERT INTO teams (id, name) SELECT g, 'Team ' || g FROM generate_series(1, %s) g",
                (len(COMPETITIONS) * TEAMS_PER_COMPETITION,),
            )
            seasons = {
                (comp, year): n
                for n, (comp, year) in enumerate(
                    ((comp, year) for comp in range(1, len(COMPETITIONS) + 1)
                     for year in range(start.year - 1, now.year + 1)),
                    start=1,
                )
            }  # fmt: skip
            cursor.executemany(
                "INSERT INTO seasons (id, competition_id, label, year) VALUES (%s, %s, %s, %s)",
                [(n, comp, f"{year}/{(year + 1) % 100:02d}", year)
                 for (comp, year), n in seasons.items()],
            )  # fmt: skip
            cursor.executemany(
                "INSERT INTO forecasters (id, name, kind, provider, model_id, reference,"
                " active_from, active_until) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [(n, f.name, f.kind, f.provider, None if f.provider is None else f"{f.name}-model",
                  f.reference, f.active_from, f.active_until)
                 for n, f in enumerate(people, start=1)],
            )  # fmt: skip
            cursor.executemany(
                "INSERT INTO forecaster_pauses (forecaster_id, since, until, reason, actor,"
                " resumed_by, resume_reason) VALUES (%s, %s, %s, 'failures in a row', 'health',"
                " 'health', 'probe succeeded')",
                [(n, f.pause[0], f.pause[1]) for n, f in enumerate(people, start=1) if f.pause],
            )

        def match_rows() -> Iterator[str]:
            lines = []
            for i, kickoff in enumerate(kickoffs):
                comp = i % len(COMPETITIONS) + 1
                year = kickoff.year if kickoff.month >= 7 else kickoff.year - 1
                base = (comp - 1) * TEAMS_PER_COMPETITION + 1
                scored = status[i] in ("finished", "live")
                goals = f"{home_goals[i]}\t{away_goals[i]}" if scored else "\\N\t\\N"
                stamp = _stamp(kickoff)
                lines.append(
                    f"{i + 1}\t{comp}\t{seasons[comp, year]}\t{base + home_team[i]}"
                    f"\t{base + away_team[i]}\tapi-football\t{i + 1}\t{1_000_000 + i}"
                    f"\t{stamp}\t{stamp}\t{status[i]}\t{goals}\n"
                )
            yield "".join(lines)

        t = time.perf_counter()
        _copy(
            c,
            "matches",
            "id, competition_id, season_id, home_team_id, away_team_id, source, external_id,"
            " api_football_id, kickoff_at, prediction_deadline, status, home_goals, away_goals",
            match_rows(),
        )
        seconds["matches"] = time.perf_counter() - t

        t = time.perf_counter()
        predictions = 0

        def prediction_rows() -> Iterator[str]:
            nonlocal predictions
            predicted = [i for i, k in enumerate(kickoffs)
                         if k <= now + PREDICTION_LEAD and status[i] not in ("postponed", "cancelled")]  # fmt: skip
            count, width = len(predicted), len(people)
            actual = np.sign(np.array(home_goals)[predicted] - np.array(away_goals)[predicted])
            tendency = (1 - actual).astype(np.int64)  # 0 home, 1 draw, 2 away
            skill = np.array([f.skill for f in people])
            right = rng.random((count, width)) < skill
            other = (tendency[:, None] + 1 + rng.integers(0, 2, (count, width))) % 3
            picked = np.where(right, tendency[:, None], other)
            choice = rng.integers(0, 4, (count, width))
            table = np.array(SCORES)
            ph, pa = table[picked, choice, 0], table[picked, choice, 1]
            exact = right & (rng.random((count, width)) < 0.12)
            ph = np.where(exact, np.array(home_goals)[predicted][:, None], ph)
            pa = np.where(exact, np.array(away_goals)[predicted][:, None], pa)
            naive = [n for n, f in enumerate(people) if f.kind == "naive"]
            ph[:, naive], pa[:, naive] = 2, 1
            # probabilities in thousandths: the predicted tendency gets 450-749
            main = rng.integers(450, 750, (count, width))
            second = (rng.random((count, width)) * (1000 - main)).astype(np.int64)
            third = 1000 - main - second
            probs = np.zeros((count, width, 3), dtype=np.int64)
            rows_ix, cols_ix = np.indices((count, width))
            probs[rows_ix, cols_ix, picked] = main
            probs[rows_ix, cols_ix, (picked + 1) % 3] = second
            probs[rows_ix, cols_ix, (picked + 2) % 3] = third
            missing = (rng.random((count, width)) < MISSING).tolist()
            ph_l, pa_l, probs_l = ph.tolist(), pa.tolist(), probs.tolist()
            text = [f"{v / 1000:.3f}" for v in range(1001)]
            extras = [
                f"\t{1500 + 37 * n}\t{20 + n}\t{900 + 113 * n}\t{0.0005 + 0.0001 * n:.6f}"
                if f.kind == "llm" else "\t\\N\t\\N\t\\N\t\\N"
                for n, f in enumerate(people)
            ]  # fmt: skip
            owner = [str(n) for n in range(1, width + 1)]
            next_id = 1
            for row, i in enumerate(predicted):
                deadline = kickoffs[i]
                created = _stamp(min(deadline - timedelta(minutes=25), now - timedelta(seconds=1)))
                lines = []
                for n, f in enumerate(people):
                    if deadline < f.active_from and not f.backfilled:
                        continue
                    if f.active_until is not None and deadline >= f.active_until:
                        continue
                    if f.pause is not None and f.pause[0] <= deadline < f.pause[1]:
                        continue
                    if f.kind == "llm" and missing[row][n]:
                        continue
                    late = deadline < f.active_from
                    if f.probabilities:
                        p = probs_l[row][n]
                        chances = f"{text[p[0]]}\t{text[p[1]]}\t{text[p[2]]}"
                    else:
                        chances = "\\N\t\\N\t\\N"
                    when = _stamp(f.active_from) if late else created
                    lines.append(
                        f"{next_id}\t{i + 1}\t{owner[n]}\t{ph_l[row][n]}\t{pa_l[row][n]}"
                        f"\t{chances}\t{when}\t{'t' if late else 'f'}{extras[n]}\n"
                    )
                    next_id += 1
                predictions += len(lines)
                yield "".join(lines)

        _copy(
            c,
            "predictions",
            "id, match_id, forecaster_id, home_goals, away_goals, p_home, p_draw, p_away,"
            " created_at, retroactive, prompt_tokens, completion_tokens, latency_ms, cost_usd",
            prediction_rows(),
        )
        seconds["predictions"] = time.perf_counter() - t

        t = time.perf_counter()
        c.execute(SNAPSHOTS)
        c.execute(SETTLEMENTS)
        scores = c.execute(SCORES_SQL).rowcount
        c.execute(
            "UPDATE matches m SET settled_at = s.settled_at FROM settlements s WHERE s.match_id = m.id"
        )
        seconds["settlement"] = time.perf_counter() - t

        t = time.perf_counter()
        stages = ", ".join(f"('{task}', '{key}', '{lead}')" for task, key, lead in STAGE_JOBS)
        c.execute(JOBS.format(stages=stages))
        c.execute(ACTIVE_JOBS.replace(":now", "%(now)s"), {"now": now})
        jobs = c.execute("SELECT count(*) FROM procrastinate_jobs").fetchone()
        seconds["jobs"] = time.perf_counter() - t
        for table, column in (("competitions", "id"), ("teams", "id"), ("seasons", "id"),
                              ("forecasters", "id"), ("matches", "id"), ("predictions", "id"),
                              ("quota_snapshots", "id"), ("settlements", "id")):  # fmt: skip
            c.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" (SELECT coalesce(max({column}), 0) + 1 FROM {table}), false)"
            )
        # the triggers that keep the leaderboard's totals were off while loading: compute them
        t = time.perf_counter()
        c.execute("SELECT footcast_rebuild_leaderboard()")
        seconds["leaderboard totals"] = time.perf_counter() - t
        c.commit()
        t = time.perf_counter()
        c.autocommit = True
        c.execute("VACUUM ANALYZE")
        seconds["vacuum analyze"] = time.perf_counter() - t
    seconds["total"] = time.perf_counter() - t0
    return Seeded(
        now=now,
        matches=matches,
        predictions=predictions,
        scores=scores,
        jobs=0 if jobs is None else int(jobs[0]),
        seconds=seconds,
    )


# --- measuring -----------------------------------------------------------------------------------


def _percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted samples."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _line(label: str, samples: Sequence[float], extra: str = "") -> str:
    ordered = sorted(samples)
    if not ordered:
        return f"{label:<34} no samples {extra}"
    ms = [1000 * _percentile(ordered, q) for q in (0.5, 0.95, 0.99)]
    return (
        f"{label:<34} p50 {ms[0]:7.2f}  p95 {ms[1]:7.2f}  p99 {ms[2]:7.2f}"
        f"  max {1000 * ordered[-1]:8.2f} ms{extra}"
    )


def _select_one(url: URL, count: int) -> list[float]:
    samples = []
    with psycopg.connect(
        url.set(drivername="postgresql").render_as_string(hide_password=False)
    ) as c:
        c.autocommit = True
        for _ in range(count):
            started = time.perf_counter()
            c.execute("SELECT 1").fetchone()
            samples.append(time.perf_counter() - started)
    return samples


def _timed(count: int, work: Callable[[], object]) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return samples


def _health_facts(database: Database) -> None:
    now = datetime.now(UTC)
    with database.transaction() as session:
        monitoring.coverage(session, start=now - timedelta(hours=24), end=now + PREDICTION_LEAD)
        monitoring.queue(session, now=now)


def _leaderboard(database: Database, competition: str | None = None) -> list[board.Row]:
    with database.transaction() as session:
        return board.leaderboard(session, competition=competition)


def _matchday(database: Database, competition: str | None = None) -> matchday.Matchday:
    with database.transaction() as session:
        return matchday.matchday(session, now=datetime.now(UTC), competition=competition)


def _explain(database: Database, label: str, work: Callable[[], object]) -> None:
    """Run ``work`` once, capturing its statements, and print EXPLAIN ANALYZE of each."""
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if (
            statement.lstrip().upper().startswith(("SELECT", "WITH"))
            and statement.strip() != "SELECT 1"
        ):
            captured.append((statement, parameters))

    sa.event.listen(database.engine, "before_cursor_execute", capture)
    try:
        work()
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", capture)
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in captured:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
            print(f"--- EXPLAIN ANALYZE: {label}")
            print("\n".join(row[0] for row in cursor.fetchall()))
        raw.rollback()
    finally:
        raw.close()


class Cpu:
    """CPU seconds of one process and the machine's busy share, between start and stop."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.tick = os.sysconf("SC_CLK_TCK")
        self._start = self._read()

    def _read(self) -> tuple[float, float, float, float]:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        process = (int(fields[11]) + int(fields[12])) / self.tick
        total = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = total[3] + total[4]
        return time.monotonic(), process, sum(total) / self.tick, idle / self.tick

    def report(self) -> str:
        wall, process, total, idle = (b - a for a, b in zip(self._start, self._read(), strict=True))
        busy = 0.0 if total == 0 else 1 - idle / total
        return f"server CPU {100 * process / wall:3.0f}% of a core, machine {100 * busy:3.0f}% busy"


@dataclass(frozen=True, kw_only=True)
class Run:
    latencies: list[float]  # from each request's scheduled time to its answer
    offsets: list[float]  # when each answered request was scheduled, from the start
    lags: list[float]  # from the scheduled time to the moment it was sent
    errors: int
    seconds: float

    @property
    def rate(self) -> float:
        return (len(self.latencies) + self.errors) / self.seconds

    def worst_second(self) -> int:
        """The second of the run (by schedule) in which the slowest answered request was sent."""
        slowest = max(range(len(self.latencies)), key=self.latencies.__getitem__, default=0)
        return int(self.offsets[slowest]) if self.offsets else 0


async def _load(base: str, path: str, *, rate: float, seconds: float) -> Run:
    """Open-loop: request n is sent at start + n / rate, answered or not the earlier ones.

    aiohttp, whose parser is compiled: at 100 leaderboard answers (31 KB) a second it used 8% of
    a core here, where httpx used 113% and fell behind (its pool grows slower with every waiting
    request), which measured the load generator instead of the server."""
    latencies: list[float] = []
    offsets: list[float] = []
    lags: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=256)
    timeout = aiohttp.ClientTimeout(total=30.0)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as client:

        async def fetch(url: str) -> bool:
            async with client.get(url) as response:
                await response.read()
                return response.status == 200

        await asyncio.gather(*(fetch("/docs") for _ in range(20)))  # open the connections
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.05

        async def one(scheduled: float) -> None:
            nonlocal errors
            lags.append(loop.time() - scheduled)
            try:
                ok = await fetch(path)
            except (aiohttp.ClientError, TimeoutError):
                ok = False
            if ok:
                latencies.append(loop.time() - scheduled)
                offsets.append(scheduled - start)
            else:
                errors += 1

        tasks = []
        for n in range(int(rate * seconds)):
            scheduled = start + n / rate
            delay = scheduled - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(scheduled)))
        await asyncio.gather(*tasks)
        elapsed = loop.time() - start
    return Run(latencies=latencies, offsets=offsets, lags=lags, errors=errors, seconds=elapsed)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def _server(
    url: URL, *, health_cache_seconds: float | None, log: Path
) -> Iterator[tuple[str, int]]:
    """``footcast web`` in a process of its own; yields its base URL and pid."""
    port = _free_port()
    env = {**os.environ, "FOOTCAST_DATABASE_URL": url.render_as_string(hide_password=False)}
    if health_cache_seconds is not None:
        env["FOOTCAST_HEALTH_CACHE_SECONDS"] = str(health_cache_seconds)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "footcast.cli", "web", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=out, stderr=out,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/docs", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the web server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _route(base: str, pid: int, label: str, path: str, *, rate: float, seconds: float) -> Run:
    cpu = Cpu(pid)
    run = asyncio.run(_load(base, path, rate=rate, seconds=seconds))
    lag = 1000 * _percentile(sorted(run.lags), 0.99)
    second = run.worst_second()
    print(_line(label, run.latencies) + f"  errors {run.errors}  {run.rate:.0f} req/s")
    print(
        f"{'':<34} slowest answer in second {second} of {seconds:.0f}; send lag p99 {lag:.1f} ms;"
        f" {cpu.report()}"
    )
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--matches", type=int, default=100_000)
    parser.add_argument("--forecasters", type=int, default=42)
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument(
        "--leaderboard-rate", type=float, default=100.0,
        help="requests per second to /api/leaderboard (31 KB answers: see the docstring)",
    )  # fmt: skip
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each route's run")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE")
    parser.add_argument("--reuse", action="store_true", help="keep a seeded database")
    args = parser.parse_args()

    settings = load_settings()
    server = engine.server_url_of(settings)
    url = engine.ensure_database(server, args.database, drop_first=not args.reuse)
    database = connect(url)
    print(f"server: {engine.redact(url)}; {os.cpu_count()} cores")
    with database.transaction() as session:
        seeded_before = session.execute(sa.text("SELECT count(*) FROM matches")).scalar_one()
    if not (args.reuse and seeded_before):
        seeded = seed(url, matches=args.matches, forecasters=args.forecasters, seed_value=args.seed)
        parts = ", ".join(f"{k} {v:.1f} s" for k, v in seeded.seconds.items() if k != "total")
        print(
            f"seeded {seeded.matches:,} matches, {seeded.predictions:,} predictions,"
            f" {seeded.scores:,} settlement scores, {seeded.jobs:,} jobs"
            f" in {seeded.seconds['total']:.1f} s ({parts})"
        )
    with database.transaction() as session:
        counts = session.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM matches), (SELECT count(*) FROM predictions),"
                " (SELECT count(*) FROM settlements), (SELECT count(*) FROM settlement_scores),"
                " (SELECT count(*) FROM forecasters),"
                " (SELECT count(*) FROM matches WHERE status = 'scheduled'),"
                " pg_size_pretty(pg_database_size(current_database())),"
                " pg_size_pretty(pg_total_relation_size('predictions')),"
                " pg_size_pretty(pg_total_relation_size('settlement_scores'))"
            )
        ).one()
    print(
        f"database: {counts[0]:,} matches ({counts[5]:,} upcoming), {counts[1]:,} predictions,"
        f" {counts[2]:,} settlements, {counts[3]:,} scores, {counts[4]} forecasters;"
        f" {counts[6]} (predictions {counts[7]}, settlement_scores {counts[8]})"
    )

    print("\n--- direct (this process, no HTTP); times in ms")
    print(_line("SELECT 1 round trip", _select_one(url, 2000)))
    print(_line("health queries (coverage + queue)", _timed(50, lambda: _health_facts(database))))
    whole = _timed(3, lambda: _leaderboard(database))
    print(_line("leaderboard query (all), 3 runs", whole))
    print(_line(f"leaderboard query ({COMPETITIONS[0]}), 3 runs",
                _timed(3, lambda: _leaderboard(database, COMPETITIONS[0]))))  # fmt: skip
    print(_line("matchday queries (all), 50 runs", _timed(50, lambda: _matchday(database))))
    print(_line(f"matchday queries ({COMPETITIONS[0]}), 50 runs",
                _timed(50, lambda: _matchday(database, COMPETITIONS[0]))))  # fmt: skip
    day = _matchday(database)
    print(f"matchday: {len(day.upcoming)} upcoming, {len(day.live)} live, {len(day.recent)} recent")
    top = _leaderboard(database)[:3]
    print("leaderboard top 3: " + ", ".join(f"{r.forecaster} {r.points} pts" for r in top))
    if args.explain:
        _explain(database, "health", lambda: _health_facts(database))
        _explain(database, "leaderboard", lambda: _leaderboard(database))
        _explain(database, "matchday", lambda: _matchday(database))

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        print(
            f"\n--- HTTP, open loop at {args.rate:.0f} requests/s (the leaderboard {args.leaderboard_rate:.0f}/s) for {args.seconds:.0f} s each"
        )
        with _server(url, health_cache_seconds=None, log=log) as (base, pid):
            _route(base, pid, "GET /docs (static, baseline)", "/docs",
                   rate=args.rate, seconds=args.seconds)  # fmt: skip
            answer = httpx.get(f"{base}/api/health", timeout=30).json()
            coverage = answer.get("coverage", {})
            print(
                f"health says {answer.get('status')}: coverage {coverage.get('ratio')}"
                f" ({coverage.get('predicted')}/{coverage.get('owed')} of"
                f" {coverage.get('matches')} matches), queue {answer.get('queue')}"
            )
            health = _route(base, pid, "GET /api/health (cached 30 s)", "/api/health",
                            rate=args.rate, seconds=args.seconds)  # fmt: skip
            started = time.perf_counter()
            httpx.get(f"{base}/api/leaderboard", timeout=120).raise_for_status()
            first = time.perf_counter() - started
            print(
                f"{'GET /api/leaderboard first request':<34} {1000 * first:7.0f} ms (computes it)"
            )
            # the rows are read on every request (the totals kept at settlement); long enough for
            # the intervals' cache to go stale once (STANDINGS_SECONDS after the first request)
            leaders = _route(base, pid, "GET /api/leaderboard", "/api/leaderboard",
                             rate=args.leaderboard_rate,
                             seconds=max(args.seconds, STANDINGS_SECONDS + 10))  # fmt: skip
            started = time.perf_counter()
            httpx.get(f"{base}/", timeout=120).raise_for_status()
            first = time.perf_counter() - started
            print(f"{'GET / first request':<34} {1000 * first:7.0f} ms (computes it)")
            # spans at least one refresh of the 10 s cache
            home = _route(base, pid, "GET / (matchday page)", "/",
                          rate=args.rate, seconds=max(args.seconds, MATCHDAY_SECONDS + 5))  # fmt: skip
        with _server(url, health_cache_seconds=0, log=log) as (base, pid):
            uncached = _route(base, pid, "GET /api/health (uncached)", "/api/health",
                   rate=args.rate, seconds=args.seconds)  # fmt: skip

    database.dispose()
    print()
    checks = Checks()
    for label, run, target in (
        ("health p99 (cached)", health, 20.0),
        ("health p99 (uncached)", uncached, 20.0),
        ("leaderboard p99 (uncached rows)", leaders, 100.0),
        ("matchday page p99", home, 100.0),
    ):
        p99 = 1000 * _percentile(sorted(run.latencies), 0.99)
        checks.check(label, f"{p99:.1f} ms", f"≤ {target:g} ms", p99 <= target)
    errors = health.errors + leaders.errors + uncached.errors + home.errors
    checks.check("failed requests", f"{errors}", "0", errors == 0)
    checks.exit()


if __name__ == "__main__":
    main()
