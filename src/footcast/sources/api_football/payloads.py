"""API-Football v3 responses as pydantic models: the envelope every endpoint shares, and its items.

Shapes follow ``shared/design/API-FOOTBALL.md`` and the recorded responses. The models are
tolerant exactly where the provider is known to vary: ``parameters`` and ``errors`` may be an
empty JSON array, ``status.extra`` and ``league.standings`` are absent in older answers, many
fields are null before kickoff, and an odds ``value`` may be a number. Unknown fields are ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "Bet",
    "BetValue",
    "Bookmaker",
    "Coach",
    "Envelope",
    "Event",
    "EventTime",
    "Fixture",
    "FixtureItem",
    "FixtureLeague",
    "FixtureRef",
    "FixtureStatistics",
    "Goals",
    "InjuredPlayer",
    "Injury",
    "League",
    "Lineup",
    "LineupPlayer",
    "LineupTeam",
    "OddsItem",
    "Paging",
    "Periods",
    "PlayerRef",
    "Prediction",
    "PredictionItem",
    "Record",
    "RecordGoals",
    "Score",
    "StandingRow",
    "Standings",
    "StandingsLeague",
    "Statistic",
    "Status",
    "Team",
    "TeamPlayers",
    "TeamRef",
    "TeamStatistics",
    "Teams",
    "Venue",
    "Winner",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Paging(_Model):
    current: int
    total: int


class Envelope(_Model):
    """What every endpoint answers; ``response`` is validated against the endpoint's item type
    only once ``errors`` is known to be empty."""

    get: str
    parameters: dict[str, str]
    errors: dict[str, str]
    results: int
    paging: Paging
    response: list[Any] | dict[str, Any]

    @field_validator("parameters", mode="before")
    @classmethod
    def _no_parameters(cls, value: object) -> object:
        return {} if value == [] else value

    @field_validator("errors", mode="before")
    @classmethod
    def _errors_by_field(cls, value: object) -> object:
        """``[]`` means none; an object maps fields to messages; a bare list is numbered."""
        if isinstance(value, list):
            return {str(i): str(message) for i, message in enumerate(value)}
        if isinstance(value, dict):
            return {str(k): v if isinstance(v, str) else str(v) for k, v in value.items()}
        return value


# -- fixtures ----------------------------------------------------------------------------------


class Periods(_Model):
    first: int | None
    second: int | None


class Venue(_Model):
    id: int | None
    name: str | None
    city: str | None


class Status(_Model):
    long: str
    short: str
    elapsed: int | None
    extra: int | None = None  # absent in 2024 recordings, present since 2025


class Fixture(_Model):
    id: int
    referee: str | None
    timezone: str
    date: datetime
    timestamp: int
    periods: Periods
    venue: Venue
    status: Status


class League(_Model):
    id: int
    name: str
    country: str | None
    logo: str | None
    flag: str | None
    season: int


class FixtureLeague(League):
    round: str | None
    standings: bool | None = None  # newer answers only


class Team(_Model):
    id: int
    name: str
    logo: str | None
    winner: bool | None


class Teams(_Model):
    home: Team
    away: Team


class Goals(_Model):
    home: int | None
    away: int | None


class Score(_Model):
    """``fulltime`` is the 90-minute score; extra time and the shoot-out sit beside it."""

    halftime: Goals
    fulltime: Goals
    extratime: Goals
    penalty: Goals


class TeamRef(_Model):
    id: int
    name: str
    logo: str | None = None


class PlayerRef(_Model):
    id: int | None
    name: str | None


class EventTime(_Model):
    elapsed: int
    extra: int | None


class Event(_Model):
    """A goal, card, substitution or VAR decision (``/fixtures/events``)."""

    time: EventTime
    team: TeamRef
    player: PlayerRef
    assist: PlayerRef
    type: str
    detail: str
    comments: str | None


class LineupPlayer(_Model):
    id: int | None
    name: str
    number: int | None
    pos: str | None
    grid: str | None


class _LineupEntry(_Model):
    player: LineupPlayer


class LineupTeam(TeamRef):
    colors: dict[str, Any] | None = None


class Coach(_Model):
    id: int | None
    name: str | None
    photo: str | None = None


class Lineup(_Model):
    """One team's announced lineup (``/fixtures/lineups``)."""

    team: LineupTeam
    formation: str | None
    start_xi: list[_LineupEntry] = Field(alias="startXI")
    substitutes: list[_LineupEntry]
    coach: Coach

    @property
    def starters(self) -> list[LineupPlayer]:
        return [entry.player for entry in self.start_xi]


