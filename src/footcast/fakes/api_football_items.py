"""API-Football items in the provider's own shape, generated for the fake server.

``fixture_item`` builds one ``/fixtures`` item; ``season`` builds a small league season with
finished, extra-time, shoot-out, live, postponed and scheduled fixtures. The other builders derive
lineups, events, statistics, odds, injuries, standings and team statistics from fixture items;
``sparse`` leaves out the parts the provider does not always send.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "LIVE",
    "Item",
    "events",
    "fixture_item",
    "injuries",
    "lineups",
    "odds",
    "season",
    "sparse",
    "standings",
    "statistics",
    "team_statistics",
]

Item = dict[str, Any]
LIVE = ("1H", "HT", "2H", "ET", "BT", "P", "LIVE", "INT", "SUSP")
_LONG = {
    "NS": "Not Started",
    "FT": "Match Finished",
    "AET": "Match Finished",
    "PEN": "Match Finished",
    "1H": "First Half",
    "HT": "Halftime",
    "2H": "Second Half",
    "PST": "Match Postponed",
    "CANC": "Match Cancelled",
    "ABD": "Match Abandoned",
}
_TEAMS = (
    (1001, "Ashcombe United"),
    (1002, "Brackenford City"),
    (1003, "Caldermoor Rovers"),
    (1004, "Dunhollow Athletic"),
    (1005, "Elderbridge Albion"),
    (1006, "Fernleigh Town"),
)
_LOGO = "https://media.api-sports.io/football"
Score = tuple[int, int] | None
SPARSE = ("substitutes", "coach", "assist")  # optional parts the provider may leave out


def _pair(score: Score) -> Item:
    return {"home": None, "away": None} if score is None else {"home": score[0], "away": score[1]}


def fixture_item(
    fixture_id: int,
    *,
    kickoff: datetime,
    home: tuple[int, str] = _TEAMS[0],
    away: tuple[int, str] = _TEAMS[1],
    short: str = "NS",
    league: int = 39,
    season: int = 2025,
    round_name: str = "Regular Season - 1",
    goals: Score = None,
    halftime: Score = None,
    fulltime: Score = None,
    extratime: Score = None,
    penalty: Score = None,
    elapsed: int | None = None,
) -> Item:
    """One ``/fixtures`` item; ``goals`` include extra time, ``fulltime`` is the 90 minutes."""
    winner = None
    if short in ("FT", "AET", "PEN") and goals is not None:
        decider = penalty if penalty is not None else goals
        winner = None if decider[0] == decider[1] else decider[0] > decider[1]
    start = int(kickoff.timestamp())
    return {
        "fixture": {
            "id": fixture_id,
            "referee": None,
            "timezone": "UTC",
            "date": kickoff.astimezone(UTC).isoformat(),
            "timestamp": start,
            "periods": {"first": None if short == "NS" else start, "second": None},
            "venue": {"id": home[0], "name": f"{home[1]} Ground", "city": home[1].split()[0]},
            "status": {
                "long": _LONG.get(short, short),
                "short": short,
                "elapsed": elapsed,
                "extra": None,
            },
        },
        "league": {
            "id": league,
            "name": f"League {league}",
            "country": "England",
            "logo": f"{_LOGO}/leagues/{league}.png",
            "flag": None,
            "season": season,
            "round": round_name,
            "standings": True,
        },
        "teams": {
            side: {
                "id": team[0],
                "name": team[1],
                "logo": f"{_LOGO}/teams/{team[0]}.png",
                "winner": None if winner is None else winner == (side == "home"),
            }
            for side, team in (("home", home), ("away", away))
        },
        "goals": _pair(goals),
        "score": {
            "halftime": _pair(halftime),
            "fulltime": _pair(fulltime),
            "extratime": _pair(extratime),
            "penalty": _pair(penalty),
        },
    }


# fixture_item keywords of the season's special fixtures, by position
_SPECIAL: dict[int, Item] = {
    10: {"short": "AET", "goals": (2, 1), "halftime": (1, 0), "fulltime": (1, 1),
         "extratime": (1, 0), "elapsed": 120},
    11: {"short": "PEN", "goals": (0, 0), "halftime": (0, 0), "fulltime": (0, 0),
         "extratime": (0, 0), "penalty": (4, 3), "elapsed": 120},
    12: {"short": "1H", "goals": (1, 0), "elapsed": 30},
    13: {"short": "PST"},
}  # fmt: skip


def season(
    *, league: int = 39, year: int = 2025, start: datetime = datetime(2025, 8, 16, 15, tzinfo=UTC)
) -> list[Item]:
    """30 fixtures, three a day from ``start``: ten finished, one after extra time (1-1 after
    90 minutes, 2-1 after 120), one on penalties, one live, one postponed, the rest to come."""
    found: list[Item] = []
    pairs = [(h, a) for h in _TEAMS for a in _TEAMS if h != a]
    for i, (home, away) in enumerate(pairs):
        state = _SPECIAL.get(i, {})
        if i < 10:
            score = (i % 3, (i * 2) % 3)
            state = {"short": "FT", "goals": score, "halftime": (0, 0), "fulltime": score,
                     "elapsed": 90}  # fmt: skip
        kickoff = start + timedelta(days=i // 3, hours=2 * (i % 3))
        found.append(
            fixture_item(league * 10_000 + i + 1, kickoff=kickoff, home=home, away=away,
                         league=league, season=year, round_name=f"Regular Season - {i // 3 + 1}",
                         **state)
        )  # fmt: skip
    return found


def _team(item: Item, side: str) -> Item:
    team = item["teams"][side]
    return {"id": team["id"], "name": team["name"], "logo": team["logo"]}


def _player(team_name: str, number: int) -> Item:
    return {
        "id": zlib.crc32(f"{team_name}#{number}".encode()) % 1_000_000,
        "name": f"{team_name} No.{number}",
    }


def _lineup_player(team_name: str, number: int) -> Item:
    player: Item = {**_player(team_name, number), "number": number, "pos": "M", "grid": None}
    return {"player": player}


def lineups(item: Item) -> list[Item]:
    """Both lineups once the match has started (none before)."""
    if item["fixture"]["status"]["short"] in ("NS", "TBD", "PST", "CANC"):
        return []
    found = []
    for side in ("home", "away"):
        team = _team(item, side)
        found.append(
            {
                "team": dict(team, colors=None),
                "formation": "4-4-2",
                "startXI": [_lineup_player(team["name"], n) for n in range(1, 12)],
                "substitutes": [_lineup_player(team["name"], n) for n in range(12, 15)],
                "coach": {"id": team["id"], "name": f"Coach of {team['name']}", "photo": None},
            }
        )
    return found


def events(item: Item) -> list[Item]:
    """One ``Goal`` event per goal."""
    found = []
    for side in ("home", "away"):
        for n in range(item["goals"][side] or 0):
            team = _team(item, side)
            found.append(
                {
                    "time": {"elapsed": 10 * (n + 1), "extra": None},
                    "team": team,
                    "player": _player(team["name"], 9),
                    "assist": {"id": None, "name": None},
                    "type": "Goal",
                    "detail": "Normal Goal",
                    "comments": None,
                }
            )
    return found


def statistics(item: Item) -> list[Item]:
    if item["fixture"]["status"]["short"] in ("NS", "TBD", "PST", "CANC"):
        return []
    return [
        {
            "team": _team(item, side),
            "statistics": [
                {"type": "Ball Possession", "value": "50%"},
                {"type": "Total Shots", "value": 10},
                {"type": "Red Cards", "value": None},
            ],
        }
        for side in ("home", "away")
    ]


def odds(item: Item) -> Item:
    """Odds of 10Bet and Bet365 (whose are 0.10 higher): match winner, goals, and a bet whose
    values are numbers (as the provider sometimes sends)."""
    fixture = item["fixture"]
    bookmakers = []
    for bookmaker_id, name, extra in ((1, "10Bet", 0.0), (8, "Bet365", 0.1)):
        bookmakers.append(
            {
                "id": bookmaker_id,
                "name": name,
                "bets": [
                    {
                        "id": 1,
                        "name": "Match Winner",
                        "values": [
                            {"value": "Home", "odd": f"{2.10 + extra:.2f}"},
                            {"value": "Draw", "odd": f"{3.30 + extra:.2f}"},
                            {"value": "Away", "odd": f"{3.60 + extra:.2f}"},
                        ],
                    },
                    {
                        "id": 5,
                        "name": "Goals Over/Under",
                        "values": [
                            {"value": "Over 2.5", "odd": "1.90"},
                            {"value": "Under 2.5", "odd": "1.95"},
                        ],
                    },
                    {
                        "id": 38,
                        "name": "Exact Goals Number",
                        "values": [{"value": 0, "odd": "9.50"}, {"value": 1, "odd": "4.50"}],
                    },
                ],
            }
        )
    league = {k: v for k, v in item["league"].items() if k not in ("round", "standings")}
    return {
        "league": league,
        "fixture": {k: fixture[k] for k in ("id", "timezone", "date", "timestamp")},
        "update": fixture["date"],
        "bookmakers": bookmakers,
    }


def injuries(item: Item) -> list[Item]:
    """A suspended home player and a doubtful away one."""
    fixture = item["fixture"]
    league = {k: v for k, v in item["league"].items() if k not in ("round", "standings")}
    found = []
    for side, kind, reason in (
        ("home", "Missing Fixture", "Yellow Cards"),
        ("away", "Questionable", "Knee Injury"),
    ):
        team = _team(item, side)
        found.append(
            {
                "player": {
                    **_player(team["name"], 7),
                    "photo": None,
                    "type": kind,
                    "reason": reason,
                },
                "team": team,
                "fixture": {k: fixture[k] for k in ("id", "timezone", "date", "timestamp")},
                "league": league,
            }
        )
    return found


def _record(played: int = 0, win: int = 0, draw: int = 0, goals: tuple[int, int] = (0, 0)) -> Item:
    return {
        "played": played,
        "win": win,
        "draw": draw,
        "lose": played - win - draw,
        "goals": {"for": goals[0], "against": goals[1]},
    }


def standings(items: Iterable[Item], *, league: int, season: int) -> list[Item]:
    """The table of the finished fixtures (one group), as ``/standings`` answers it."""
    table: dict[int, dict[str, Any]] = {}
    for item in items:
        for side in ("home", "away"):
            table.setdefault(
                item["teams"][side]["id"],
                {"team": _team(item, side), "p": 0, "w": 0, "d": 0, "for": 0, "against": 0},
            )
        if item["fixture"]["status"]["short"] not in ("FT", "AET", "PEN"):
            continue
        home, away = item["score"]["fulltime"]["home"], item["score"]["fulltime"]["away"]
        for side, mine, theirs in (("home", home, away), ("away", away, home)):
            row = table[item["teams"][side]["id"]]
            row["p"] += 1
            row["w"] += mine > theirs
            row["d"] += mine == theirs
            row["for"] += mine
            row["against"] += theirs
    ranked = sorted(table.values(), key=lambda r: (-(3 * r["w"] + r["d"]), r["team"]["name"]))
    rows = [
        {
            "rank": rank,
            "team": r["team"],
            "points": 3 * r["w"] + r["d"],
            "goalsDiff": r["for"] - r["against"],
            "group": f"League {league}",
            "form": None,
            "status": "same",
            "description": None,
            "all": _record(r["p"], r["w"], r["d"], (r["for"], r["against"])),
            "home": _record(),
            "away": _record(),
            "update": "2025-08-20T00:00:00+00:00",
        }
        for rank, r in enumerate(ranked, start=1)
    ]
    return [
        {
            "league": {
                "id": league,
                "name": f"League {league}",
                "country": "England",
                "logo": None,
                "flag": None,
                "season": season,
                "standings": [rows],
            }
        }
    ]


def team_statistics(team_id: int, *, league: int, season: int) -> Item:
    """``/teams/statistics`` answers with one object, not a list."""
    name = dict(_TEAMS).get(team_id, f"Team {team_id}")
    return {
        "league": {
            "id": league,
            "name": f"League {league}",
            "country": "England",
            "logo": None,
            "flag": None,
            "season": season,
        },
        "team": {"id": team_id, "name": name, "logo": None},
        "form": "WDL",
        "fixtures": {"played": {"home": 1, "away": 2, "total": 3}},
        "goals": {"for": {"total": {"home": 1, "away": 2, "total": 3}}},
        "biggest": {"streak": {"wins": 1, "draws": 1, "loses": 1}},
        "clean_sheet": {"home": 0, "away": 1, "total": 1},
        "failed_to_score": {"home": 0, "away": 0, "total": 0},
        "penalty": {"scored": {"total": 0, "percentage": "0%"}, "total": 0},
        "lineups": [{"formation": "4-4-2", "played": 3}],
        "cards": {"yellow": {}, "red": {}},
    }


def sparse(value: Any) -> Any:
    """``value`` (an answer, an item, a part) without the optional parts the provider does not
    always send: a lineup's substitutes and coach, an event's assist."""
    if isinstance(value, dict):
        return {k: sparse(v) for k, v in value.items() if k not in SPARSE}
    if isinstance(value, list):
        return [sparse(v) for v in value]
    return value
