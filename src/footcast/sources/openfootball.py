"""openfootball's football.json season files: one competition's matches, played or scheduled.

The layout (https://github.com/openfootball/football.json)::

    {"name": "Premier League 2020/21",
     "matches": [{"round": "Matchday 1", "date": "2020-09-12", "time": "12:30",
                  "team1": "Fulham FC", "team2": "Arsenal FC",
                  "score": {"ht": [0, 1], "ft": [0, 3]}}, ...]}

``team1`` plays at home. ``ft`` is the 90-minute score (cup matches may add ``et`` and ``p``,
which are not read); ``ht`` is often missing, and a match without ``ft`` (or without ``score``)
is not played yet: it becomes a scheduled fixture. The files have no odds. Lines may end with
CRLF; a UTF-8 byte-order mark is tolerated.

Conventions footcast applies:

- **Competition.** ``name`` less its trailing season ("2020/21", "2020-21", "2020") is the
  competition's name ("Premier League"); its code is that name in lower case with every run of
  other characters than letters and digits made one ``-`` ("premier-league"), at most 32
  characters.
- **Season.** From the dates, not the name: "2020-21" when all matches fall in one July-to-June
  season (as football-data's files), else the calendar year when they fall in one year (a
  league played February to November, a summer tournament), else the season of the first match.
- **Kickoff.** ``date`` is the local match date and ``time`` the local kickoff time, "HH:MM",
  optionally with its offset ("18:00 UTC+3", as the tournament files give it). Without an
  offset the competition's time zone is used (``ZONES``, by competition name; UTC for one not
  listed). A match without ``time`` has an unknown kickoff: 15:00 local time is assumed, the
  usual Saturday kickoff, as for old football-data files.

A bad entry is reported by its index in ``matches``, e.g. ``en.1.json: matches[3]: team2 = '':
is empty``; read ``strict``, it rejects the file.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from footcast import errors
from footcast.sources.season_file import BadRow, ParsedFile, Row, season_of

__all__ = ["competition_of", "read", "season_from"]

SOURCE = "openfootball"
DEFAULT_KICKOFF = time(15, 0)
ROUND_LENGTH = 64  # as stored
CODE_LENGTH = 32
_LONDON, _BERLIN, _MADRID = "Europe/London", "Europe/Berlin", "Europe/Madrid"
# competition name (as in the files, less the season; case ignored) -> its time zone
ZONES = {
    "premier league": _LONDON, "english premier league": _LONDON, "championship": _LONDON,
    "english championship": _LONDON, "league one": _LONDON, "english league one": _LONDON,
    "league two": _LONDON, "english league two": _LONDON, "fa cup": _LONDON,
    "scottish premiership": _LONDON, "bundesliga": _BERLIN, "deutsche bundesliga": _BERLIN,
    "2. bundesliga": _BERLIN, "3. liga": _BERLIN, "dfb pokal": _BERLIN, "la liga": _MADRID,
    "primera división": _MADRID, "primera división de españa": _MADRID,
    "segunda división": _MADRID, "serie a": "Europe/Rome", "italian serie a": "Europe/Rome",
    "serie b": "Europe/Rome", "ligue 1": "Europe/Paris", "french ligue 1": "Europe/Paris",
    "ligue 2": "Europe/Paris", "eredivisie": "Europe/Amsterdam",
    "österreichische bundesliga": "Europe/Vienna", "austrian bundesliga": "Europe/Vienna",
    "swiss super league": "Europe/Zurich", "primeira liga": "Europe/Lisbon",
}  # fmt: skip
_SEASON = re.compile(r"\s+\d{4}(?:[/-]\d{2}(?:\d{2})?)?\s*$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:\s*UTC(?:([+-])(\d{1,2})(?::?(\d{2}))?)?)?$")


class _Bad(Exception):
    def __init__(self, field: str, value: object, reason: str) -> None:
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


def read(path: Path, *, strict: bool = False) -> ParsedFile:
    """Parse one football.json file.

    Raises:
        InvalidInput: the file can not be read, is not a football.json file, or (with
            ``strict``) has a bad match entry; the message names the file and the entry.
    """
    name, entries = _document(path)
    code, competition = competition_of(name)
    zone = ZoneInfo(ZONES.get(competition.casefold(), "UTC"))
    rows: list[Row] = []
    bad: list[BadRow] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        try:
            row = _row(index, entry, code=code, competition=competition, zone=zone)
            first = seen.setdefault(row.external_id, index)
            if first != index:
                raise _Bad("date", row.day.isoformat(), f"the same match as matches[{first}]")
            rows.append(row)
        except _Bad as problem:
            value = problem.value if isinstance(problem.value, str) else json.dumps(problem.value)
            report = BadRow(
                path=path, line=index, column=problem.field, value=value,
                reason=problem.reason, entry=True,
            )  # fmt: skip
            if strict:
                raise errors.InvalidInput(f"{path}: rejected, nothing stored: {report}") from None
            bad.append(report)
    if rows:
        # one file is one season, even when a match is played late
        season = season_from([r.day for r in rows])
        rows = [dataclasses.replace(r, season=season) for r in rows]
    return ParsedFile(path=path, source=SOURCE, rows=tuple(rows), bad=tuple(bad))


def competition_of(name: str) -> tuple[str, str]:
    """(code, name) of the competition a file's ``name`` tells (see the module docstring)."""
    competition = _SEASON.sub("", name).strip() or name.strip()
    code = re.sub(r"[\W_]+", "-", competition.casefold()).strip("-")[:CODE_LENGTH].strip("-")
    return code or "openfootball", competition


