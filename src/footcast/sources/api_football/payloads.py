"""API-Football v3 responses as pydantic models: the envelope every endpoint shares, and its items.

Shapes follow ``shared/design/API-FOOTBALL.md`` and the recorded responses. Liberal in what they
accept: a field footcast needs is required (its absence is a ``MalformedResponse`` naming the
field's path), every other part is optional, including those footcast reads but can do without
(a round, the half-time score, an injury's reason). An optional part that is absent or null is
empty: ``[]`` for a list (a lineup's ``substitutes``), ``{}`` for a table, None for anything else
(a lineup's ``coach``, an event's ``assist``). The provider also varies in ways of its own:
``parameters`` and ``errors`` may be an empty JSON array, ``status.extra`` and
``league.standings`` are absent in older answers, many fields are null before kickoff, and an
odds ``value`` may be a number. Unknown fields are ignored.

What footcast needs (``source.py``, ``client.py``): the envelope's ``response``; a fixture's id,
timestamp, status code, league (id, name, season), teams (id, name), goals and 90-minute score;
a lineup's team id and its starters' names; a bookmaker's name and its bets' ids, values and
odds; an injury's player (name, type) and team name; a table's groups of rows. Parts footcast
does not read yet keep only what makes them what they are (the fixture odds or an injury are
for; an event's time, team and type; a table row's rank, team and points).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

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


T = TypeVar("T")


def _list_if_null(value: object) -> object:
    return [] if value is None else value


def _dict_if_null(value: object) -> object:
    return {} if value is None else value


_Many = Annotated[list[T], BeforeValidator(_list_if_null)]  # an optional list: null is empty
_Table = Annotated[dict[str, Any], BeforeValidator(_dict_if_null)]  # kept as the provider sends it


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Paging(_Model):
    current: int = 1
    total: int = 1


class Envelope(_Model):
    """What every endpoint answers; ``response`` is validated against the endpoint's item type
    only once ``errors`` is known to be empty. Only ``response`` is required: without
    ``paging`` the answer is one page, without ``errors`` it refused nothing."""

    get: str | None = None
    parameters: dict[str, str] = {}
    errors: dict[str, str] = {}
    results: int | None = None
    paging: Annotated[Paging, BeforeValidator(_dict_if_null)] = Paging()
    response: list[Any] | dict[str, Any]

    @field_validator("parameters", mode="before")
    @classmethod
    def _no_parameters(cls, value: object) -> object:
        return {} if value in ([], None) else value

    @field_validator("errors", mode="before")
    @classmethod
    def _errors_by_field(cls, value: object) -> object:
        """``[]`` or null means none; an object maps fields to messages; a bare list is
        numbered."""
        if value is None:
            return {}
        if isinstance(value, list):
            return {str(i): str(message) for i, message in enumerate(value)}
        if isinstance(value, dict):
            return {str(k): v if isinstance(v, str) else str(v) for k, v in value.items()}
        return value

    @field_validator("response", mode="before")
    @classmethod
    def _empty_response(cls, value: object) -> object:
        """Nothing found: ``[]``, ``{}`` or null."""
        return [] if value is None or value == {} else value


# -- fixtures ----------------------------------------------------------------------------------


class Periods(_Model):
    first: int | None = None
    second: int | None = None


class Venue(_Model):
    id: int | None = None
    name: str | None = None
    city: str | None = None


class Status(_Model):
    long: str | None = None
    short: str
    elapsed: int | None = None
    extra: int | None = None  # absent in 2024 recordings, present since 2025


class Fixture(_Model):
    id: int
    referee: str | None = None
    timezone: str | None = None
    date: datetime | None = None  # footcast reads the kickoff from ``timestamp``
    timestamp: int
    periods: Periods | None = None
    venue: Venue | None = None
    status: Status


class League(_Model):
    """A league as other items mention it; footcast reads only a fixture's (``FixtureLeague``)."""

    id: int
    name: str | None = None
    country: str | None = None
    logo: str | None = None
    flag: str | None = None
    season: int | None = None


class FixtureLeague(League):
    name: str
    season: int
    round: str | None = None
    standings: bool | None = None  # newer answers only


class Team(_Model):
    id: int
    name: str
    logo: str | None = None
    winner: bool | None = None


class Teams(_Model):
    home: Team
    away: Team


class Goals(_Model):
    home: int | None = None
    away: int | None = None


_Pair = Annotated[Goals, BeforeValidator(_dict_if_null)]


class Score(_Model):
    """``fulltime`` is the 90-minute score; extra time and the shoot-out sit beside it."""

    halftime: _Pair = Goals()
    fulltime: _Pair
    extratime: _Pair = Goals()
    penalty: _Pair = Goals()


class TeamRef(_Model):
    id: int
    name: str
    logo: str | None = None


class PlayerRef(_Model):
    id: int | None = None
    name: str | None = None


class EventTime(_Model):
    elapsed: int
    extra: int | None = None


class Event(_Model):
    """A goal, card, substitution or VAR decision (``/fixtures/events``)."""

    time: EventTime
    team: TeamRef
    player: PlayerRef | None = None
    assist: PlayerRef | None = None
    type: str
    detail: str | None = None
    comments: str | None = None


class LineupPlayer(_Model):
    id: int | None = None
    name: str
    number: int | None = None
    pos: str | None = None
    grid: str | None = None


