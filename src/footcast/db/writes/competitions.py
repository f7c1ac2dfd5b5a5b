"""Competitions as operators see them: their scoring rule, matches and settled matches."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from footcast import errors
from footcast.db.tables import (
    Competition,
    CompetitionAlias,
    Match,
    ScoringRule,
    Season,
    Settlement,
)
from footcast.domain import clubs, scoring

__all__ = [
    "CompetitionRow",
    "listing",
    "lock_by_code",
    "merge",
    "resolve",
    "rule",
    "rule_names",
    "set_rule",
    "settled_match_ids",
]


@dataclass(frozen=True, kw_only=True)
class CompetitionRow:
    id: int
    code: str
    name: str
    rule: str
    matches: int = 0
    settled: int = 0


def listing(session: Session) -> list[CompetitionRow]:
    """Every competition by code, with its rule, its matches and how many are settled."""
    settled = sa.func.count(Match.id).filter(
        sa.exists().where(Settlement.match_id == Match.id, Settlement.superseded_at.is_(None))
    )
    stmt = (
        sa.select(
            Competition.id,
            Competition.code,
            Competition.name,
            Competition.scoring_rule,
            sa.func.count(Match.id),
            settled,
        )
        .outerjoin(Match, Match.competition_id == Competition.id)
        .group_by(Competition.id)
        .order_by(Competition.code)
    )
    return [
        CompetitionRow(
            id=row[0], code=row[1], name=row[2], rule=row[3], matches=row[4], settled=row[5]
        )
        for row in session.execute(stmt)
    ]


def lock_by_code(session: Session, code: str) -> CompetitionRow:
    """The competition ``code`` (its canonical code, or a source's code of it), row-locked until
    commit (matches and settled not counted).

    Raises:
        NotFound: no competition has this code.
    """
    columns = (Competition.id, Competition.code, Competition.name, Competition.scoring_rule)
    row = session.execute(
        sa.select(*columns).where(Competition.code == code).with_for_update()
    ).one_or_none()
    if row is None:  # a code a source uses for it (AF39 for E0), when only one has it
        aliased = session.execute(
            sa.select(*columns)
            .where(
                Competition.id.in_(
                    sa.select(CompetitionAlias.competition_id).where(CompetitionAlias.code == code)
                )
            )
            .with_for_update()
        ).all()
        row = aliased[0] if len(aliased) == 1 else None
    if row is None:
        known = session.execute(sa.select(Competition.code).order_by(Competition.code)).scalars()
        raise errors.NotFound(
            f"competition {code!r} does not exist; known competitions:"
            f" {', '.join(known) or 'none'}",
            competition=code,
        )
    return CompetitionRow(id=row[0], code=row[1], name=row[2], rule=row[3])


def rule_names(session: Session) -> list[str]:
    """The names of the stored scoring rules, sorted."""
    return list(session.execute(sa.select(ScoringRule.name).order_by(ScoringRule.name)).scalars())


def rule(session: Session, name: str) -> scoring.Rule:
    """The stored scoring rule ``name``.

    Raises:
        NotFound: no rule has this name (the message names the known ones).
    """
    found = session.get(ScoringRule, name)
    if found is None:
        raise errors.NotFound(
            f"scoring rule {name!r} does not exist; known rules: {', '.join(rule_names(session))}",
            rule=name,
        )
    return scoring.rule_from_params(name=found.name, kind=found.kind, params=found.params)


def set_rule(session: Session, competition_id: int, rule: str) -> None:
    session.execute(
        sa.update(Competition).where(Competition.id == competition_id).values(scoring_rule=rule)
    )


def settled_match_ids(session: Session, competition_id: int) -> list[int]:
    """The competition's matches with a current settlement revision, in kickoff order."""
    stmt = (
        sa.select(Match.id)
        .join(Settlement, Settlement.match_id == Match.id)
        .where(Match.competition_id == competition_id, Settlement.superseded_at.is_(None))
        .order_by(Match.kickoff_at, Match.id)
    )
    return list(session.execute(stmt).scalars())


def resolve(
    session: Session,
    source: str,
    *,
    code: str,
    name: str,
    catalogue: clubs.Catalogue | None = None,
) -> int:
    """The canonical competition ``source`` codes ``code`` (football-data's ``E0``,
    API-Football's ``AF39`` and openfootball's ``premier-league`` are one), created when new.

    Found by the alias stored for (source, code), else through the shipped catalogue (under the
    canonical code or any of its aliases), else by that very code. A competition that is this
    source's own (its code is ``code``) takes ``name``; a canonical one shared by several sources
    keeps its name. A new one gets the default scoring rule; a known one keeps its rule.
    """
    found = session.execute(
        sa.select(CompetitionAlias.competition_id).where(
            CompetitionAlias.source == source, CompetitionAlias.code == code
        )
    ).scalar()
    if found is None:
        league = (catalogue or clubs.catalogue()).league(source, code)
        if league is not None:
            found = _find_league(session, league)
            if found is None:
                found = _create(session, league.code, league.name, league.api_football)
        else:
            found = _create(session, code, name, None)
        session.execute(
            insert(CompetitionAlias)
            .values(source=source, code=code, competition_id=found)
            .on_conflict_do_nothing()
        )
    session.execute(
        sa.update(Competition)
        .where(Competition.id == found, Competition.code == code, Competition.name != name)
        .values(name=name)
    )
    return int(found)


def _find_league(session: Session, league: clubs.League) -> int | None:
    stmt = sa.select(Competition.id).where(Competition.code == league.code)
    if league.api_football is not None:
        stmt = sa.select(Competition.id).where(
            sa.or_(
                Competition.code == league.code, Competition.api_football_id == league.api_football
            )
        )
    found = session.execute(stmt.order_by(Competition.id).limit(1)).scalar()
    if found is None and league.aliases:
        found = session.execute(
            sa.select(CompetitionAlias.competition_id)
            .where(sa.tuple_(CompetitionAlias.source, CompetitionAlias.code).in_(league.aliases))
            .order_by(CompetitionAlias.created_at)
            .limit(1)
        ).scalar()
    return None if found is None else int(found)


def _create(session: Session, code: str, name: str, api_football: int | None) -> int:
    stmt = insert(Competition).values(code=code, name=name, api_football_id=api_football)
    stmt = stmt.on_conflict_do_update(index_elements=[Competition.code], set_={"code": code})
    return int(session.execute(stmt.returning(Competition.id)).scalar_one())


def merge(session: Session, gone: CompetitionRow, kept: CompetitionRow) -> tuple[int, ...]:
    """Move competition ``gone``'s matches, seasons and source codes onto ``kept`` (a season of
    the same label becomes one), keep ``gone``'s code as an alias, delete ``gone``; return the
    moved match ids. Its history then counts for ``kept``.

    Raises:
        Conflict: the two are one competition, or their scoring rules differ.
    """
    if gone.id == kept.id:
        raise errors.Conflict(f"competition {gone.code} can not be merged into itself")
    if gone.rule != kept.rule:
        raise errors.Conflict(
            f"{gone.code} is settled with {gone.rule} and {kept.code} with {kept.rule}; give"
            " them the same rule first (`competitions set-rule`), nothing merged",
            competition=gone.code,
        )
    moved = tuple(
        session.execute(
            sa.select(Match.id).where(Match.competition_id == gone.id).order_by(Match.id)
        ).scalars()
    )
    labels = dict(
        session.execute(
            sa.select(Season.label, Season.id).where(Season.competition_id == kept.id)
        ).all()
    )
    for season_id, label in session.execute(
        sa.select(Season.id, Season.label).where(Season.competition_id == gone.id)
    ).all():
        if label in labels:
            session.execute(
                sa.update(Match).where(Match.season_id == season_id).values(season_id=labels[label])
            )
            session.execute(sa.delete(Season).where(Season.id == season_id))
        else:
            session.execute(
                sa.update(Season).where(Season.id == season_id).values(competition_id=kept.id)
            )
    session.execute(
        sa.update(Match).where(Match.competition_id == gone.id).values(competition_id=kept.id)
    )
    sources = set(
        session.execute(
            sa.select(CompetitionAlias.source).where(CompetitionAlias.competition_id == gone.id)
        ).scalars()
    )
    session.execute(
        sa.update(CompetitionAlias)
        .where(CompetitionAlias.competition_id == gone.id)
        .values(competition_id=kept.id)
    )
    session.execute(sa.delete(Competition).where(Competition.id == gone.id))
    for source in sources or {"footcast"}:
        session.execute(
            insert(CompetitionAlias)
            .values(source=source, code=gone.code, competition_id=kept.id)
            .on_conflict_do_nothing()
        )
    return moved
