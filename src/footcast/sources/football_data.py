"""football-data.co.uk season files: one row per match with the result and bookmakers' odds.

The columns are described at https://www.football-data.co.uk/notes.txt. A file may start with a
UTF-8 byte-order mark and end its lines with CRLF (the site's own files do); older files and
some leagues name the teams ``Home``/``Away`` and the goals ``HG``/``AG``/``Res``. ``Time`` is UK
local time and is missing in files before 2019 (15:00 is assumed, the usual Saturday kickoff).

Odds: a bookmaker's set is the three columns H, D, A of one prefix (``ODDS_SETS``); no other
column is read, so none other is checked (``B365C>2.5`` may hold anything). A set whose three
cells are empty is absent. A set with a cell that is empty, not a number (``#N/A``) or not above
1.0 is dropped for that match alone, with a warning naming file, line and column: the match, its
result and its other sets are kept. Read ``strict``, such a cell rejects the file like a bad row.

When each set became known is told in ``season_file``.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from footcast import errors
from footcast.domain.analysis import Odds
from footcast.sources.season_file import UK, BadRow, DroppedOdds, ParsedFile, Row, season_of

__all__ = ["read"]

SOURCE = "football-data"
DEFAULT_KICKOFF = time(15, 0)

LEAGUES = {
    "E0": "Premier League", "E1": "Championship", "E2": "League One", "E3": "League Two",
    "EC": "National League", "SC0": "Scottish Premiership", "SC1": "Scottish Championship",
    "SC2": "Scottish League One", "SC3": "Scottish League Two", "D1": "Bundesliga",
    "D2": "2. Bundesliga", "I1": "Serie A", "I2": "Serie B", "SP1": "La Liga", "SP2": "Segunda",
    "F1": "Ligue 1", "F2": "Ligue 2", "N1": "Eredivisie", "B1": "Jupiler League",
    "P1": "Primeira Liga", "T1": "Süper Lig", "G1": "Super League Greece",
}  # fmt: skip
# each field: the accepted column names, newest first
COLUMNS = {
    "division": ("Div",),
    "date": ("Date",),
    "home": ("HomeTeam", "Home", "HT"),
    "away": ("AwayTeam", "Away", "AT"),
    "home_goals": ("FTHG", "HG"),
    "away_goals": ("FTAG", "AG"),
    "result": ("FTR", "Res"),
}
# (bookmaker, kind, column prefix); a set is read when its three columns H, D, A are present
ODDS_SETS = (
    ("avg", "pre", "Avg"), ("avg", "pre", "BbAv"), ("bet365", "pre", "B365"),
    ("pinnacle", "pre", "PS"), ("avg", "closing", "AvgC"), ("bet365", "closing", "B365C"),
    ("pinnacle", "closing", "PSC"),
)  # fmt: skip


class _Bad(Exception):
    def __init__(self, column: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


@dataclass(frozen=True, kw_only=True)
class _BadOdds:
    bookmaker: str
    kind: str
    problem: _Bad


def read(path: Path, *, strict: bool = False) -> ParsedFile:
    """Parse one season file. Blank lines (the site pads files with commas) are skipped.

    Raises:
        InvalidInput: the file can not be read, lacks a required column, or (with ``strict``)
            has a bad row or a bad odds cell; the message names the file, line and column.
    """
    rows: list[Row] = []
    bad: list[BadRow] = []
    dropped: list[DroppedOdds] = []
    lines: dict[str, int] = {}
    for line, record, names in _records(path):
        try:
            row = _row(line, record, names)
            first = lines.setdefault(row.external_id, line)
            if first != line:
                raise _Bad(names["date"], record[names["date"]], f"the same match as line {first}")
            odds, problems = _odds(record)
            if problems and strict:
                raise problems[0].problem
            rows.append(dataclasses.replace(row, odds=odds))
            dropped.extend(
                DroppedOdds(
                    path=path, line=line, column=p.problem.column, value=p.problem.value,
                    reason=p.problem.reason, bookmaker=p.bookmaker, kind=p.kind,
                )
                for p in problems
            )  # fmt: skip
        except _Bad as problem:
            report = BadRow(
                path=path,
                line=line,
                column=problem.column,
                value=problem.value,
                reason=problem.reason,
            )
            if strict:
                raise errors.InvalidInput(f"{path}: rejected, nothing stored: {report}") from None
            bad.append(report)
    if rows and not rows[0].season:
        # one file is one season, even when a match is played late (2019-20 ended in July 2020)
        season = season_of(min(r.kickoff for r in rows).date())
        rows = [dataclasses.replace(r, season=season) for r in rows]
    return ParsedFile(
        path=path, source=SOURCE, rows=tuple(rows), bad=tuple(bad), dropped=tuple(dropped)
    )


def _records(path: Path) -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
    """(line number, record, field -> column name) for every non-blank row."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [name.strip() for name in next(reader, [])]
            names = _resolve(path, header)
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                yield (
                    reader.line_num,
                    dict(zip(header, (v.strip() for v in values), strict=False)),
                    names,
                )
    except UnicodeDecodeError as exc:
        raise errors.InvalidInput(
            f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})"
        ) from exc
    except OSError as exc:
        raise errors.InvalidInput(f"{path}: can not be read: {exc.strerror}") from exc
    except csv.Error as exc:
        raise errors.InvalidInput(f"{path}: not a CSV file: {exc}") from exc


