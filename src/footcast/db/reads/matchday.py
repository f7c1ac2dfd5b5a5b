"""The matchday home page: the matches of the next days with the arena's consensus, the matches
being played, and the recent results with how many forecasters got them right; and the
competitions and seasons that exist (the page's filters).

Every list is a bounded window of kickoffs read through ``ix_matches_status_kickoff`` (status,
kickoff) and capped, and the per-match figures are read for those ids only (predictions by
their ``(match_id, forecaster_id)`` key, settlements by their current-settlement index), so the
page costs the same with a hundred matches or a hundred thousand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session

from footcast.db.reads.browse import MatchRow, match_row, matches_query
from footcast.db.tables import (
    Competition,
    Forecaster,
    Match,
    MatchOdds,
    Prediction,
    Season,
    Settlement,
    SettlementScore,
)
from footcast.domain.analysis import BOOKMAKERS
from footcast.domain.names import IN_PLAY, ForecasterKind, MatchStatus

__all__ = [
    "AHEAD",
    "BEHIND",
    "LIMIT",
    "Consensus",
    "Matchday",
    "MatchdayRow",
    "Probabilities",
    "Window",
    "consensus",
    "matchday",
    "windows",
]

AHEAD = timedelta(days=3)  # upcoming: kickoffs in the next three days
BEHIND = timedelta(days=3)  # recent results: kickoffs in the last three days
LIVE_SINCE = timedelta(hours=12)  # a match "live" for longer is stuck, not on the page
LIMIT = 60  # matches per list at most


@dataclass(frozen=True, kw_only=True)
class Window:
    """A competition and the seasons it has (the filters offer only these)."""

    code: str
    name: str
    seasons: list[str]


@dataclass(frozen=True, kw_only=True)
class Probabilities:
    home: float
    draw: float
    away: float
    source: str  # the market forecaster's name, or "odds <bookmaker>"


@dataclass(frozen=True, kw_only=True)
class Consensus:
    """The competitors' on-time picks of one match: how many picked each tendency and the
    most common exact score; when settled, how many got the tendency and the exact score."""

    picks: int = 0
    home: int = 0
    draw: int = 0
    away: int = 0
    score: tuple[int, int] | None = None
    score_count: int = 0
    market: Probabilities | None = None
    settled: int = 0  # scored on-time predictions (every forecaster)
    tendency_hits: int = 0
    exact_hits: int = 0

    def share(self, picked: int) -> float:
        return picked / self.picks if self.picks else 0.0


@dataclass(frozen=True, kw_only=True)
class MatchdayRow:
    match: MatchRow
    consensus: Consensus


@dataclass(frozen=True, kw_only=True)
class Matchday:
    now: datetime
    upcoming: list[MatchdayRow] = field(default_factory=list)
    live: list[MatchdayRow] = field(default_factory=list)
    recent: list[MatchdayRow] = field(default_factory=list)


def windows(session: Session) -> list[Window]:
    """Every competition with its season labels (newest first)."""
    found: dict[str, Window] = {}
    rows = session.execute(
        sa.select(Competition.code, Competition.name, Season.label)
        .outerjoin(Season, Season.competition_id == Competition.id)
        .order_by(Competition.code, Season.label.desc())
    )
    for code, name, label in rows:
        window = found.setdefault(code, Window(code=code, name=name, seasons=[]))
        if label is not None and label not in window.seasons:
            window.seasons.append(label)
    return list(found.values())


def _list(
    session: Session,
    statuses: Iterable[str],
    *,
    start: datetime,
    end: datetime,
    newest_first: bool,
    competition: str | None,
    season: str | None,
    limit: int,
) -> list[MatchRow]:
    query = matches_query().where(
        Match.status.in_(list(statuses)), Match.kickoff_at >= start, Match.kickoff_at < end
    )
    if competition is not None:
        query = query.where(Competition.code == competition)
    if season is not None:
        query = query.where(Season.label == season)
    order = (
        (Match.kickoff_at.desc(), Match.id.desc()) if newest_first else (Match.kickoff_at, Match.id)
    )
    return [match_row(r) for r in session.execute(query.order_by(*order).limit(limit))]


def matchday(
    session: Session,
    *,
    now: datetime,
    competition: str | None = None,
    season: str | None = None,
    limit: int = LIMIT,
) -> Matchday:
    """The upcoming, live and recent matches around ``now``, each with its consensus."""

    def listed(
        statuses: Iterable[str], start: datetime, end: datetime, newest: bool
    ) -> list[MatchRow]:
        return _list(
            session, statuses, start=start, end=end, newest_first=newest,
            competition=competition, season=season, limit=limit,
        )  # fmt: skip

    upcoming = listed([MatchStatus.SCHEDULED], now, now + AHEAD, False)
    live = listed(IN_PLAY, now - LIVE_SINCE, now + timedelta(minutes=1), False)
    recent = listed([MatchStatus.FINISHED, MatchStatus.AWARDED], now - BEHIND, now, True)
    found = consensus(session, [m.id for m in (*upcoming, *live, *recent)])
    empty = Consensus()

    def rows(matches: list[MatchRow]) -> list[MatchdayRow]:
        return [MatchdayRow(match=m, consensus=found.get(m.id, empty)) for m in matches]

    return Matchday(now=now, upcoming=rows(upcoming), live=rows(live), recent=rows(recent))


def consensus(session: Session, match_ids: Sequence[int]) -> dict[int, Consensus]:
    """The consensus of each of ``match_ids`` (a match nobody predicted is absent)."""
    if not match_ids:
        return {}
    ids = list(match_ids)
    competitor = sa.and_(Forecaster.id == Prediction.forecaster_id, Forecaster.reference.is_(False))
    picks = {
        int(m): (int(n), int(h), int(d), int(a))
        for m, n, h, d, a in session.execute(
            sa.select(
                Prediction.match_id,
                sa.func.count(),
                sa.func.count().filter(Prediction.home_goals > Prediction.away_goals),
                sa.func.count().filter(Prediction.home_goals == Prediction.away_goals),
                sa.func.count().filter(Prediction.home_goals < Prediction.away_goals),
            )
            .join(Forecaster, competitor)
            .where(Prediction.match_id.in_(ids), Prediction.retroactive.is_(False))
            .group_by(Prediction.match_id)
        )
    }
    count = sa.func.count()
    scores = {
        int(m): ((int(h), int(a)), int(n))
        for m, h, a, n in session.execute(
            sa.select(Prediction.match_id, Prediction.home_goals, Prediction.away_goals, count)
            .join(Forecaster, competitor)
            .where(Prediction.match_id.in_(ids), Prediction.retroactive.is_(False))
            .group_by(Prediction.match_id, Prediction.home_goals, Prediction.away_goals)
            .order_by(
                Prediction.match_id, count.desc(), Prediction.home_goals, Prediction.away_goals
            )
            .ext(distinct_on(Prediction.match_id))
        )
    }
    market = _market(session, ids)
    hits = {
        int(m): (int(n), int(t), int(e))
        for m, n, t, e in session.execute(
            sa.select(
                Settlement.match_id,
                sa.func.count(),
                sa.func.count().filter(SettlementScore.tendency_hit),
                sa.func.count().filter(SettlementScore.exact_hit),
            )
            .join(Settlement, Settlement.id == SettlementScore.settlement_id)
            .where(
                Settlement.match_id.in_(ids),
                Settlement.superseded_at.is_(None),
                SettlementScore.retroactive.is_(False),
            )
            .group_by(Settlement.match_id)
        )
    }
    found: dict[int, Consensus] = {}
    for m in ids:
        if m not in picks and m not in market and m not in hits:
            continue
        n, h, d, a = picks.get(m, (0, 0, 0, 0))
        score, score_count = scores.get(m, (None, 0))
        settled, tendency, exact = hits.get(m, (0, 0, 0))
        found[m] = Consensus(
            picks=n, home=h, draw=d, away=a, score=score, score_count=score_count,
            market=market.get(m), settled=settled, tendency_hits=tendency, exact_hits=exact,
        )  # fmt: skip
    return found


def _market(session: Session, ids: list[int]) -> dict[int, Probabilities]:
    """The market forecaster's probabilities of each match; before it predicted, the
    pre-match odds' (the preferred bookmaker's, margin removed proportionally)."""
    found: dict[int, Probabilities] = {}
    rows = session.execute(
        sa.select(
            Prediction.match_id, Forecaster.name, Prediction.p_home, Prediction.p_draw,
            Prediction.p_away,
        )
        .join(Forecaster, Forecaster.id == Prediction.forecaster_id)
        .where(
            Prediction.match_id.in_(ids),
            Forecaster.kind == ForecasterKind.MARKET,
            Prediction.p_home.is_not(None),
        )
        .order_by(Prediction.match_id, Forecaster.name)
    )  # fmt: skip
    for m, name, ph, pd, pa in rows:
        if ph is None or pd is None or pa is None:  # the query leaves these out
            continue
        found.setdefault(
            int(m), Probabilities(home=float(ph), draw=float(pd), away=float(pa), source=str(name))
        )
    missing = [m for m in ids if m not in found]
    if not missing:
        return found
    rank = {name: i for i, name in enumerate(BOOKMAKERS)}
    odds = session.execute(
        sa.select(MatchOdds.match_id, MatchOdds.bookmaker, MatchOdds.home, MatchOdds.draw,
                  MatchOdds.away)
        .where(MatchOdds.match_id.in_(missing), MatchOdds.kind == "pre")
    ).all()  # fmt: skip
    for m, bookmaker, home, draw, away in sorted(
        odds, key=lambda r: (r[0], rank.get(r[1], len(rank)), r[1])
    ):
        if int(m) in found:
            continue
        inverse = (1 / home, 1 / draw, 1 / away)
        total = sum(inverse)
        found[int(m)] = Probabilities(
            home=inverse[0] / total,
            draw=inverse[1] / total,
            away=inverse[2] / total,
            source=f"odds {bookmaker}",
        )
    return found
