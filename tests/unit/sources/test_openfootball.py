"""Parsing openfootball's football.json files: conventions, scheduled matches, bad entries."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from footcast import errors
from footcast.sources import openfootball

MATCHES: list[dict[str, object]] = [
    {"round": "Matchday 1", "date": "2020-09-12", "time": "12:30", "team1": "Fulham FC",
     "team2": "Arsenal FC", "score": {"ht": [0, 1], "ft": [0, 3]}},
    {"round": "Matchday 1", "date": "2020-09-12", "time": "17:30", "team1": "Liverpool FC",
     "team2": "Leeds United FC", "score": {"ft": [4, 3]}},
    {"round": "Matchday 1", "date": "2020-09-13", "team1": "Tottenham Hotspur FC",
     "team2": "Everton FC", "score": {"ht": [0, 0], "ft": [0, 1]}},
    {"round": "Matchday 38", "date": "2021-05-23", "time": "16:00", "team1": "Arsenal FC",
     "team2": "Brighton & Hove Albion FC"},
]  # fmt: skip


def write(tmp_path: Path, matches: list[object], *, name: str = "Premier League 2020/21",
          file: str = "en.1.json") -> Path:  # fmt: skip
    """A football.json file as openfootball writes it, with CRLF line ends."""
    text = json.dumps({"name": name, "matches": matches}, indent=2, ensure_ascii=False)
    path = tmp_path / file
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


def test_matches_become_rows_in_utc_with_the_conventions(tmp_path: Path) -> None:
    parsed = openfootball.read(write(tmp_path, list(MATCHES)))
    assert (parsed.bad, parsed.dropped, parsed.source) == ((), (), "openfootball")
    fulham, liverpool, spurs, _ = parsed.rows
    assert fulham.kickoff == datetime(2020, 9, 12, 11, 30, tzinfo=UTC)  # 12:30 BST
    assert (fulham.home, fulham.away, fulham.home_goals, fulham.away_goals) == (
        "Fulham FC", "Arsenal FC", 0, 3,
    )  # fmt: skip
    assert (fulham.home_goals_ht, fulham.away_goals_ht) == (0, 1)
    assert (liverpool.home_goals, liverpool.home_goals_ht) == (4, None)  # no half time
    assert spurs.kickoff == datetime(2020, 9, 13, 14, 0, tzinfo=UTC)  # no time: 15:00 local
    assert {r.season for r in parsed.rows} == {"2020-21"}
    fixture = fulham.fixture()
    assert (fixture.competition, fixture.competition_name, fixture.round) == (
        "premier-league", "Premier League", "Matchday 1",
    )  # fmt: skip
    assert (fixture.status, fixture.home_goals) == ("finished", 0)
    assert fixture.external_id == "premier-league:20200912:Fulham FC:Arsenal FC"


def test_a_match_without_a_score_is_a_scheduled_fixture(tmp_path: Path) -> None:
    arsenal = openfootball.read(write(tmp_path, list(MATCHES))).rows[3]
    assert not arsenal.played
    fixture = arsenal.fixture()
    assert (fixture.status, fixture.home_goals, fixture.away_goals) == ("scheduled", None, None)
    assert fixture.kickoff == datetime(2021, 5, 23, 15, 0, tzinfo=UTC)
    for score in ({}, {"ft": None}):
        entry = {**MATCHES[0], "score": score}
        (row,) = openfootball.read(write(tmp_path, [entry], file="s.json")).rows
        assert row.fixture().status == "scheduled"


def test_an_explicit_utc_offset_is_used_as_given(tmp_path: Path) -> None:
    entry = {**MATCHES[0], "date": "2022-11-20", "time": "19:00 UTC+3"}
    (row,) = openfootball.read(write(tmp_path, [entry], name="World Cup 2022")).rows
    assert row.kickoff == datetime(2022, 11, 20, 16, 0, tzinfo=UTC)
    assert (row.division, row.competition_name, row.season) == ("world-cup", "World Cup", "2022-23")


def test_an_unknown_competition_reads_times_as_utc(tmp_path: Path) -> None:
    (row,) = openfootball.read(write(tmp_path, [MATCHES[0]], name="Some Cup 2020-21")).rows
    assert row.kickoff == datetime(2020, 9, 12, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "code", "competition"),
    [
        ("Premier League 2020/21", "premier-league", "Premier League"),
        ("English Premier League 2015-16", "english-premier-league", "English Premier League"),
        ("Deutsche Bundesliga 2020/2021", "deutsche-bundesliga", "Deutsche Bundesliga"),
        ("Brasileirão Série A 2020", "brasileirão-série-a", "Brasileirão Série A"),
        ("2. Bundesliga 2020/21", "2-bundesliga", "2. Bundesliga"),
        ("Copa", "copa", "Copa"),
    ],
)
def test_the_competition_is_the_name_less_its_season(
    name: str, code: str, competition: str
) -> None:
    assert openfootball.competition_of(name) == (code, competition)


@pytest.mark.parametrize(
    ("days", "season"),
    [
        ([date(2020, 9, 12), date(2021, 5, 23)], "2020-21"),
        ([date(2019, 8, 9), date(2020, 7, 26)], "2019-20"),  # a late end stays in its season
        ([date(2020, 2, 1), date(2020, 12, 6)], "2020"),  # a calendar-year league
        ([date(2021, 6, 11), date(2021, 7, 11)], "2021"),  # a summer tournament
    ],
)
def test_the_season_comes_from_the_dates(days: list[date], season: str) -> None:
    assert openfootball.season_from(days) == season


@pytest.mark.parametrize(
    ("entry", "field", "reason"),
    [
        pytest.param({"date": "2020-09-19", "team1": "A"}, "team2", "is missing", id="no-team"),
        pytest.param({"date": "2020-09-19", "team1": "A", "team2": " "}, "team2", "is empty",
                     id="empty-team"),
        pytest.param({"date": "2020-09-19", "team1": "A", "team2": "A"}, "team2", "home team",
                     id="same-team"),
        pytest.param({"date": "19/09/2020", "team1": "A", "team2": "B"}, "date", "YYYY-MM-DD",
                     id="date"),
        pytest.param({"team1": "A", "team2": "B"}, "date", "is missing", id="no-date"),
        pytest.param({"date": "2020-09-19", "time": "25:00", "team1": "A", "team2": "B"},
                     "time", "is not a time", id="time"),
        pytest.param({"date": "2020-09-19", "team1": "A", "team2": "B", "score": {"ft": [1]}},
                     "score.ft", "two numbers", id="one-goal"),
        pytest.param({"date": "2020-09-19", "team1": "A", "team2": "B",
                      "score": {"ft": [1, -1]}}, "score.ft", "0 to 99", id="negative"),
        pytest.param({"date": "2020-09-19", "team1": "A", "team2": "B",
                      "score": {"ft": ["1", "0"]}}, "score.ft", "two numbers", id="text-goals"),
        pytest.param({"date": "2020-09-19", "team1": "A", "team2": "B",
                      "score": {"ht": [1, 0]}}, "score.ft", "half-time", id="ht-only"),
        pytest.param(["A", "B"], "match", "is not an object", id="not-object"),
    ],
)  # fmt: skip
def test_a_bad_entry_is_reported_by_its_index_and_the_rest_kept(
    tmp_path: Path, entry: object, field: str, reason: str
) -> None:
    parsed = openfootball.read(write(tmp_path, [MATCHES[0], entry, MATCHES[1]]))
    assert len(parsed.rows) == 2
    (bad,) = parsed.bad
    assert (bad.path.name, bad.line, bad.column) == ("en.1.json", 1, field)
    assert reason in bad.reason
    assert str(bad).startswith(f"en.1.json: matches[1]: {field} = ")


def test_strict_rejects_the_file_at_its_first_bad_entry(tmp_path: Path) -> None:
    bad = {**MATCHES[1], "score": {"ft": [4]}}
    path = write(tmp_path, [MATCHES[0], bad])
    with pytest.raises(
        errors.InvalidInput,
        match=r"rejected, nothing stored: en.1.json: matches\[1\]: score.ft = '\[4\]'",
    ):
        openfootball.read(path, strict=True)


def test_the_same_match_twice_is_a_bad_entry(tmp_path: Path) -> None:
    parsed = openfootball.read(write(tmp_path, [MATCHES[0], MATCHES[1], MATCHES[0]]))
    (bad,) = parsed.bad
    assert (bad.line, bad.column) == (2, "date")
    assert "same match as matches[0]" in bad.reason


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b'{"name": "X", "matches": [', "not JSON", id="syntax"),
        pytest.param(b"[1, 2]", "not a JSON object", id="list"),
        pytest.param(b'{"name": "X"}', 'no "matches" list', id="no-matches"),
        pytest.param(b'{"matches": []}', 'no "name"', id="no-name"),
        pytest.param(b'{"name": "X 2015/16", "rounds": []}', 'layout with "rounds"', id="old"),
        pytest.param(b'{"name": "\xff"}', "not UTF-8", id="encoding"),
    ],
)
def test_a_file_that_is_not_football_json_is_refused(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "odd.json"
    path.write_bytes(content)
    with pytest.raises(errors.InvalidInput, match=message):
        openfootball.read(path)
