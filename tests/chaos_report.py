"""The checks after a chaos run, read straight from the tables (independently of footcast's own
code) and from what the fake providers saw; each check is a printed line with its figures."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from chaos import FAULTS, Outcome
from footcast.db import Database
from season_checks import OWED_PAIRS, PAIR_KEY, season_problems, snapshot_problems

__all__ = ["Check", "Report", "report"]

_MATCH = re.compile(r"^Match: (.+) \(home\) v (.+) \(away\)$", re.MULTILINE)
_PROBE_HOME = "Northbridge"  # the made-up match of health probes (pipeline/probe.py)

# the pairs owed by finished matches (season_checks.OWED_PAIRS), with how each ended
_PAIRS = (
    f"""
SELECT m.id, f.name,
       EXISTS (SELECT 1 FROM predictions p WHERE p.match_id = m.id AND p.forecaster_id = f.id),
       (SELECT x.error_code FROM failures x WHERE x.stage = 'predictions' AND x.terminal
          AND x.key = {PAIR_KEY} AND x.message <> '' LIMIT 1)
"""
    + OWED_PAIRS
    + "  AND m.status = 'finished'"
)
_PAUSED = """
SELECT m.id, f.name FROM matches m JOIN forecaster_pauses z ON z.since <= m.prediction_deadline
  AND (z.until IS NULL OR z.until > m.prediction_deadline)
JOIN forecasters f ON f.id = z.forecaster_id
"""
_FAILED_JOBS_WITHOUT_RECORD = """
SELECT j.id, j.task_name, j.queueing_lock FROM procrastinate_jobs j
WHERE j.status = 'failed' AND NOT EXISTS (
  SELECT 1 FROM failures x WHERE x.key = j.queueing_lock AND x.terminal AND x.message <> '')
