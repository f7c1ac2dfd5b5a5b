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
from typing import Any

from footcast import errors

__all__ = ["BOOKMAKERS", "Lineups", "Odds", "PastMatch", "Snapshot", "preferred_odds"]

# whose odds a snapshot shows when several are known: the market average, then the sharpest book
BOOKMAKERS = ("avg", "pinnacle", "bet365")


@dataclass(frozen=True, kw_only=True)
class PastMatch:
    """A result of the same competition, finished before the snapshot's ``as_of``."""

    kickoff: datetime
    home: str
    away: str
    home_goals: int
    away_goals: int


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
    history: tuple[PastMatch, ...] = ()
    odds: Odds | None = None
    lineups: Lineups | None = None
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

    def to_payload(self) -> dict[str, Any]:
        """A JSON-ready dict; ``from_payload`` reads it back."""
        return {
            "match_id": self.match_id,
            "competition": self.competition,
            "home": self.home,
            "away": self.away,
            "kickoff": self.kickoff.isoformat(),
            "as_of": self.as_of.isoformat(),
            "history": [
                [p.kickoff.isoformat(), p.home, p.away, p.home_goals, p.away_goals]
                for p in self.history
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
            home=str(payload["home"]),
            away=str(payload["away"]),
            kickoff=datetime.fromisoformat(payload["kickoff"]),
            as_of=datetime.fromisoformat(payload["as_of"]),
            history=tuple(
                PastMatch(
                    kickoff=datetime.fromisoformat(k), home=h, away=a, home_goals=hg, away_goals=ag
                )
                for k, h, a, hg, ag in payload.get("history", [])
            ),
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
