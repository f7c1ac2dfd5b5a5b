"""Choosing a competition's rule: settled matches get a new revision, the old ones stay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from factories import World
from footcast import errors
from footcast.db import Database
from footcast.db.tables import (
    AuditEntry,
    Competition,
    CompetitionAlias,
    Forecaster,
    Match,
    QuotaSnapshot,
    Season,
    Settlement,
    SettlementScore,
)
from footcast.db.writes import matches, snapshots
from footcast.domain.fixture import Fixture
from footcast.domain.names import MatchStatus
from footcast.ops import competitions
from footcast.pipeline import settlement


def _points(database: Database, match_id: int) -> dict[str, int]:
    """Current points per forecaster name."""
    with database.transaction() as session:
        rows = session.execute(
            sa.select(Forecaster.name, SettlementScore.points)
            .join(Settlement, Settlement.id == SettlementScore.settlement_id)
            .join(Forecaster, Forecaster.id == SettlementScore.forecaster_id)
            .where(Settlement.match_id == match_id, Settlement.superseded_at.is_(None))
        )
        return {name: points for name, points in rows}


def _revisions(database: Database, match_id: int) -> list[tuple[int, bool, str, str]]:
    """(revision, superseded, reason, rule of its snapshot) of every revision, oldest first."""
    with database.transaction() as session:
        rows = session.execute(
            sa.select(
                Settlement.revision,
                Settlement.superseded_at.is_not(None),
                Settlement.reason,
                QuotaSnapshot.rule_name,
            )
            .join(QuotaSnapshot, QuotaSnapshot.id == Settlement.snapshot_id)
            .where(Settlement.match_id == match_id)
            .order_by(Settlement.revision)
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]


def _played(world: World, picks: dict[str, str], final: str, *, competition: str = "TST") -> int:
    match_id = world.match(competition=competition, kickoff=world.clock.now() + timedelta(hours=1))
    for name, pick in picks.items():
        world.predict(match_id, name, pick)
    world.clock.advance(timedelta(hours=3))
    world.finish(match_id, final)
    return match_id


def _settle(world: World, match_id: int) -> settlement.SettlementResult:
    with world.database.transaction() as session:
        return settlement.settle_match(session, world.clock, match_id)


PICKS = {"a": "2:1", "b": "3:2", "c": "3:0", "d": "0:0", "e": "1:1"}  # H 3, D 2, A 0 of 5


def test_set_rule_resettles_settled_matches_as_a_new_revision(world: World) -> None:
    world.forecasters(*PICKS, "late")
    home_win = _played(world, PICKS, "2:1")
    draw = _played(world, PICKS, "1:1")
    other = _played(world, PICKS, "2:1", competition="OTH")
    for match_id in (home_win, draw, other):
        _settle(world, match_id)
    # quota-v1, N 5: H 3 -> 6*5/30 - 0.6 + 2 = 2.4 -> 2; D 2 -> 2.9 -> 3
    assert _points(world.database, home_win) == {"a": 6, "b": 3, "c": 2, "d": 0, "e": 0}
    assert _points(world.database, draw) == {"a": 0, "b": 0, "c": 0, "d": 4, "e": 7}
    assert world.predict(draw, "late", "1:1").retroactive  # stored after settlement
    unsettled = _played(world, PICKS, "3:0")
    world.clock.advance(timedelta(days=1))

    change = competitions.set_rule(
        world.database, world.clock, code="TST", rule="standard-v1", actor="cli:ops"
    )

    assert (change.old_rule, change.new_rule, change.changed) == ("quota-v1", "standard-v1", True)
    assert sorted(change.resettled) == [home_win, draw]
    # a: 2:1 exact in the home win (6 -> 4), e: 1:1 exact in the draw (7 -> 4), d: 0:0 (4 -> 2)
    assert {c.forecaster: (c.before, c.after) for c in change.changes} == {
        "a": (6, 4), "b": (3, 3), "c": (2, 2), "d": (4, 2), "e": (7, 4),
    }  # fmt: skip
    # standard-v1 (SCORING.md §2): exact 4, goal difference 3, tendency 2; a draw: exact 4, else 2
    assert _points(world.database, home_win) == {"a": 4, "b": 3, "c": 2, "d": 0, "e": 0}
    assert _points(world.database, draw) == {"a": 0, "b": 0, "c": 0, "d": 2, "e": 4, "late": 4}
    for match_id in (home_win, draw):
        assert _revisions(world.database, match_id) == [
            (1, True, "final score", "quota-v1"),
            (2, False, "rule quota-v1 → standard-v1", "standard-v1"),
        ]
    assert _revisions(world.database, other) == [(1, False, "final score", "quota-v1")]
    with world.database.transaction() as session:
        snapshots = session.execute(
            sa.select(QuotaSnapshot.rule_name, QuotaSnapshot.prediction_ids, QuotaSnapshot.n)
            .where(QuotaSnapshot.match_id == draw)
            .order_by(QuotaSnapshot.id)
        ).all()
        (entry,) = session.execute(sa.select(AuditEntry)).scalars()
    (old, new) = snapshots
    assert (old.rule_name, new.rule_name) == ("quota-v1", "standard-v1")
    assert (new.prediction_ids, new.n) == (old.prediction_ids, 5)  # the same frozen set
    assert (entry.actor, entry.action, entry.target, entry.at) == (
        "cli:ops", "competition.rule", "competition:TST", world.clock.now(),
    )  # fmt: skip
    assert entry.details["from"] == "quota-v1"
    assert entry.details["to"] == "standard-v1"

    # a match settled after the change is settled under the new rule, once
    assert _settle(world, unsettled).revision == 1
    assert _points(world.database, unsettled) == {"a": 2, "b": 2, "c": 4, "d": 0, "e": 0}
    assert _revisions(world.database, unsettled) == [(1, False, "final score", "standard-v1")]


def test_set_rule_to_the_current_rule_changes_nothing(world: World) -> None:
    world.forecasters(*PICKS)
    match_id = _played(world, PICKS, "2:1")
    _settle(world, match_id)

    change = competitions.set_rule(
        world.database, world.clock, code="TST", rule="quota-v1", actor="cli:ops"
    )

    assert (change.changed, change.resettled) == (False, ())
    assert _revisions(world.database, match_id) == [(1, False, "final score", "quota-v1")]
    with world.database.transaction() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_set_rule_unknown_competition_or_rule_is_refused(world: World) -> None:
    world.match(competition="TST")

    with pytest.raises(errors.NotFound, match=r"competition 'NOPE' does not exist.*TST"):
        competitions.set_rule(world.database, world.clock, code="NOPE", rule="x", actor="t")
    with pytest.raises(
        errors.NotFound,
        match=r"scoring rule 'kicktipp' does not exist; known rules: quota-v1, standard-v1",
    ):
        competitions.set_rule(world.database, world.clock, code="TST", rule="kicktipp", actor="t")

    with world.database.transaction() as session:
        assert session.scalar(sa.select(Competition.scoring_rule)) == "quota-v1"


def test_set_rule_survives_the_next_fixture_sync(world: World) -> None:
    fixture = Fixture(
        external_id="1", competition="AF39", competition_name="Premier League", season="2025",
        round="Regular Season - 1", home="Arsenal", away="Chelsea",
        kickoff=world.clock.now() + timedelta(days=1), status=MatchStatus.SCHEDULED,
    )  # fmt: skip
    with world.database.transaction() as session:
        matches.sync_fixtures(session, "api-football", [fixture], now=world.clock.now())
    competitions.set_rule(world.database, world.clock, code="AF39", rule="standard-v1", actor="t")

    with world.database.transaction() as session:  # what the fixtures stage does every run
        matches.sync_fixtures(session, "api-football", [fixture], now=world.clock.now())

    with world.database.transaction() as session:
        assert session.scalar(sa.select(Competition.scoring_rule)) == "standard-v1"


def _split_premier_league(world: World) -> None:
    """A database from before canonical competitions: football-data's E0 and API-Football's
    AF39 stored as two competitions (AF39 known by its own code only), one season label each
    and one shared ("2025")."""
    kickoff = world.clock.now() - timedelta(days=3)
    with world.database.transaction() as session:
        for code, source in (("E0", "football-data"), ("AF39", "api-football")):
            session.execute(sa.insert(Competition).values(code=code, name=f"Premier League {code}"))
            session.execute(
                sa.insert(CompetitionAlias).values(
                    source=source,
                    code=code,
                    competition_id=sa.select(Competition.id)
                    .where(Competition.code == code)
                    .scalar_subquery(),
                )
            )
        for n, (code, source, season) in enumerate(
            [("E0", "football-data", "2024-25"), ("E0", "football-data", "2025"),
             ("AF39", "api-football", "2025"), ("AF39", "api-football", "2026")]
        ):  # fmt: skip
            fixture = Fixture(
                external_id=str(n), competition=code, competition_name="Premier League",
                season=season, round=None, home="Arsenal", away=f"Club {n}",
                kickoff=kickoff + timedelta(hours=n), status=MatchStatus.FINISHED,
                home_goals=1, away_goals=0,
            )  # fmt: skip
            matches.sync_fixtures(session, source, [fixture], now=world.clock.now())


def test_merge_folds_a_source_s_competition_into_the_canonical_one(
    world: World, audit_log: Callable[[], list[tuple[str, str, str | None, dict[str, Any]]]]
) -> None:
    _split_premier_league(world)

    merged = competitions.merge(world.database, world.clock, gone="AF39", kept="E0", actor="ops")

    assert merged.matches == (3, 4)
    with world.database.transaction() as session:
        codes = list(session.execute(sa.select(Competition.code)).scalars())
        seasons = sorted(session.execute(sa.select(Season.label)).scalars())
        per_match = set(session.execute(sa.select(Match.competition_id)).scalars())
        history = snapshots.history(
            session, competition_id=per_match.pop(), as_of=world.clock.now(),
            known_after=timedelta(hours=3), window=timedelta(days=30),
        )  # fmt: skip
    assert codes == ["E0"]
    assert seasons == ["2024-25", "2025", "2026"]  # the shared label is one season now
    assert len(history) == 4
    fixture = Fixture(
        external_id="9", competition="AF39", competition_name="Premier League", season="2026",
        round=None, home="Arsenal", away="Chelsea", kickoff=world.clock.now() + timedelta(days=1),
        status=MatchStatus.SCHEDULED,
    )  # fmt: skip
    with world.database.transaction() as session:  # the next sync files AF39 under E0
        matches.sync_fixtures(session, "api-football", [fixture], now=world.clock.now())
        assert len(set(session.execute(sa.select(Match.competition_id)).scalars())) == 1
    ((actor, action, target, details),) = audit_log()
    assert (actor, action, target) == ("ops", "competition.merge", "competition:E0")
    assert details == {"from": "AF39", "into": "E0", "matches": [3, 4]}


def test_merge_refuses_competitions_with_different_rules(world: World) -> None:
    _split_premier_league(world)
    competitions.set_rule(world.database, world.clock, code="AF39", rule="standard-v1", actor="t")
    with pytest.raises(errors.Conflict, match="give them the same rule first"):
        competitions.merge(world.database, world.clock, gone="AF39", kept="E0", actor="ops")
    with pytest.raises(errors.Conflict, match="into itself"):
        competitions.merge(world.database, world.clock, gone="E0", kept="E0", actor="ops")
