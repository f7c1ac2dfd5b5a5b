"""Canonical teams as an operator keeps them: list them, add what a source calls one, merge two
rows that are one club. Each change is one transaction and one audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from footcast import errors
from footcast.db import Database
from footcast.db.writes import audit, teams

__all__ = ["AliasChange", "add_alias", "listing", "merge"]


@dataclass(frozen=True, kw_only=True)
class AliasChange:
    """What adding an alias did: ``changed`` is False when the team had it already."""

    team: teams.TeamRow
    source: str
    name: str
    changed: bool


def listing(database: Database) -> list[teams.TeamRow]:
    """Every canonical team by name, with its aliases by source and its matches."""
    with database.transaction() as session:
        return teams.listing(session)


def add_alias(
    database: Database, team: str, *, source: str, name: str, now: datetime, actor: str
) -> AliasChange:
    """Make ``name`` what ``source`` calls ``team`` (an id, canonical name or alias), so the next
    import or sync from ``source`` files that name under it.

    Raises:
        InvalidInput: the source or the name is empty.
        NotFound: no such team.
        Conflict: ``team`` is ambiguous, or the alias belongs to another team (merge instead).
    """
    source, name = source.strip(), name.strip()
    if not source or not name:
        raise errors.InvalidInput(
            f"an alias needs a source and a name, got source={source!r} name={name!r}"
        )
    with database.transaction() as session:
        found = teams.find(session, team)
        changed = teams.add_alias(session, found, source=source, name=name)
        if changed:
            audit.record(
                session,
                actor=actor,
                action="team.alias",
                target=f"team:{found.id}",
                now=now,
                details={"team": found.name, "source": source, "name": name},
            )
    return AliasChange(team=found, source=source, name=name, changed=changed)


def merge(database: Database, gone: str, kept: str, *, now: datetime, actor: str) -> teams.Merged:
    """Make team ``gone`` part of team ``kept``: its matches, lineups and aliases move to
    ``kept`` (its name becomes an alias) and its row is deleted. Results, predictions and
    snapshots stay as they were, so history now counts for ``kept``.

    Raises:
        NotFound: no such team.
        Conflict: a name is ambiguous, both are the same team, or they play each other.
    """
    with database.transaction() as session:
        merged = teams.merge(session, teams.find(session, gone), teams.find(session, kept))
        audit.record(
            session,
            actor=actor,
            action="team.merge",
            target=f"team:{merged.kept.id}",
            now=now,
            details={
                "from": {"id": merged.gone.id, "name": merged.gone.name},
                "into": {"id": merged.kept.id, "name": merged.kept.name},
                "matches": list(merged.matches),
                "lineups": merged.lineups,
                "aliases": [list(a) for a in merged.aliases],
                "api_football_id": merged.gone.api_football_id,
            },
        )
    return merged