class Statistic(_Model):
    type: str
    value: int | float | str | None  # 12, "32%", null


class FixtureStatistics(_Model):
    """One team's match statistics (``/fixtures/statistics``)."""

    team: TeamRef
    statistics: list[Statistic]


class _PlayerEntry(_Model):
    player: PlayerRef
    statistics: list[dict[str, Any]]


class TeamPlayers(_Model):
    """Per-player match statistics of one team (``/fixtures/players``)."""

    team: TeamRef
    players: list[_PlayerEntry]


class FixtureItem(_Model):
    """One fixture (``/fixtures``, ``/fixtures/headtohead``); asked for by id it also carries
    events, lineups, statistics and players."""

    fixture: Fixture
    league: FixtureLeague
    teams: Teams
    goals: Goals
    score: Score
    events: list[Event] = []
    lineups: list[Lineup] = []
    statistics: list[FixtureStatistics] = []
    players: list[TeamPlayers] = []


# -- odds --------------------------------------------------------------------------------------


class BetValue(_Model):
    value: str | int  # "Home", "Over 2.5", and sometimes a bare number
    odd: str


class Bet(_Model):
    id: int
    name: str
    values: list[BetValue]


class Bookmaker(_Model):
    id: int
    name: str
    bets: list[Bet]


class FixtureRef(_Model):
    id: int
    timezone: str
    date: datetime
    timestamp: int


class OddsItem(_Model):
    """Pre-match odds of one fixture from every bookmaker (``/odds``, 10 items per page)."""

    league: League
    fixture: FixtureRef
    update: datetime
    bookmakers: list[Bookmaker]


# -- standings ---------------------------------------------------------------------------------


class RecordGoals(_Model):
    for_: int | None = Field(alias="for")
    against: int | None


class Record(_Model):
    played: int | None
    win: int | None
    draw: int | None
    lose: int | None
    goals: RecordGoals


class StandingRow(_Model):
    rank: int
    team: TeamRef
    points: int
    goals_diff: int = Field(alias="goalsDiff")
    group: str | None
    form: str | None
    status: str | None
    description: str | None
    all: Record
    home: Record
    away: Record
    update: datetime


class StandingsLeague(League):
    standings: list[list[StandingRow]]  # groups, each a list of rows


class Standings(_Model):
    """A league table (``/standings``): one group for a league, several for a group stage."""

    league: StandingsLeague


# -- injuries ----------------------------------------------------------------------------------


class InjuredPlayer(_Model):
    id: int | None
    name: str
    photo: str | None = None
    type: str  # "Missing Fixture", "Questionable"
    reason: str | None  # "Knee Injury", "Yellow Cards"


class Injury(_Model):
    """A player missing or doubtful for a fixture (``/injuries``)."""

    player: InjuredPlayer
    team: TeamRef
    fixture: FixtureRef
    league: League


# -- team statistics and predictions -----------------------------------------------------------


class TeamStatistics(_Model):
    """A team's season in one league (``/teams/statistics``, a dict response); the nested
    tables are kept as the provider sends them."""

    league: League
    team: TeamRef
    form: str | None
    fixtures: dict[str, Any]
    goals: dict[str, Any]
    biggest: dict[str, Any]
    clean_sheet: dict[str, Any]
    failed_to_score: dict[str, Any]
    penalty: dict[str, Any]
    lineups: list[dict[str, Any]]
    cards: dict[str, Any]


class Winner(_Model):
    id: int | None
    name: str | None
    comment: str | None


class Prediction(_Model):
    winner: Winner
    win_or_draw: bool | None
    under_over: str | None
    goals: dict[str, str | None]  # {"home": "-2.5", "away": "-3.5"}
    advice: str | None
    percent: dict[str, str]  # {"home": "45%", ...}


class PredictionItem(_Model):
    """The provider's own forecast for a fixture (``/predictions``)."""

    predictions: Prediction
    league: League
    teams: dict[str, dict[str, Any]]
    comparison: dict[str, dict[str, str | None]]
    h2h: list[FixtureItem]
