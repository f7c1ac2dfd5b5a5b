"""The point-in-time analysis snapshot: everything a forecaster may see about one match.

A snapshot is built only from facts known at ``as_of`` (never after kickoff); it is stored as a
JSON payload with a hash of its content, and forecasters read it back through ``Snapshot``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from footcast import errors

__all__ = [
    "BOOKMAKERS",
    "Injury",
    "Lineups",
    "Need",
    "Odds",
    "PastMatch",
    "Snapshot",
    "Standing",
    "preferred_odds",
]

FORM_LENGTH = 5
H2H_LENGTH = 5

# whose odds a snapshot shows when several are known: the market average, then the sharpest book
BOOKMAKERS = ("avg", "pinnacle", "bet365")


class Need(StrEnum):
    """An input a forecaster cannot predict without; where it is absent, the forecaster
    abstains (it is not asked, and the pair is not owed). Odds and lineups are parts of the
    snapshot; the consensus needs the competitors' on-time predictions, which no snapshot holds."""

    ODDS = "odds"
    LINEUPS = "lineups"
    PREDICTIONS = "predictions"


@dataclass(frozen=True, kw_only=True)
class PastMatch:
    """A result of the same competition, finished before the snapshot's ``as_of``."""

    kickoff: datetime
    home: str
    away: str
    home_goals: int
    away_goals: int
    season: str | None = None

    def result_for(self, team: str) -> str:
        """W, D or L from ``team``'s side."""
        mine, theirs = (
            (self.home_goals, self.away_goals)
            if team == self.home
            else (self.away_goals, self.home_goals)
        )
        return "W" if mine > theirs else "L" if mine < theirs else "D"


@dataclass(frozen=True, kw_only=True)
class Standing:
    """One row of the league table built from the results known at ``as_of``."""

    team: str
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    goals_for: int = 0
    goals_against: int = 0

    @property
    def points(self) -> int:
        return 3 * self.won + self.drawn

    def add(self, scored: int, conceded: int) -> Standing:
        return Standing(
            team=self.team,
            played=self.played + 1,
            won=self.won + (scored > conceded),
            drawn=self.drawn + (scored == conceded),
            lost=self.lost + (scored < conceded),
            goals_for=self.goals_for + scored,
            goals_against=self.goals_against + conceded,
        )


@dataclass(frozen=True, kw_only=True)
class Injury:
    """A player reported missing or doubtful for the match before kickoff."""

    player: str
    team: str
    kind: str  # "Missing Fixture" or "Questionable", as providers report it
    reason: str


@dataclass(frozen=True, kw_only=True)
class Odds:
    """Decimal pre-match odds for home win, draw and away win."""

    home: float
    draw: float
    away: float
    bookmaker: str | None = None

    def __post_init__(self) -> None:
        for name, value in (("home", self.home), ("draw", self.draw), ("away", self.away)):
            if not value > 1.0:
                raise errors.InvalidForecast(f"odds {name}={value!r} must be a decimal above 1")


def preferred_odds(quotes: Iterable[Odds]) -> Odds | None:
    """The quote of the most preferred bookmaker (``BOOKMAKERS``; others after, by name)."""
    rank = {name: i for i, name in enumerate(BOOKMAKERS)}
    return min(
        quotes,
        key=lambda q: (rank.get(q.bookmaker or "", len(rank)), q.bookmaker or ""),
        default=None,
    )


