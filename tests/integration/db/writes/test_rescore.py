"""Set-based rescoring (issue 18, item 2) against the domain's rules, on every prediction of a
replayed season."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from factories import replay_settings
from footcast import demo
from footcast.db import Database
from footcast.db.tables import Competition, ScoringRule
from footcast.db.writes import competitions, rescore
from footcast.domain import scoring

# every score of a current settlement: prediction, actual score, frozen counts
_SCORED = """
SELECT sc.prediction_id, p.home_goals, p.away_goals, s.home_goals, s.away_goals,
       q.t_home, q.t_draw, q.t_away, sc.points
FROM settlement_scores sc JOIN settlements s ON s.id = sc.settlement_id
JOIN quota_snapshots q ON q.id = s.snapshot_id JOIN predictions p ON p.id = sc.prediction_id
WHERE s.superseded_at IS NULL
"""
LATER = datetime(2030, 1, 1, tzinfo=UTC)
KICKTIPP = scoring.QuotaRule(name="kicktipp-3-10", minimum=3, maximum=10)


@pytest.fixture
def season(database: Database) -> tuple[Database, int]:
    """A replayed 30-match season (10 forecasters with the consensus, retroactive predictions
    among them)."""
    asyncio.run(demo.run_season(database, replay_settings(), standins=2, workers=2))
    with database.transaction() as session:
        session.execute(
            sa.insert(ScoringRule).values(
                name=KICKTIPP.name, kind=KICKTIPP.kind, params=KICKTIPP.params()
            )
        )
        competition_id = session.execute(sa.select(Competition.id)).scalar_one()
    return database, competition_id


def _expected(database: Database, rule: scoring.Rule) -> dict[int, int]:
    """The domain's points of every scored prediction under ``rule``, with the same frozen
    counts."""
    expected = {}
    with database.engine.connect() as connection:
        for pid, ph, pa, ah, aa, th, td, ta, _ in connection.execute(sa.text(_SCORED)):
            counts = scoring.TendencyCounts(home=th, draw=td, away=ta)
            expected[pid] = rule.points(
                scoring.Score(home=ph, away=pa), scoring.Score(home=ah, away=aa),
                rule.quotas(counts),
            )  # fmt: skip
    return expected


@pytest.mark.parametrize("rule", [scoring.StandardRule(), KICKTIPP], ids=lambda r: r.name)
def test_set_based_points_equal_the_domain_on_every_prediction(
    season: tuple[Database, int], rule: scoring.Rule
) -> None:
    database, competition_id = season
    expected = _expected(database, rule)
    assert len(expected) >= 30 * 10

    with database.transaction() as session:
        assert rescore.points_under(session, competition_id, rule) == expected


def test_apply_writes_those_points_as_a_new_revision(season: tuple[Database, int]) -> None:
    database, competition_id = season
    expected = _expected(database, KICKTIPP)
    with database.transaction() as session:
        planned = rescore.totals(session, competition_id, KICKTIPP)
        before = {c.forecaster: c.before for c in planned}
        applied = rescore.apply(session, competition_id, KICKTIPP, now=LATER, actor="test")
        competitions.set_rule(session, competition_id, KICKTIPP.name)

    with database.engine.connect() as connection:
        stored = {row[0]: row[-1] for row in connection.execute(sa.text(_SCORED))}
        # each current revision follows the one it supersedes (a corrected score made some 2)
        revisions = connection.execute(
            sa.text(
                "SELECT s.reason, q.rule_name, s.revision = 1 + (SELECT max(o.revision)"
                "  FROM settlements o WHERE o.match_id = s.match_id AND o.id <> s.id), count(*)"
                " FROM settlements s JOIN quota_snapshots q ON q.id = s.snapshot_id"
                " WHERE s.superseded_at IS NULL GROUP BY 1, 2, 3"
            )
        ).all()
    assert applied.matches == 30
    assert applied.changes == planned  # its totals, from the staged quotas, are the dry run's
    assert stored == expected
    assert revisions == [("rule quota-v1 → kicktipp-3-10", "kicktipp-3-10", True, 30)]
    with database.transaction() as session:
        # applied once, there is nothing left to rescore; the old totals are the old revisions'
        assert rescore.totals(session, competition_id, KICKTIPP) == []
        old = session.execute(
            sa.text(
                "SELECT f.name, sum(sc.points) FROM settlement_scores sc"
                " JOIN settlements s ON s.id = sc.settlement_id"
                " JOIN forecasters f ON f.id = sc.forecaster_id"
                " WHERE s.superseded_at = :later GROUP BY f.name"
            ),
            {"later": LATER},
        ).all()
    assert dict(old) == before
