"""Settle 10,000 finished matches × 42 predictions on the embedded server, and compare.

Prints predictions scored per second by the settlement service (one transaction per match) and
the ratio against a set-based SQL recomputation of the same points in the same run; then checks
that both computations agree on every prediction. Then rescores the competition under another
rule version with the same parameters, set-based (``db.writes.rescore``, what `footcast rescore`
and `competitions set-rule` run: new revisions, kept leaderboard totals), prints its rate and its
ratio to the plain SQL recomputation, and checks the new revisions' points against it again.
Targets: service ≥ 10,000 predictions/s and ratio ≥ 0.3; rescore ratio ≥ 0.3.

    .venv/bin/python benchmarks/settlement.py [--matches 10000] [--forecasters 42]
"""

from __future__ import annotations

import argparse
import io
import random
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from _checks import Checks
from footcast.clock import SimulatedClock
from footcast.config import load_settings
from footcast.db import Database, connect, engine
from footcast.db.tables import ScoringRule
from footcast.db.writes import rescore
from footcast.domain import scoring
from footcast.pipeline import settlement

START = datetime(2020, 1, 1, 15, 0, tzinfo=UTC)

# quota-v1 in integer arithmetic: round_half_up(6n/(10t) - 0.6 + 2) = floor((6n + 19t) / (10t))
RECOMPUTE = """
CREATE TEMP TABLE recomputed AS
WITH counts AS (
    SELECT match_id, count(*) AS n,
           count(*) FILTER (WHERE home_goals > away_goals) AS th,
           count(*) FILTER (WHERE home_goals = away_goals) AS td,
           count(*) FILTER (WHERE home_goals < away_goals) AS ta
    FROM predictions WHERE NOT retroactive GROUP BY match_id
), quotas AS (
    SELECT match_id,
           CASE WHEN th = 0 THEN 6 ELSE least(6, greatest(2, (6 * n + 19 * th) / (10 * th))) END AS qh,
           CASE WHEN td = 0 THEN 6 ELSE least(6, greatest(2, (6 * n + 19 * td) / (10 * td))) END AS qd,
           CASE WHEN ta = 0 THEN 6 ELSE least(6, greatest(2, (6 * n + 19 * ta) / (10 * ta))) END AS qa
    FROM counts
)
SELECT p.id AS prediction_id,
       CASE
         WHEN sign(p.home_goals - p.away_goals) <> sign(m.home_goals - m.away_goals) THEN 0
         ELSE CASE sign(m.home_goals - m.away_goals) WHEN 1 THEN q.qh WHEN 0 THEN q.qd ELSE q.qa END
              + CASE WHEN p.home_goals - p.away_goals = m.home_goals - m.away_goals THEN 1 ELSE 0 END
              + CASE WHEN p.home_goals = m.home_goals AND p.away_goals = m.away_goals
                     THEN 3 ELSE 0 END
       END AS points
FROM predictions p
JOIN matches m ON m.id = p.match_id
JOIN quotas q ON q.match_id = p.match_id
"""

DISAGREEMENTS = """
SELECT count(*) FROM recomputed r
FULL JOIN (SELECT sc.prediction_id, sc.points FROM settlement_scores sc
           JOIN settlements x ON x.id = sc.settlement_id WHERE x.superseded_at IS NULL) s
  ON s.prediction_id = r.prediction_id
WHERE s.points IS DISTINCT FROM r.points
"""
# quota-v1's parameters under another name: a rescore that must give the very same points
COPY_RULE = scoring.QuotaRule(name="quota-v1-copy")


def _copy(database: Database, table: str, columns: str, rows: list[str]) -> None:
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            copy.write("".join(rows))
        raw.commit()
    finally:
        raw.close()


