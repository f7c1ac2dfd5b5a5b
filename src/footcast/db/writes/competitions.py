"""Competitions as operators see them: their scoring rule, matches and settled matches."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast import errors
from footcast.db.tables import Competition, Match, ScoringRule, Settlement

__all__ = [
    "CompetitionRow",
    "listing",
    "lock_by_code",
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
    """The competition ``code``, row-locked until commit (matches and settled not counted).

    Raises:
        NotFound: no competition has this code.
    """
    row = session.execute(
        sa.select(Competition.id, Competition.code, Competition.name, Competition.scoring_rule)
        .where(Competition.code == code)
        .with_for_update()
    ).one_or_none()
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
