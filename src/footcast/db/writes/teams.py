"""Canonical teams: the one resolver from what a source calls a team to its team row, its
aliases, and merging two rows that are one club.

Every path that stores a match (file imports, fixture syncs, the tests' factories) gets its team
ids here. A name is looked up in order: the source's API-Football team id (``api_football``,
``teams.api_football_id``); the alias stored for (source, name); the shipped catalogue
(``footcast.domain.clubs``), whose club is found again under its canonical name or any of its
aliases; a team of that very name. An unknown name becomes a new canonical team. Whatever way it
was found, (source, name) is stored as an alias, so the next look-up is one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast import errors
from footcast.db.tables import Lineup, Match, Team, TeamAlias
from footcast.domain import clubs

__all__ = [
    "Merged",
    "TeamRow",
    "add_alias",
    "find",
    "listing",
    "merge",
    "resolve",
    "resolve_many",
]


@dataclass(frozen=True, kw_only=True)
class TeamRow:
    id: int
    name: str
    country: str | None
    api_football_id: int | None
    aliases: tuple[tuple[str, str], ...] = ()  # (source, name)
    matches: int = 0


@dataclass(frozen=True, kw_only=True)
class Merged:
    """What a merge moved onto the kept team."""

    kept: TeamRow
    gone: TeamRow
    matches: tuple[int, ...]
    lineups: int
    aliases: tuple[tuple[str, str], ...]


def resolve_many(
    session: Session,
    source: str,
    named: Iterable[tuple[str, int | None]],
    *,
    catalogue: clubs.Catalogue | None = None,
) -> dict[str, int]:
    """Canonical team ids of (name, API-Football id or None) pairs ``source`` gave, by name."""
    wanted = dict(named)
    if not wanted:
        return {}
    known: dict[str, int] = {}
    ids = {i for i in wanted.values() if i is not None}
    if ids:
        by_id = dict(
            session.execute(
                sa.select(Team.api_football_id, Team.id).where(Team.api_football_id.in_(ids))
            ).all()
        )
        known = {n: by_id[i] for n, i in wanted.items() if i in by_id}
    stored: dict[str, int] = {}
    aliased: dict[str, int] = {}
    for name, team_id, team_api_id in session.execute(
        sa.select(TeamAlias.name, TeamAlias.team_id, Team.api_football_id)
        .join(Team, Team.id == TeamAlias.team_id)
        .where(TeamAlias.source == source, TeamAlias.name.in_(list(wanted)))
    ):
        stored[name] = team_id
        if None in (wanted[name], team_api_id) or wanted[name] == team_api_id:
            aliased[name] = team_id  # (an alias of a team the provider numbers otherwise is not)
    for name in sorted(wanted):
        if name in known:
            if stored.get(name) != known[name]:
                _alias(session, source, name, known[name])
        elif name in aliased:
            known[name] = aliased[name]
            _claim_id(session, known[name], wanted[name])
        else:
            known[name] = _resolve_new(session, source, name, wanted[name], catalogue)
    return known


def resolve(
    session: Session,
    source: str,
    name: str,
    *,
    api_football: int | None = None,
    catalogue: clubs.Catalogue | None = None,
) -> int:
    """The canonical team id of the team ``source`` calls ``name``."""
    return resolve_many(session, source, [(name, api_football)], catalogue=catalogue)[name]


def _resolve_new(
    session: Session,
    source: str,
    name: str,
    api_football: int | None,
    catalogue: clubs.Catalogue | None,
) -> int:
    """A name this source never gave before: find its team, or create it; store the alias."""
    club = (catalogue or clubs.catalogue()).club(source, name, api_football=api_football)
    team_id: int | None
    if club is not None:
        team_id = _find_club(session, club)
        if team_id is None:
            team_id = _create(session, club.name, club.country, club.api_football or api_football)
    else:
        # the very name, from any source; not a team API-Football knows by another id
        other_id = sa.and_(Team.api_football_id.is_not(None), Team.api_football_id != api_football)
        unlike = other_id if api_football is not None else sa.false()
        team_id = session.execute(sa.select(Team.id).where(Team.name == name, ~unlike)).scalar()
        if team_id is None:
            others = set(
                session.execute(
                    sa.select(TeamAlias.team_id)
                    .join(Team, Team.id == TeamAlias.team_id)
                    .where(TeamAlias.name == name, ~unlike)
                ).scalars()
            )
            team_id = others.pop() if len(others) == 1 else None
        if team_id is None:
            taken = session.execute(sa.select(Team.id).where(Team.name == name)).scalar()
            own = name if taken is None else f"{name} ({source} {api_football})"
            team_id = _create(session, own, None, api_football)
    _alias(session, source, name, team_id)
    _claim_id(session, team_id, api_football)
    return team_id


def _find_club(session: Session, club: clubs.Club) -> int | None:
    """The stored team of a catalogue club: by its id, its canonical name, or an alias."""
    if club.api_football is not None:
        found = session.execute(
            sa.select(Team.id).where(Team.api_football_id == club.api_football)
        ).scalar()
        if found is not None:
            return int(found)
    found = session.execute(sa.select(Team.id).where(Team.name == club.name)).scalar()
    if found is not None:
        return int(found)
    if club.aliases:
        found = session.execute(
            sa.select(TeamAlias.team_id)
            .where(sa.tuple_(TeamAlias.source, TeamAlias.name).in_(list(club.aliases)))
            .order_by(TeamAlias.created_at)
            .limit(1)
        ).scalar()
    return None if found is None else int(found)


def _create(session: Session, name: str, country: str | None, api_football: int | None) -> int:
    taken = (
        api_football is not None
        and session.execute(sa.select(Team.id).where(Team.api_football_id == api_football)).scalar()
    )
    stmt = insert(Team).values(
        name=name, country=country, api_football_id=None if taken else api_football
    )
    stmt = stmt.on_conflict_do_update(index_elements=[Team.name], set_={"name": name})
    return int(session.execute(stmt.returning(Team.id)).scalar_one())


def _alias(session: Session, source: str, name: str, team_id: int) -> None:
    stmt = insert(TeamAlias).values(source=source, name=name, team_id=team_id)
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=[TeamAlias.source, TeamAlias.name], set_={"team_id": team_id}
        )
    )


def _claim_id(session: Session, team_id: int, api_football: int | None) -> None:
    """Give the team the API-Football id a source names it by, unless it or another has one."""
    if api_football is None:
        return
    session.execute(
        sa.update(Team)
        .where(
            Team.id == team_id,
            Team.api_football_id.is_(None),
            ~sa.exists().where(Team.api_football_id == api_football),
        )
        .values(api_football_id=api_football)
    )


def listing(session: Session) -> list[TeamRow]:
    """Every canonical team by name, with its aliases and how many matches it plays in."""
    aliases: dict[int, list[tuple[str, str]]] = {}
    for team_id, source, name in session.execute(
        sa.select(TeamAlias.team_id, TeamAlias.source, TeamAlias.name).order_by(
            TeamAlias.source, TeamAlias.name
        )
    ):
        aliases.setdefault(team_id, []).append((source, name))
    played = (
        sa.select(sa.func.count())
        .select_from(Match)
        .where(sa.or_(Match.home_team_id == Team.id, Match.away_team_id == Team.id))
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(Team.id, Team.name, Team.country, Team.api_football_id, played).order_by(
            Team.name
        )
    )
    return [
        TeamRow(
            id=row[0],
            name=row[1],
            country=row[2],
            api_football_id=row[3],
            aliases=tuple(aliases.get(row[0], ())),
            matches=int(row[4]),
        )
        for row in rows
    ]


def find(session: Session, ref: str) -> TeamRow:
    """The team ``ref`` names: its id, its canonical name, or an alias of one team only.

    Raises:
        NotFound: no team goes by ``ref``.
        Conflict: ``ref`` is an alias of several teams.
    """
    ref = ref.strip()
    stmt = sa.select(Team.id).where(Team.name == ref)
    if ref.isdigit():
        stmt = sa.select(Team.id).where(Team.id == int(ref))
    found = set(session.execute(stmt).scalars())
    if not found:
        found = set(
            session.execute(sa.select(TeamAlias.team_id).where(TeamAlias.name == ref)).scalars()
        )
    if not found:
        raise errors.NotFound(
            f"no team is called {ref!r} (by id, canonical name or alias); see `teams list`",
            team=ref,
        )
    if len(found) > 1:
        raise errors.Conflict(
            f"{ref!r} is an alias of {len(found)} teams (ids {sorted(found)}); name one by id",
            team=ref,
        )
    return _row(session, found.pop())


def _row(session: Session, team_id: int) -> TeamRow:
    return next(row for row in listing(session) if row.id == team_id)


def add_alias(session: Session, team: TeamRow, *, source: str, name: str) -> bool:
    """Make ``name`` what ``source`` calls ``team``; False when it already was.

    Raises:
        Conflict: the alias belongs to another team (merge the two teams instead).
    """
    owner = session.execute(
        sa.select(TeamAlias.team_id).where(TeamAlias.source == source, TeamAlias.name == name)
    ).scalar()
    if owner == team.id:
        return False
    if owner is not None:
        raise errors.Conflict(
            f"{source} name {name!r} is an alias of team {owner}; to make them one team,"
            f" merge team {owner} into {team.id} (`teams merge`)",
            team=team.id,
        )
    _alias(session, source, name, team.id)
    return True


def merge(session: Session, gone: TeamRow, kept: TeamRow) -> Merged:
    """Move everything of team ``gone`` onto ``kept`` (matches, lineups, aliases, its name as an
    alias, its API-Football id when ``kept`` has none), then delete ``gone``.

    Raises:
        Conflict: the two are the same team, or play each other in a stored match.
    """
    if gone.id == kept.id:
        raise errors.Conflict(f"team {gone.id} can not be merged into itself", team=gone.id)
    both = (gone.id, kept.id)
    shared = list(
        session.execute(
            sa.select(Match.id).where(Match.home_team_id.in_(both), Match.away_team_id.in_(both))
        ).scalars()
    )
    if shared:
        raise errors.Conflict(
            f"{gone.name} and {kept.name} play each other in match(es) {shared}: they are two"
            " teams, nothing merged",
            team=gone.id,
        )
    moved = tuple(
        session.execute(
            sa.select(Match.id)
            .where(sa.or_(Match.home_team_id == gone.id, Match.away_team_id == gone.id))
            .order_by(Match.id)
        ).scalars()
    )
    session.execute(
        sa.update(Match).where(Match.home_team_id == gone.id).values(home_team_id=kept.id)
    )
    session.execute(
        sa.update(Match).where(Match.away_team_id == gone.id).values(away_team_id=kept.id)
    )
    lineups = session.execute(
        sa.update(Lineup).where(Lineup.team_id == gone.id).values(team_id=kept.id)
    )
    session.execute(
        sa.update(TeamAlias).where(TeamAlias.team_id == gone.id).values(team_id=kept.id)
    )
    session.execute(sa.delete(Team).where(Team.id == gone.id))
    for source in {s for s, _ in gone.aliases} or {"footcast"}:
        session.execute(
            insert(TeamAlias)
            .values(source=source, name=gone.name, team_id=kept.id)
            .on_conflict_do_nothing()
        )
    _claim_id(session, kept.id, gone.api_football_id)
    return Merged(
        kept=_row(session, kept.id),
        gone=gone,
        matches=moved,
        lineups=int(lineups.rowcount),  # type: ignore[attr-defined]
        aliases=gone.aliases,
    )
