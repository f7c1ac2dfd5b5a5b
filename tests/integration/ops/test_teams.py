"""Keeping canonical teams as an operator: aliases and merges, each in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from footcast import errors
from footcast.db import Database
from footcast.db.tables import Match, Team
from footcast.db.writes import matches, snapshots
from footcast.domain.fixture import Fixture
from footcast.domain.names import MatchStatus
from footcast.ops import teams

NOW = datetime(2025, 8, 1, tzinfo=UTC)
AuditLog = Callable[[], list[tuple[str, str, str | None, dict[str, Any]]]]


def _result(n: int, home: str, away: str, source: str) -> Fixture:
    return Fixture(
        external_id=str(n), competition="E1", competition_name="Championship", season="2024-25",
        round=None, home=home, away=away, kickoff=NOW - timedelta(days=30 - n),
        status=MatchStatus.FINISHED, home_goals=n % 3, away_goals=1,
    )  # fmt: skip


@pytest.fixture
def renamed(database: Database) -> Database:
    """A club two sources name beyond the catalogue: "Caldermoor Rvs" and "Caldermoor Rovers"."""
    with database.transaction() as session:
        matches.sync_fixtures(
            session, "football-data",
            [_result(1, "Caldermoor Rovers", "Leeds", "football-data"),
             _result(2, "Hull", "Caldermoor Rovers", "football-data")], now=NOW,
        )  # fmt: skip
        matches.sync_fixtures(
            session, "openfootball",
            [_result(3, "Caldermoor Rvs", "Hull City AFC", "openfootball")], now=NOW,
        )  # fmt: skip
    return database


def _teams(database: Database) -> set[str]:
    with database.transaction() as session:
        return set(session.execute(sa.select(Team.name)).scalars())


def test_merge_moves_every_match_keeps_history_and_is_audited(
    renamed: Database, audit_log: AuditLog
) -> None:
    assert {"Caldermoor Rovers", "Caldermoor Rvs"} <= _teams(renamed)

    merged = teams.merge(renamed, "Caldermoor Rvs", "Caldermoor Rovers", now=NOW, actor="ops")

    assert len(merged.matches) == 1
    assert "Caldermoor Rvs" not in _teams(renamed)
    with renamed.transaction() as session:
        competition = session.execute(sa.select(Match.competition_id)).scalars().first()
        assert competition is not None
        history = snapshots.history(
            session, competition_id=competition, as_of=NOW, known_after=timedelta(hours=3),
            window=timedelta(days=365),
        )  # fmt: skip
    played = [p for p in history if "Caldermoor Rovers" in (p.home, p.away)]
    assert len(played) == 3  # both sources' results, under one name
    ((actor, action, target, details),) = audit_log()
    assert (actor, action, target) == ("ops", "team.merge", f"team:{merged.kept.id}")
    assert details["from"] == {"id": merged.gone.id, "name": "Caldermoor Rvs"}
    assert details["matches"] == list(merged.matches)
    assert details["aliases"] == [["openfootball", "Caldermoor Rvs"]]


def test_a_refused_merge_changes_nothing_and_is_not_audited(
    renamed: Database, audit_log: AuditLog
) -> None:
    before = _teams(renamed)
    with pytest.raises(errors.Conflict, match="play each other"):
        teams.merge(renamed, "Leeds", "Caldermoor Rovers", now=NOW, actor="ops")
    with pytest.raises(errors.NotFound, match="Atlantis"):
        teams.merge(renamed, "Atlantis", "Caldermoor Rovers", now=NOW, actor="ops")
    assert _teams(renamed) == before
    assert audit_log() == []


def test_an_alias_is_audited_once_and_files_the_next_import(
    renamed: Database, audit_log: AuditLog
) -> None:
    change = teams.add_alias(
        renamed, "Caldermoor Rovers", source="api-football", name="Caldermoor", now=NOW, actor="ops"
    )
    again = teams.add_alias(
        renamed, "Caldermoor Rovers", source="api-football", name="Caldermoor", now=NOW, actor="ops"
    )
    assert (change.changed, again.changed) == (True, False)
    with renamed.transaction() as session:
        stored = matches.sync_fixtures(
            session, "api-football", [_result(9, "Caldermoor", "Leeds", "api-football")], now=NOW
        )
        home = session.execute(sa.select(Match.home_team_id).where(Match.id == stored["9"]))
        assert home.scalar_one() == change.team.id
    assert [(a, t) for _, a, t, _ in audit_log()] == [("team.alias", f"team:{change.team.id}")]
    with pytest.raises(errors.InvalidInput, match="needs a source and a name"):
        teams.add_alias(renamed, "Leeds", source=" ", name="x", now=NOW, actor="ops")