class _LineupEntry(_Model):
    player: LineupPlayer


class LineupTeam(_Model):
    id: int  # footcast matches a lineup to its team by id
    name: str | None = None
    logo: str | None = None
    colors: _Table = {}


class Coach(_Model):
    id: int | None = None
    name: str | None = None
    photo: str | None = None


class Lineup(_Model):
    """One team's announced lineup (``/fixtures/lineups``)."""

    team: LineupTeam
    formation: str | None = None
    start_xi: list[_LineupEntry] = Field(alias="startXI")
    substitutes: _Many[_LineupEntry] = []
    coach: Coach | None = None

    @property
    def starters(self) -> list[LineupPlayer]:
        return [entry.player for entry in self.start_xi]


class Statistic(_Model):
    type: str
    value: int | float | str | None = None  # 12, "32%", null


class FixtureStatistics(_Model):
    """One team's match statistics (``/fixtures/statistics``)."""

    team: TeamRef
    statistics: _Many[Statistic] = []


class _PlayerEntry(_Model):
    player: PlayerRef
    statistics: _Many[dict[str, Any]] = []


class TeamPlayers(_Model):
    """Per-player match statistics of one team (``/fixtures/players``)."""

    team: TeamRef
    players: _Many[_PlayerEntry] = []


class FixtureItem(_Model):
    """One fixture (``/fixtures``, ``/fixtures/headtohead``); asked for by id it also carries
    events, lineups, statistics and players."""

    fixture: Fixture
    league: FixtureLeague
    teams: Teams
    goals: Goals
    score: Score
    events: _Many[Event] = []
    lineups: _Many[Lineup] = []
    statistics: _Many[FixtureStatistics] = []
    players: _Many[TeamPlayers] = []


# -- odds --------------------------------------------------------------------------------------


class BetValue(_Model):
    value: str | int  # "Home", "Over 2.5", and sometimes a bare number
    odd: str


class Bet(_Model):
    id: int
    name: str | None = None
    values: list[BetValue]


class Bookmaker(_Model):
    id: int
    name: str
    bets: list[Bet]


class FixtureRef(_Model):
    id: int
    timezone: str | None = None
    date: datetime | None = None
    timestamp: int | None = None


class OddsItem(_Model):
    """Pre-match odds of one fixture from every bookmaker (``/odds``, 10 items per page)."""

    league: League | None = None
    fixture: FixtureRef  # which fixture the odds are for (many in a league's answer)
    update: datetime | None = None
    bookmakers: list[Bookmaker]


# -- standings ---------------------------------------------------------------------------------


class RecordGoals(_Model):
    for_: int | None = Field(default=None, alias="for")
    against: int | None = None


class Record(_Model):
    played: int | None = None
    win: int | None = None
    draw: int | None = None
    lose: int | None = None
    goals: RecordGoals | None = None


class StandingRow(_Model):
    rank: int
    team: TeamRef
    points: int
    goals_diff: int | None = Field(default=None, alias="goalsDiff")
    group: str | None = None
    form: str | None = None
    status: str | None = None
    description: str | None = None
    all: Record | None = None
    home: Record | None = None
    away: Record | None = None
    update: datetime | None = None


class StandingsLeague(League):
    standings: list[list[StandingRow]]  # groups, each a list of rows


class Standings(_Model):
    """A league table (``/standings``): one group for a league, several for a group stage."""

    league: StandingsLeague


# -- injuries ----------------------------------------------------------------------------------


class InjuredPlayer(_Model):
    id: int | None = None
    name: str
    photo: str | None = None
    type: str  # "Missing Fixture", "Questionable"
    reason: str | None = None  # "Knee Injury", "Yellow Cards"


class Injury(_Model):
    """A player missing or doubtful for a fixture (``/injuries``)."""

    player: InjuredPlayer
    team: TeamRef
    fixture: FixtureRef  # which fixture the player misses (many in a league's answer)
    league: League | None = None


# -- team statistics and predictions -----------------------------------------------------------


class TeamStatistics(_Model):
    """A team's season in one league (``/teams/statistics``, a dict response); the nested
    tables are kept as the provider sends them."""

    league: League | None = None
    team: TeamRef
    form: str | None = None
    fixtures: _Table = {}
    goals: _Table = {}
    biggest: _Table = {}
    clean_sheet: _Table = {}
    failed_to_score: _Table = {}
    penalty: _Table = {}
    lineups: _Many[dict[str, Any]] = []
    cards: _Table = {}


class Winner(_Model):
    id: int | None = None
    name: str | None = None
    comment: str | None = None


class Prediction(_Model):
    winner: Winner | None = None
    win_or_draw: bool | None = None
    under_over: str | None = None
    goals: Annotated[dict[str, str | None], BeforeValidator(_dict_if_null)] = {}
    advice: str | None = None
    percent: Annotated[dict[str, str], BeforeValidator(_dict_if_null)] = {}  # {"home": "45%"}


class PredictionItem(_Model):
    """The provider's own forecast for a fixture (``/predictions``)."""

    predictions: Prediction
    league: League | None = None
    teams: Annotated[dict[str, dict[str, Any]], BeforeValidator(_dict_if_null)] = {}
    comparison: Annotated[dict[str, dict[str, str | None]], BeforeValidator(_dict_if_null)] = {}
    h2h: _Many[FixtureItem] = []