def season_from(days: list[date]) -> str:
    """The season label of a file's match dates (see the module docstring)."""
    first, last = min(days), max(days)
    if season_of(first) == season_of(last):
        return season_of(first)
    if first.year == last.year:
        return str(first.year)
    return season_of(first)


def _document(path: Path) -> tuple[str, list[object]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise errors.InvalidInput(
            f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})"
        ) from exc
    except OSError as exc:
        raise errors.InvalidInput(f"{path}: can not be read: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise errors.InvalidInput(
            f"{path}: not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from exc
    if not isinstance(document, dict):
        raise errors.InvalidInput(f"{path}: not a football.json file: not a JSON object")
    if "matches" not in document and "rounds" in document:
        raise errors.InvalidInput(
            f'{path}: the older football.json layout with "rounds" is not read;'
            ' use a file with a "matches" list'
        )
    name, entries = document.get("name"), document.get("matches")
    if not isinstance(entries, list):
        raise errors.InvalidInput(f'{path}: not a football.json file: no "matches" list')
    if not isinstance(name, str) or not name.strip():
        raise errors.InvalidInput(f'{path}: not a football.json file: no "name" of the competition')
    return name, entries


def _row(index: int, entry: object, *, code: str, competition: str, zone: ZoneInfo) -> Row:
    if not isinstance(entry, dict):
        raise _Bad("match", entry, "is not an object")
    home, away = _team(entry, "team1"), _team(entry, "team2")
    if home == away:
        raise _Bad("team2", away, "is the home team too")
    day = _date(entry.get("date"))
    kickoff = _kickoff(day, entry.get("time"), zone)
    full, half = _score(entry.get("score"))
    round_ = entry.get("round")
    if round_ is not None and not isinstance(round_, str):
        raise _Bad("round", round_, "is not text")
    round_ = (round_ or "").strip()[:ROUND_LENGTH] or None
    return Row(
        source=SOURCE,
        line=index,
        division=code,
        competition_name=competition,
        season="",
        day=day,
        kickoff=kickoff,
        home=home,
        away=away,
        home_goals=None if full is None else full[0],
        away_goals=None if full is None else full[1],
        home_goals_ht=None if half is None else half[0],
        away_goals_ht=None if half is None else half[1],
        round=round_,
    )


def _team(entry: Mapping[str, object], key: str) -> str:
    value = entry.get(key)
    if key not in entry:
        raise _Bad(key, "", "is missing")
    if not isinstance(value, str):
        raise _Bad(key, value, "is not a team name")
    if not value.strip():
        raise _Bad(key, value, "is empty")
    return value.strip()


def _date(value: object) -> date:
    if value is None:
        raise _Bad("date", "", "is missing")
    if not isinstance(value, str):
        raise _Bad("date", value, "is not a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Bad("date", value, "is not a date YYYY-MM-DD") from None


def _kickoff(day: date, value: object, zone: ZoneInfo) -> datetime:
    if value is None or value == "":
        return datetime.combine(day, DEFAULT_KICKOFF, zone).astimezone(UTC)
    found = _TIME.match(value.strip()) if isinstance(value, str) else None
    if not isinstance(value, str) or found is None:
        raise _Bad("time", value, 'is not a time "HH:MM" or "HH:MM UTC+H"')
    hour, minute, sign, hours, minutes = found.groups()
    try:
        local = time(int(hour), int(minute))
    except ValueError:
        raise _Bad("time", value, 'is not a time "HH:MM" or "HH:MM UTC+H"') from None
    if "UTC" not in value:
        return datetime.combine(day, local, zone).astimezone(UTC)
    offset = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
    if offset > timedelta(hours=14):
        raise _Bad("time", value, "has an offset beyond UTC±14")
    fixed = timezone(-offset if sign == "-" else offset)
    return datetime.combine(day, local, fixed).astimezone(UTC)


def _score(value: object) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(full time, half time); full time ``None``: not played yet."""
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise _Bad("score", value, "is not an object")
    full = _goals("score.ft", value.get("ft"))
    half = _goals("score.ht", value.get("ht"))
    if full is None and half is not None:
        raise _Bad("score.ft", None, "is missing beside a half-time score")
    return full, half


def _goals(field: str, value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(g, int) and not isinstance(g, bool) for g in value)
    ):
        raise _Bad(field, value, "is not two numbers of goals [home, away]")
    if not all(0 <= g <= 99 for g in value):
        raise _Bad(field, value, "is not two numbers of goals from 0 to 99")
    return value[0], value[1]
