"""Checks of a replayed season, computed straight from the tables and independently of footcast's
scoring code: coverage, duplicates, double settlements, and points recomputed from scratch."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

import sqlalchemy as sa

from footcast.config import Settings, load_settings
from footcast.db import Database, _sql
from footcast.db.reads import owed

__all__ = [
    "OWED_PAIRS",
    "PAIR_KEY",
    "consensus_problems",
    "recomputed_points",
    "season_problems",
    "snapshot_leaks",
    "snapshot_problems",
    "stale_snapshots",
]

DEFAULTS = load_settings({})

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T")
# the (match m, forecaster f) pairs owed a prediction, by footcast's one rule (the view of
# db/reads/owed.py); a FROM ... WHERE fragment that callers extend with AND ...
OWED_PAIRS = f"""
FROM {owed.OWED} o JOIN matches m ON m.id = o.match_id JOIN forecasters f ON f.id = o.forecaster_id
WHERE true
"""


# the failure ledger key of pair (m, f), as footcast writes it
PAIR_KEY = _sql.pair_key("m.id", "f.name")


def _tendency(home: int, away: int) -> str:
    return "H" if home > away else "D" if home == away else "A"


def _quota(n: int, t: int, low: int = 2, high: int = 6) -> int:
    if t == 0:
        return high
    exact = Fraction(high * n, 10 * t) - Fraction(high, 10) + low
    return min(max(math.floor(exact + Fraction(1, 2)), low), high)


def recomputed_points(database: Database) -> dict[int, int]:
    """quota-v1 points per prediction id, from the stored predictions and final scores only."""
    with database.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                """
                SELECT p.id, p.match_id, p.home_goals, p.away_goals, p.retroactive,
                       m.home_goals, m.away_goals
                FROM predictions p JOIN matches m ON m.id = p.match_id
                WHERE m.status = 'finished'
                """
            )
        ).all()
    by_match: dict[int, list[tuple[int, int, int, bool, int, int]]] = defaultdict(list)
    for pid, match_id, ph, pa, retro, mh, ma in rows:
        by_match[match_id].append((pid, ph, pa, retro, mh, ma))
    points: dict[int, int] = {}
    for predictions in by_match.values():
        frozen = [p for p in predictions if not p[3]] or predictions
        counts = {"H": 0, "D": 0, "A": 0}
        for _, ph, pa, *_ in frozen:
            counts[_tendency(ph, pa)] += 1
        n = len(frozen)
        for pid, ph, pa, _, mh, ma in predictions:
            actual = _tendency(mh, ma)
            if _tendency(ph, pa) != actual:
                points[pid] = 0
                continue
            value = _quota(n, counts[actual])
            value += 1 if ph - pa == mh - ma else 0
            value += 3 if (ph, pa) == (mh, ma) else 0
            points[pid] = value
    return points


def _scalar_list(database: Database, sql: str, **params: object) -> list[tuple[object, ...]]:
    with database.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text(sql), params)]


def season_problems(database: Database, *, whole: bool = True) -> list[str]:
    """Everything wrong with a finished replay; empty when it is whole. ``whole=False`` checks a
    replay stopped part-way: matches not yet played are no problem then."""
    problems: list[str] = []
    unfinished = _scalar_list(
        database, "SELECT id, status FROM matches WHERE status <> 'finished' ORDER BY id"
    )
    if unfinished and whole:
        problems.append(f"matches not finished: {unfinished[:5]}")
    uncovered = _scalar_list(
        database,
        "SELECT m.id, f.name"
        + OWED_PAIRS
        + f"""
          AND (m.status = 'finished' OR :whole)
          AND NOT EXISTS (SELECT 1 FROM predictions p
                          WHERE p.match_id = m.id AND p.forecaster_id = f.id)
          AND NOT EXISTS (SELECT 1 FROM failures x WHERE x.stage = 'predictions'
                          AND x.key = {PAIR_KEY} AND x.terminal)
        """,
        whole=whole,
    )
    if uncovered:
        problems.append(f"{len(uncovered)} (match, forecaster) pairs neither predicted nor failed:"
                        f" {uncovered[:5]}")  # fmt: skip
    duplicates = _scalar_list(
        database,
        "SELECT match_id, forecaster_id FROM predictions GROUP BY 1, 2 HAVING count(*) > 1",
    )
    if duplicates:
        problems.append(f"duplicate predictions: {duplicates[:5]}")
    double = _scalar_list(
        database,
        """
        SELECT m.id, count(s.id) FILTER (WHERE s.superseded_at IS NULL)
        FROM matches m LEFT JOIN settlements s ON s.match_id = m.id
        WHERE EXISTS (SELECT 1 FROM predictions p WHERE p.match_id = m.id)
        GROUP BY m.id HAVING count(s.id) FILTER (WHERE s.superseded_at IS NULL) <> 1
        """,
    )
    if double:
        problems.append(f"matches without exactly one current settlement: {double[:5]}")
    stale = _scalar_list(
        database,
        """
        SELECT s.match_id FROM settlements s JOIN matches m ON m.id = s.match_id
        WHERE s.superseded_at IS NULL
          AND (s.home_goals, s.away_goals) <> (m.home_goals, m.away_goals)
        """,
    )
    if stale:
        problems.append(f"current settlements with a score other than the match's: {stale[:5]}")
    stored: dict[object, object] = dict(
        _scalar_list(  # type: ignore[arg-type]
            database,
            """
            SELECT ss.prediction_id, ss.points FROM settlement_scores ss
            JOIN settlements s ON s.id = ss.settlement_id WHERE s.superseded_at IS NULL
            """,
        )
    )
    expected = recomputed_points(database)
    if stored != expected:
        wrong = [
            (pid, stored.get(pid), pts) for pid, pts in expected.items() if stored.get(pid) != pts
        ]
        problems.append(f"{len(wrong)} stored points differ from the recomputation: {wrong[:5]}")
    unlike = consensus_problems(database)
    if unlike:
        problems.append(f"{len(unlike)} consensus predictions unlike their crowd: {unlike[:5]}")
    return problems


# every consensus prediction, and the predictions of its crowd: competitors (no reference row),
# on time, not contaminated, created by the consensus's own creation
_CROWDS = """
SELECT c.id, c.home_goals, c.away_goals, c.p_home, c.p_draw, c.p_away,
       p.home_goals, p.away_goals, p.p_home, p.p_draw, p.p_away