@dataclass(frozen=True, kw_only=True)
class Lineups:
    """Starting elevens as announced before kickoff (names only)."""

    home: tuple[str, ...]
    away: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Snapshot:
    """What forecasters see of one match at ``as_of``; ``history`` is oldest first."""

    match_id: int
    competition: str
    home: str
    away: str
    kickoff: datetime
    as_of: datetime
    season: str | None = None
    history: tuple[PastMatch, ...] = ()
    odds: Odds | None = None
    lineups: Lineups | None = None
    injuries: tuple[Injury, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.as_of > self.kickoff:
            raise errors.PipelineError(
                f"snapshot of match {self.match_id} is dated {self.as_of.isoformat()},"
                f" after its kickoff {self.kickoff.isoformat()}"
            )
        late = [p for p in self.history if p.kickoff >= self.as_of]
        if late:
            raise errors.PipelineError(
                f"snapshot of match {self.match_id} as of {self.as_of.isoformat()} contains"
                f" {len(late)} result(s) from later, first {late[0].home}-{late[0].away}"
                f" at {late[0].kickoff.isoformat()}"
            )

    def lacks(self, needs: Iterable[Need]) -> tuple[Need, ...]:
        """Which of ``needs`` this snapshot does not hold, in their declared order (the parts a
        snapshot never holds are not its to lack)."""
        present = {Need.ODDS: self.odds is not None, Need.LINEUPS: self.lineups is not None}
        return tuple(need for need in Need if need in set(needs) and not present.get(need, True))

    def form(self, team: str, last: int = FORM_LENGTH) -> str:
        """``team``'s last results in this competition, oldest first, e.g. "WDLWW"."""
        played = [p for p in self.history if team in (p.home, p.away)]
        return "".join(p.result_for(team) for p in played[-last:])

    def table(self) -> list[Standing]:
        """The league table of the snapshot's season from the results known at ``as_of``:
        points, then goal difference, then goals scored, then name."""
        rows = {team: Standing(team=team) for team in (self.home, self.away)}
        for p in self.history:
            if p.season != self.season:
                continue
            for team, scored, conceded in (
                (p.home, p.home_goals, p.away_goals),
                (p.away, p.away_goals, p.home_goals),
            ):
                rows[team] = rows.get(team, Standing(team=team)).add(scored, conceded)
        return sorted(
            rows.values(),
            key=lambda r: (-r.points, r.goals_against - r.goals_for, -r.goals_for, r.team),
        )

    def head_to_head(self, last: int = H2H_LENGTH) -> tuple[PastMatch, ...]:
        """The last meetings of the two teams, at either ground, oldest first."""
        pair = {self.home, self.away}
        return tuple(p for p in self.history if {p.home, p.away} == pair)[-last:]

    def to_payload(self) -> dict[str, Any]:
        """A JSON-ready dict; ``from_payload`` reads it back. ``form``, ``table`` and
        ``head_to_head`` are derived from ``history`` and stored for readers of the snapshot
        (the LLM prompt, an operator); reading a payload back recomputes them."""
        return {
            "match_id": self.match_id,
            "competition": self.competition,
            "season": self.season,
            "home": self.home,
            "away": self.away,
            "kickoff": self.kickoff.isoformat(),
            "as_of": self.as_of.isoformat(),
            "history": [
                [p.kickoff.isoformat(), p.home, p.away, p.home_goals, p.away_goals, p.season]
                for p in self.history
            ],
            "form": {team: self.form(team) for team in (self.home, self.away)},
            # position, team, played, won, drawn, lost, goals for, goals against, points
            "table": [
                [
                    n,
                    r.team,
                    r.played,
                    r.won,
                    r.drawn,
                    r.lost,
                    r.goals_for,
                    r.goals_against,
                    r.points,
                ]
                for n, r in enumerate(self.table(), start=1)
            ],
            "head_to_head": [
                [p.kickoff.isoformat(), p.home, p.away, p.home_goals, p.away_goals]
                for p in self.head_to_head()
            ],
            "injuries": [
                {"player": i.player, "team": i.team, "kind": i.kind, "reason": i.reason}
                for i in self.injuries
            ],
            "odds": None
            if self.odds is None
            else {
                "home": self.odds.home,
                "draw": self.odds.draw,
                "away": self.odds.away,
                "bookmaker": self.odds.bookmaker,
            },
            "lineups": None
            if self.lineups is None
            else {"home": list(self.lineups.home), "away": list(self.lineups.away)},
            "extra": self.extra,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Snapshot:
        odds = payload.get("odds")
        lineups = payload.get("lineups")
        return cls(
            match_id=int(payload["match_id"]),
            competition=str(payload["competition"]),
            season=payload.get("season"),
            home=str(payload["home"]),
            away=str(payload["away"]),
            kickoff=datetime.fromisoformat(payload["kickoff"]),
            as_of=datetime.fromisoformat(payload["as_of"]),
            history=tuple(
                PastMatch(
                    kickoff=datetime.fromisoformat(k),
                    home=h,
                    away=a,
                    home_goals=hg,
                    away_goals=ag,
                    season=season[0] if season else None,
                )
                for k, h, a, hg, ag, *season in payload.get("history", [])
            ),
            injuries=tuple(Injury(**i) for i in payload.get("injuries", [])),
            odds=None if odds is None else Odds(**odds),
            lineups=None
            if lineups is None
            else Lineups(home=tuple(lineups["home"]), away=tuple(lineups["away"])),
            extra=dict(payload.get("extra", {})),
        )

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON payload: equal content, equal hash."""
        canonical = json.dumps(self.to_payload(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()