"""


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    figures: str


@dataclass(kw_only=True)
class Report:
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the chaos did (not pass/fail)

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks)

    def render(self) -> str:
        lines = ["chaos run:", *(f"  {note}" for note in self.notes), "checks:"]
        lines += [f"  [{'ok' if c.ok else 'FAIL'}] {c.name}: {c.figures}" for c in self.checks]
        lines.append("chaos: all checks passed" if self.ok else "chaos: CHECKS FAILED")
        return "\n".join(lines)


def _rows(database: Database, sql: str) -> list[tuple[object, ...]]:
    with database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql))]


def _one(database: Database, sql: str) -> object:
    with database.engine.connect() as connection:
        return connection.execute(sa.text(sql)).scalar_one()


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {n:,}" for key, n in counter.most_common()) or "none"


def report(outcome: Outcome) -> Report:
    """Every check of a chaos run, with its figures."""
    db, events = outcome.database, outcome.events
    found = Report()
    restarts = events.restarts
    found.notes += [
        f"{outcome.seconds:.0f} s; {outcome.progress.steps:,} clock steps,"
        f" {outcome.progress.enqueued:,} jobs enqueued",
        f"workers SIGKILLed: {events.kills}; jobs of dead workers re-queued:"
        f" {outcome.progress.recovered}; workers started: {events.spawned}",
        f"PostgreSQL restarts: {sum(restarts.values())} ({restarts['fast']} fast,"
        f" {restarts['immediate']} immediate)",
    ]
    problems = season_problems(db)

    matches = Counter(str(s) for (s,) in _rows(db, "SELECT status FROM matches"))
    found.checks.append(
        Check("every match finished", set(matches) == {"finished"}, _counts(matches))
    )

    pairs = _rows(db, _PAIRS)
    predicted = sum(1 for _, _, made, _ in pairs if made)
    terminal = Counter(str(code) for _, _, made, code in pairs if not made and code)
    neither = [(m, f) for m, f, made, code in pairs if not made and not code]
    could = len(pairs) - sum(terminal.values())
    coverage = 100 * predicted / could if could else 0.0
    found.checks.append(
        Check(
            "coverage of (match, forecaster) pairs that could be predicted",
            not neither and predicted == could and could > 0,
            f"{coverage:.2f}% ({predicted:,} of {could:,}); terminal failures with a reason:"
            f" {sum(terminal.values())} ({_counts(terminal)}); neither: {len(neither)}"
            f" {neither[:5]}",
        )
    )

    duplicates = _one(
        db,
        "SELECT count(*) FROM (SELECT 1 FROM predictions GROUP BY match_id, forecaster_id"
        " HAVING count(*) > 1) d",
    )
    found.checks.append(Check("duplicate predictions", duplicates == 0, str(duplicates)))
    double = [p for p in problems if "settlement" in p]
    settled = _one(db, "SELECT count(*) FROM settlements WHERE superseded_at IS NULL")
    found.checks.append(
        Check(
            "double settlements",
            not double,
            f"{len(double)} {double[:2]}; {settled} matches settled once",
        )
    )
    scored = _one(
        db,
        "SELECT count(*) FROM settlement_scores ss JOIN settlements s ON s.id = ss.settlement_id"
        " WHERE s.superseded_at IS NULL",
    )
    wrong = [p for p in problems if "recomputation" in p]
    found.checks.append(
        Check(
            "stored points = independent recomputation",
            not wrong and scored == predicted,
            f"{scored:,} stored points, {'0 differ' if not wrong else wrong[0]}",
        )
    )
    snapshots = snapshot_problems(db)
    built = _one(db, "SELECT count(*) FROM analysis_snapshots")
    found.checks.append(
        Check(
            "snapshots: none lacks a result known before its as_of, none holds a later fact",
            not snapshots,
            f"{len(snapshots)} of {built:,} {snapshots[:2]}",
        )
    )
    found.checks += _ledger(outcome)
    leftover = [p for p in problems if not ("settlement" in p or "recomputation" in p)]
    if leftover:
        found.checks.append(Check("season checks", False, "; ".join(leftover)))
    return found


def _ledger(outcome: Outcome) -> list[Check]:
    """Every failure accounted for: jobs, the ledger, each fault the providers answered, and
    each worker that died."""
    db, events = outcome.database, outcome.events
    checks = []
    jobs = Counter(str(s) for (s,) in _rows(db, "SELECT status FROM procrastinate_jobs"))
    unrecorded = _rows(db, _FAILED_JOBS_WITHOUT_RECORD)
    waiting = jobs["todo"] + jobs["doing"]
    checks.append(
        Check(
            "every failed job has a terminal failure with its reason; none left behind",
            not unrecorded and waiting == 0,
            f"jobs: {_counts(jobs)}; failed without a record: {len(unrecorded)} {unrecorded[:3]}",
        )
    )
    ledger = Counter(
        f"{stage}/{code}: {state}{' terminal' if terminal else ''}"
        for stage, code, state, terminal in _rows(
            db, "SELECT stage, error_code, state, terminal FROM failures"
        )
    )
    dangling = _rows(
        db,
        "SELECT stage, key, error_code FROM failures WHERE state IN ('open', 'retrying')"
        " AND NOT terminal",
    )
    checks.append(
        Check(
            "ledger: every failure resolved by a later success or terminal",
            not dangling,
            f"{_counts(ledger)}; open without a retry coming: {len(dangling)} {dangling[:3]}",
        )
    )
    checks.append(_faults(outcome))
    exits = events.unexpected_exits + [f"{n} stopped with {c}" for n, c in outcome.unclean_stops]
    checks.append(
        Check(
            "workers survive everything but SIGKILL",
            not exits,
            f"{len(exits)} exited by themselves {[e[:300] for e in exits[:2]]}",
        )
    )
    return checks


def _faults(outcome: Outcome) -> Check:
    """Each fault the fake providers answered belongs to a (match, model) pair that was
    predicted after all, or has a terminal failure with its reason, or whose model was paused."""
    db = outcome.database
    model_ids = {m.model: m.id for m in outcome.roster.models}
    teams = {
        (str(home), str(away)): int(str(match_id))
        for match_id, home, away in _rows(
            db,
            "SELECT m.id, h.name, a.name FROM matches m JOIN teams h ON h.id = m.home_team_id"
            " JOIN teams a ON a.id = m.away_team_id",
        )
    }
    state = {(int(str(m)), str(f)): (bool(made), code) for m, f, made, code in _rows(db, _PAIRS)}
    paused = {(int(str(m)), str(f)) for m, f in _rows(db, _PAUSED)}
    kinds: Counter[str] = Counter()
    ended: Counter[str] = Counter()
    unaccounted: list[str] = []
    pairs: set[tuple[int, str]] = set()
    for request in outcome.fake.stats().requests:
        if request.behaviour not in FAULTS:
            continue
        kinds[request.behaviour.value] += 1
        prompt = next((m["content"] for m in request.messages if m["role"] == "user"), "")
        teams_of = _MATCH.search(prompt)
        if teams_of is None or teams_of[1] == _PROBE_HOME:
            ended["probe"] += 1
            continue
        pair = (teams.get((teams_of[1], teams_of[2]), -1), model_ids.get(request.model, "?"))
        if pair in pairs:
            continue
        pairs.add(pair)
        made, code = state.get(pair, (False, None))
        if made:
            ended["predicted after a retry"] += 1
        elif code:
            ended[f"terminal {code}"] += 1
        elif pair in paused:
            ended["model paused"] += 1
        else:
            unaccounted.append(f"{pair}")
    return Check(
        "every injected provider fault accounted for",
        not unaccounted and sum(kinds.values()) > 0,
        f"{sum(kinds.values()):,} faults ({_counts(kinds)}) on {len(pairs):,} pairs:"
        f" {_counts(ended)}; unaccounted: {len(unaccounted)} {unaccounted[:5]}",
    )
