"""A season file's format is told by its content, never by its name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from footcast import errors
from footcast.sources import files

FOOTBALL_JSON = {
    "name": "Premier League 2020/21",
    "matches": [
        {"round": "Matchday 1", "date": "2020-09-12", "time": "12:30", "team1": "Fulham FC",
         "team2": "Arsenal FC", "score": {"ht": [0, 1], "ft": [0, 3]}},
    ],
}  # fmt: skip
CSV = "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR\nE0,12/09/2020,12:30,Fulham,Arsenal,0,3,A\n"


def test_json_named_csv_is_read_as_football_json(tmp_path: Path) -> None:
    path = tmp_path / "E0.csv"
    path.write_bytes(b"\xef\xbb\xbf \r\n" + json.dumps(FOOTBALL_JSON).encode())
    parsed = files.read(path)
    assert parsed.source == "openfootball"
    assert [r.home for r in parsed.rows] == ["Fulham FC"]


def test_csv_named_json_is_read_as_football_data(tmp_path: Path) -> None:
    path = tmp_path / "en.1.json"
    path.write_text(CSV)
    parsed = files.read(path)
    assert parsed.source == "football-data"
    assert [r.home for r in parsed.rows] == ["Fulham"]


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(errors.InvalidInput, match=r"missing\.json: can not be read"):
        files.read(tmp_path / "missing.json")
