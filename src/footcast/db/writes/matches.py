"""Competitions, seasons, teams and matches: upserts by provider identity, and look-ups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased

from footcast import errors
from footcast.db.tables import Competition, Match, Season, Team
from footcast.db.writes import competitions as competition_rows
from footcast.db.writes import teams
from footcast.domain.fixture import Fixture
from footcast.domain.names import MatchStatus

__all__ = [
    "apply_live_state",
    "count_by_source",
    "deadlines",
    "get_match",
    "record_result",
    "status_counts",
    "sync_fixtures",
    "upsert_competition",
    "upsert_match",
    "upsert_season",
    "upsert_team",
]

_FIXTURE_COLUMNS = (
    "competition_id",
    "season_id",
    "home_team_id",
    "away_team_id",
    "round",
    "kickoff_at",
    "prediction_deadline",
    "status",
    "home_goals",
    "away_goals",
    "home_goals_ht",
    "away_goals_ht",
)


def upsert_competition(
    session: Session, *, code: str, name: str, scoring_rule: str | None = None
) -> int:
    """Insert or rename a competition by code. A new one gets ``scoring_rule`` (or the default
    rule); a known one keeps its rule, which only an operator changes (``competitions
    set-rule``): a fixture sync must never undo that choice."""
    values = {"code": code, "name": name}
    if scoring_rule is not None:
        values["scoring_rule"] = scoring_rule
    stmt = insert(Competition).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=[Competition.code], set_={"name": name})
    return int(session.execute(stmt.returning(Competition.id)).scalar_one())


def upsert_season(session: Session, *, competition_id: int, label: str) -> int:
    stmt = insert(Season).values(competition_id=competition_id, label=label)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Season.competition_id, Season.label], set_={"label": label}
    )
    return int(session.execute(stmt.returning(Season.id)).scalar_one())


def upsert_team(session: Session, *, name: str, source: str = "footcast") -> int:
    """The canonical team ``source`` calls ``name`` (see ``footcast.db.writes.teams``)."""
    return teams.resolve(session, source, name)


def upsert_match(
    session: Session,
    *,
    source: str,
    external_id: str,
    competition_id: int,
    home_team_id: int,
    away_team_id: int,
    kickoff_at: datetime,
    now: datetime,
    season_id: int | None = None,
    round: str | None = None,
    status: str = MatchStatus.SCHEDULED,
) -> int:
    """Insert or update a fixture by (source, external id); the deadline follows the kickoff."""
    values = {
        "competition_id": competition_id,
        "season_id": season_id,
        "home_team_id": home_team_id,
        "away_team_id": away_team_id,
        "kickoff_at": kickoff_at,
        "prediction_deadline": kickoff_at,
        "round": round,
        "status": status,
        "updated_at": now,
    }
    stmt = insert(Match).values(source=source, external_id=external_id, created_at=now, **values)
    stmt = stmt.on_conflict_do_update(index_elements=[Match.source, Match.external_id], set_=values)
    return int(session.execute(stmt.returning(Match.id)).scalar_one())


def get_match(session: Session, match_id: int, *, lock: bool = False) -> Match:
    """The match with ``match_id`` (row-locked when ``lock``).

    Raises:
        NotFound: no such match.
    """
    stmt = sa.select(Match).where(Match.id == match_id)
    if lock:
        stmt = stmt.with_for_update()
    match = session.execute(stmt).scalar_one_or_none()
    if match is None:
        raise errors.NotFound(f"match {match_id} does not exist", match_id=match_id)
    return match


def record_result(session: Session, match_id: int, *, home: int, away: int, now: datetime) -> None:
    """Store the 90-minute result and mark the match finished (a correction overwrites it)."""
    if home < 0 or away < 0:
        raise errors.Conflict(
            f"a final score can not be negative: {home}:{away}", match_id=match_id
        )
    get_match(session, match_id, lock=True)
    session.execute(
        sa.update(Match)
        .where(Match.id == match_id)
        .values(home_goals=home, away_goals=away, status=MatchStatus.FINISHED, updated_at=now)
    )


def _state_of(fixture: Fixture) -> dict[str, object]:
    """The match columns a source reports: status, kickoff (the deadline follows it), scores."""
    return {
        "kickoff_at": fixture.kickoff,
        "prediction_deadline": fixture.kickoff,
        "status": fixture.status,
        "home_goals": fixture.home_goals,
        "away_goals": fixture.away_goals,
        "home_goals_ht": fixture.home_goals_ht,
        "away_goals_ht": fixture.away_goals_ht,
    }


def sync_fixtures(
    session: Session, source: str, fixtures: Sequence[Fixture], *, now: datetime
) -> dict[str, int]:
    """Upsert fixtures as the source reports them (status, kickoff, score); return match ids by
    external id. Only facts change here: what to do about them is the reconciler's business."""
    if not fixtures:
        return {}
    competitions: dict[str, int] = {}
    seasons: dict[tuple[str, str], int] = {}
    for fixture in fixtures:
        if fixture.competition not in competitions:
            competitions[fixture.competition] = competition_rows.resolve(
                session, source, code=fixture.competition, name=fixture.competition_name
            )
        key = (fixture.competition, fixture.season)
        if key not in seasons:
            seasons[key] = upsert_season(
                session, competition_id=competitions[fixture.competition], label=fixture.season
            )
    named = {(f.home, f.home_api_id) for f in fixtures} | {
        (f.away, f.away_api_id) for f in fixtures
    }
    team_ids = teams.resolve_many(session, source, sorted(named, key=lambda n: n[0]))
    _refuse_changed_teams(session, source, fixtures, team_ids)
    rows = [
        {
            "source": source,
            "external_id": f.external_id,
            "created_at": now,
            "updated_at": now,
            "competition_id": competitions[f.competition],
            "season_id": seasons[(f.competition, f.season)],
            "home_team_id": team_ids[f.home],
            "away_team_id": team_ids[f.away],
            "round": f.round,
            **_state_of(f),
        }
        for f in fixtures
    ]
    stmt = insert(Match)
    changed = sa.tuple_(*(getattr(Match, c) for c in _FIXTURE_COLUMNS)).is_distinct_from(
        sa.tuple_(*(getattr(stmt.excluded, c) for c in _FIXTURE_COLUMNS))
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[Match.source, Match.external_id],
        set_={**{c: getattr(stmt.excluded, c) for c in _FIXTURE_COLUMNS}, "updated_at": now},
        where=changed,
    )
    session.connection().execute(stmt, rows)  # compiled once, sent as a batch
    return dict(
        session.execute(
            sa.select(Match.external_id, Match.id).where(
                Match.source == source, Match.external_id.in_([f.external_id for f in fixtures])
            )
        ).all()
    )