def seed(database: Database, *, matches: int, forecasters: int, rng: random.Random) -> None:
    """Finished matches with scores and on-time predictions, loaded with COPY."""
    with database.transaction() as session:
        session.execute(sa.text("INSERT INTO competitions (code, name) VALUES ('BEN', 'Bench')"))
        session.execute(
            sa.text("INSERT INTO teams (name) SELECT 'Team ' || g FROM generate_series(1, 40) g")
        )
        session.execute(
            sa.text(
                "INSERT INTO forecasters (name, kind, active_from)"
                " SELECT 'model-' || g, 'llm', :start FROM generate_series(1, :n) g"
            ),
            {"start": START - timedelta(days=1), "n": forecasters},
        )
    match_rows, prediction_rows = io.StringIO(), []
    for i in range(1, matches + 1):
        kickoff = START + timedelta(hours=3 * i)
        home = rng.randrange(1, 41)
        away = home % 40 + 1
        match_rows.write(
            f"{i}\t1\t{home}\t{away}\tbench\tb{i}\t{kickoff.isoformat()}\t{kickoff.isoformat()}"
            f"\tfinished\t{rng.choice((0, 1, 1, 2, 2, 3))}\t{rng.choice((0, 0, 1, 1, 2))}\n"
        )
        created = (kickoff - timedelta(hours=1)).isoformat()
        for f in range(1, forecasters + 1):
            h, a = rng.choice((0, 1, 1, 2, 2, 3)), rng.choice((0, 1, 1, 2))
            prediction_rows.append(f"{i}\t{f}\t{h}\t{a}\t{created}\n")
    _copy(
        database,
        "matches",
        "id, competition_id, home_team_id, away_team_id, source, external_id, kickoff_at,"
        " prediction_deadline, status, home_goals, away_goals",
        [match_rows.getvalue()],
    )
    _copy(
        database,
        "predictions",
        "match_id, forecaster_id, home_goals, away_goals, created_at",
        prediction_rows,
    )
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(sa.text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--matches", type=int, default=10_000)
    parser.add_argument("--forecasters", type=int, default=42)
    parser.add_argument("--database", default="footcast_bench_settlement")
    args = parser.parse_args()

    settings = load_settings()
    url = engine.ensure_database(engine.server_url_of(settings), args.database, drop_first=True)
    database = connect(url)
    print(f"server: {engine.redact(url)}")
    t0 = time.perf_counter()
    seed(database, matches=args.matches, forecasters=args.forecasters, rng=random.Random(1))
    total = args.matches * args.forecasters
    print(f"seeded {args.matches:,} matches × {args.forecasters} = {total:,} predictions"
          f" in {time.perf_counter() - t0:.1f} s")  # fmt: skip

    clock = SimulatedClock(START + timedelta(hours=3 * args.matches + 3))
    t0 = time.perf_counter()
    results = settlement.settle_pending(database, clock, actor="bench")
    service_s = time.perf_counter() - t0
    scored = sum(r.scored for r in results)
    failed = [r for r in results if r.outcome is settlement.Outcome.FAILED]

    with database.transaction() as session:
        t0 = time.perf_counter()
        session.execute(sa.text(RECOMPUTE))
        sql_s = time.perf_counter() - t0
        disagreements = session.execute(sa.text(DISAGREEMENTS)).scalar_one()

    service_rate, sql_rate = scored / service_s, total / sql_s
    print(
        f"settlement service: {len(results):,} matches, {scored:,} predictions in {service_s:.2f} s"
        f" = {service_rate:,.0f} predictions/s ({1000 * service_s / len(results):.2f} ms/match)"
    )
    print(
        f"set-based SQL:      {total:,} predictions in {sql_s:.2f} s = {sql_rate:,.0f} predictions/s"
    )
    print(f"ratio service/SQL:  {service_rate / sql_rate:.3f}")
    print(f"disagreements between the two: {disagreements}; failed matches: {len(failed)}")

    with database.transaction() as session:
        session.execute(
            sa.insert(ScoringRule).values(
                name=COPY_RULE.name, kind=COPY_RULE.kind, params=COPY_RULE.params()
            )
        )
    with database.transaction() as session:
        t0 = time.perf_counter()
        rescored = rescore.apply(session, 1, COPY_RULE, now=clock.now(), actor="bench").matches
        rescore_s = time.perf_counter() - t0
    with database.transaction() as session:
        session.execute(sa.text("DROP TABLE IF EXISTS recomputed"))
        session.execute(sa.text(RECOMPUTE))
        after = session.execute(sa.text(DISAGREEMENTS)).scalar_one()
    rescore_rate = total / rescore_s
    ratio = rescore_rate / sql_rate
    print(
        f"set-based rescore:  {rescored:,} matches, {total:,} predictions in {rescore_s:.2f} s"
        f" = {rescore_rate:,.0f} predictions/s"
    )
    print(
        f"ratio rescore/SQL:  {ratio:.3f}   (target ≥ 0.3: {'met' if ratio >= 0.3 else 'MISSED'})"
    )
    print(f"disagreements after the rescore: {after}")
    database.dispose()
    checks = Checks()
    checks.check("settlement rate", f"{service_rate:,.0f} predictions/s", "≥ 10,000",
                 service_rate >= 10_000)  # fmt: skip
    checks.check("agreement with the SQL recomputation",
                 f"{disagreements} disagreements, {len(failed)} failed matches,"
                 f" {scored:,} of {total:,} scored", "all agree, all scored",
                 not disagreements and not failed and scored == total)  # fmt: skip
    checks.check("ratio set-based rescore/SQL", f"{ratio:.3f}", "≥ 0.3", ratio >= 0.3)
    checks.check("rescore agrees with the SQL recomputation",
                 f"{after} disagreements, {rescored:,} of {args.matches:,} matches",
                 "all agree, all rescored", not after and rescored == args.matches)  # fmt: skip
    checks.exit()


if __name__ == "__main__":
    main()