def _resolve(path: Path, header: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for key, candidates in COLUMNS.items():
        found = next((c for c in candidates if c in header), None)
        if found is None:
            raise errors.InvalidInput(
                f"{path}: line 1: no {' or '.join(candidates)} column; is this a"
                " football-data.co.uk results file?"
            )
        names[key] = found
    names.update({k: k for k in ("Time", "HTHG", "HTAG", "Season") if k in header})
    return names


def _row(line: int, record: dict[str, str], names: dict[str, str]) -> Row:
    def text(key: str) -> str:
        column = names[key]
        value = record.get(column, "")
        if not value:
            raise _Bad(column, value, "is empty")
        return value

    division, home, away = text("division"), text("home"), text("away")
    if home == away:
        raise _Bad(names["away"], away, "is the home team too")
    day = _date(names["date"], text("date"))
    kickoff = datetime.combine(day, _time(record.get("Time", "")), UK).astimezone(UTC)
    home_goals = _goals(names["home_goals"], text("home_goals"))
    away_goals = _goals(names["away_goals"], text("away_goals"))
    result = text("result")
    expected = "H" if home_goals > away_goals else "A" if home_goals < away_goals else "D"
    if result != expected:
        raise _Bad(
            names["result"], result, f"contradicts the score {home_goals}-{away_goals} ({expected})"
        )
    half_time = [
        _goals(column, record[column]) if record.get(column) else None
        for column in ("HTHG", "HTAG")
    ]
    if (half_time[0] is None) != (half_time[1] is None):
        raise _Bad(
            "HTHG/HTAG", f"{record.get('HTHG', '')}/{record.get('HTAG', '')}", "one is empty"
        )
    return Row(
        source=SOURCE,
        line=line,
        division=division,
        competition_name=LEAGUES.get(division, division),
        season=record.get("Season") or "",
        day=day,
        kickoff=kickoff,
        home=home,
        away=away,
        home_goals=home_goals,
        away_goals=away_goals,
        home_goals_ht=half_time[0],
        away_goals_ht=half_time[1],
    )


def _date(column: str, value: str) -> date:
    for pattern in ("%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise _Bad(column, value, "is not a date dd/mm/yy or dd/mm/yyyy")


def _time(value: str) -> time:
    if not value:
        return DEFAULT_KICKOFF
    try:
        return datetime.strptime(value, "%H:%M").time()
    except ValueError:
        raise _Bad("Time", value, "is not a time HH:MM") from None


def _goals(column: str, value: str) -> int:
    try:
        goals = int(value)
    except ValueError:
        raise _Bad(column, value, "is not a number of goals") from None
    if not 0 <= goals <= 99:
        raise _Bad(column, value, "is not a number of goals from 0 to 99")
    return goals


def _odds(record: dict[str, str]) -> tuple[dict[tuple[str, str], Odds], list[_BadOdds]]:
    """The odds sets of a row, and the sets dropped for a bad cell (see the module docstring)."""
    found: dict[tuple[str, str], Odds] = {}
    problems: list[_BadOdds] = []
    for bookmaker, kind, prefix in ODDS_SETS:
        columns = [f"{prefix}{side}" for side in "HDA"]
        values = [record.get(c, "") for c in columns]
        if (bookmaker, kind) in found or not any(values):
            continue  # a newer set of the same bookmaker was read, or this one is absent
        try:
            prices = [_price(c, v) for c, v in zip(columns, values, strict=True)]
        except _Bad as problem:
            problems.append(_BadOdds(bookmaker=bookmaker, kind=kind, problem=problem))
            continue
        found[(bookmaker, kind)] = Odds(
            home=prices[0], draw=prices[1], away=prices[2], bookmaker=bookmaker
        )
    return found, problems


def _price(column: str, value: str) -> float:
    if not value:
        raise _Bad(column, value, "is empty")
    try:
        price = float(value)
    except ValueError:
        raise _Bad(column, value, "is not decimal odds") from None
    if not (math.isfinite(price) and price > 1.0):
        raise _Bad(column, value, "is not decimal odds (must be above 1)")
    return price