def _refuse_changed_teams(
    session: Session, source: str, fixtures: Sequence[Fixture], team_ids: dict[str, int]
) -> None:
    """A stored match never changes teams: an update naming others (other canonical teams) is a
    source error, and applying it would move predictions onto another pairing."""
    home, away = aliased(Team), aliased(Team)
    stored = {
        row.external_id: row
        for row in session.execute(
            sa.select(
                Match.external_id,
                Match.home_team_id,
                Match.away_team_id,
                home.name.label("home"),
                away.name.label("away"),
            )
            .join(home, home.id == Match.home_team_id)
            .join(away, away.id == Match.away_team_id)
            .where(
                Match.source == source,
                Match.external_id.in_([f.external_id for f in fixtures]),
            )
        )
    }
    for f in fixtures:
        known = stored.get(f.external_id)
        if known is not None and (known.home_team_id, known.away_team_id) != (
            team_ids[f.home],
            team_ids[f.away],
        ):
            raise errors.Conflict(
                f"fixture {source}:{f.external_id} is stored as {known.home} v {known.away}, but"
                f" the update names {f.home} v {f.away}; unknown teams for a known match, nothing"
                " applied",
                external_id=f.external_id,
            )


def apply_live_state(session: Session, match_id: int, fixture: Fixture, *, now: datetime) -> None:
    """Store a polled match state (status, kickoff, score) and when it was polled."""
    session.execute(
        sa.update(Match)
        .where(Match.id == match_id)
        .values(**_state_of(fixture), live_polled_at=now, updated_at=now)
    )


def deadlines(session: Session, match_ids: list[int]) -> dict[int, datetime]:
    rows = session.execute(
        sa.select(Match.id, Match.prediction_deadline).where(Match.id.in_(match_ids))
    ).all()
    return {match_id: deadline for match_id, deadline in rows}


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(sa.select(Match.status, sa.func.count()).group_by(Match.status))
    return {status: int(n) for status, n in rows}


def count_by_source(session: Session, source: str) -> int:
    return int(
        session.execute(
            sa.select(sa.func.count()).select_from(Match).where(Match.source == source)
        ).scalar_one()
    )