FROM predictions c JOIN forecasters cf ON cf.id = c.forecaster_id AND cf.kind = 'consensus'
LEFT JOIN (predictions p JOIN forecasters pf ON pf.id = p.forecaster_id AND NOT pf.reference
           AND pf.kind <> 'consensus')
  ON p.match_id = c.match_id AND NOT p.retroactive AND p.created_at <= c.created_at
 AND NOT EXISTS (SELECT 1 FROM contaminated_predictions x WHERE x.prediction_id = p.id)
ORDER BY c.id
"""


def consensus_problems(database: Database) -> list[tuple[int, object, object]]:
    """Consensus predictions other than their crowd's most common score (ties: the more common
    tendency, fewer goals, the narrower margin, the home side) and mean probabilities, as
    (prediction id, stored, recomputed)."""
    crowds: dict[int, tuple[tuple[Any, ...], list[tuple[Any, ...]]]] = {}
    for row in _scalar_list(database, _CROWDS):
        pid: Any = row[0]
        _, members = crowds.setdefault(pid, (row[1:6], []))
        if row[6] is not None:
            members.append(row[6:])
    wrong: list[tuple[int, object, object]] = []
    for pid, (stored, members) in crowds.items():
        score, probabilities = tuple(stored[:2]), stored[2:]
        scores = [(h, a) for h, a, *_ in members]
        tendencies = [_tendency(h, a) for h, a in scores]
        best = max(
            set(scores),
            key=lambda s: (scores.count(s), tendencies.count(_tendency(*s)), -sum(s),
                           -abs(s[0] - s[1]), s[0]),
            default=None,
        )  # fmt: skip
        given = [m[2:] for m in members if m[2] is not None]
        means = [sum(p[k] for p in given) / len(given) for k in range(3)] if given else None
        alike = (
            probabilities[0] is None
            if means is None
            else all(abs(x - y) <= 1e-6 for x, y in zip(probabilities, means, strict=True))
        )
        if score != best or not alike:
            wrong.append((pid, (score, probabilities), (best, means)))
    return wrong


def _dates(value: Any, path: str = "") -> list[tuple[str, datetime]]:
    """Every ISO timestamp anywhere in a JSON value, with where it was found."""
    if isinstance(value, dict):
        return [d for key, item in value.items() for d in _dates(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [d for n, item in enumerate(value) for d in _dates(item, f"{path}[{n}]")]
    if isinstance(value, str) and ISO_DATE.match(value):
        return [(path, datetime.fromisoformat(value))]
    return []


# a finished result of the snapshot's competition that kicked off at least :known_after before
# its as_of (and within :window) and is missing from its history; matched on kickoff and names
_STALE = """
SELECT s.id, s.as_of, count(*), min(h.name || '-' || a.name || ' ' || m.kickoff_at::text)
FROM analysis_snapshots s
JOIN matches t ON t.id = s.match_id
JOIN matches m ON m.competition_id = t.competition_id AND m.id <> t.id
  AND m.status = 'finished' AND m.home_goals IS NOT NULL
  AND m.kickoff_at + :known_after <= s.as_of AND m.kickoff_at >= s.as_of - :window
JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id
WHERE NOT EXISTS (
  SELECT 1 FROM jsonb_array_elements(s.payload -> 'history') e
  WHERE (e ->> 0)::timestamptz = m.kickoff_at AND e ->> 1 = h.name AND e ->> 2 = a.name)
GROUP BY s.id, s.as_of ORDER BY s.id
"""


def stale_snapshots(
    database: Database,
    *,
    known_after: timedelta = DEFAULTS.pipeline.stuck_after,
    window: timedelta = DEFAULTS.pipeline.history_window,
) -> list[str]:
    """Every stored snapshot that lacks a result known before its ``as_of``: a finished match of
    its competition that kicked off at least ``known_after`` earlier (within ``window``)."""
    rows = _scalar_list(database, _STALE, known_after=known_after, window=window)
    return [
        f"snapshot {snapshot_id} as of {as_of}: {missing} known result(s) missing, e.g. {first}"
        for snapshot_id, as_of, missing, first in rows
    ]


def snapshot_problems(database: Database, *, settings: Settings | None = None) -> list[str]:
    """Every snapshot that leaks something from after its ``as_of`` or lacks something known
    before it (``settings``' result delay and history window; the defaults when None)."""
    pipeline = (settings or DEFAULTS).pipeline
    return snapshot_leaks(database) + stale_snapshots(
        database, known_after=pipeline.stuck_after, window=pipeline.history_window
    )


def snapshot_leaks(database: Database) -> list[str]:
    """Every stored analysis snapshot that holds something dated after its ``as_of`` (other
    than the match's own scheduled kickoff), or the match's own result; empty when none do."""
    leaks: list[str] = []
    with database.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                """
                SELECT s.id, s.as_of, s.payload, m.kickoff_at, h.name, a.name
                FROM analysis_snapshots s JOIN matches m ON m.id = s.match_id
                JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id
                """
            )
        ).all()
    for snapshot_id, as_of, payload, kickoff, home, away in rows:
        if as_of > kickoff:
            leaks.append(f"snapshot {snapshot_id}: as_of {as_of} after kickoff {kickoff}")
        for where, moment in _dates(payload):
            if where not in (".kickoff", ".as_of") and moment >= as_of:
                leaks.append(f"snapshot {snapshot_id}: {where} = {moment} is not before {as_of}")
        own = [kickoff.isoformat(), home, away]
        for section in ("history", "head_to_head"):
            if any(item[:3] == own for item in payload.get(section, [])):
                leaks.append(f"snapshot {snapshot_id}: its own match's result is in {section}")
    return leaks
