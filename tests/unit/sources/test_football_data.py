"""Parsing football-data.co.uk season files: columns, encodings, bad rows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from footcast import errors
from footcast.sources import football_data

HEADER = (
    "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,AvgH,AvgD,AvgA,AvgCH,AvgCD,AvgCA"
)
GOOD = [
    "E0,09/08/2019,20:00,Liverpool,Norwich,4,1,H,4,0,H,1.14,9.06,21.39,1.14,9.88,21.0",
    "E0,10/08/2019,12:30,West Ham,Man City,0,5,A,0,1,A,12.0,6.6,1.25,11.5,6.8,1.24",
]


def write(tmp_path: Path, lines: list[str], *, name: str = "E0.csv", bom: bool = False,
          crlf: bool = False) -> Path:  # fmt: skip
    text = ("\r\n" if crlf else "\n").join(lines) + ("\r\n" if crlf else "\n")
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def test_a_row_becomes_a_match_in_utc_with_its_odds(tmp_path: Path) -> None:
    parsed = football_data.read(write(tmp_path, [HEADER, *GOOD]))
    assert parsed.bad == ()
    first = parsed.rows[0]
    assert first.kickoff == datetime(2019, 8, 9, 19, 0, tzinfo=UTC)  # 20:00 BST
    assert (first.home, first.away, first.home_goals, first.away_goals) == (
        "Liverpool",
        "Norwich",
        4,
        1,
    )
    assert (first.home_goals_ht, first.away_goals_ht) == (4, 0)
    assert first.season == "2019-20"
    assert first.odds[("avg", "pre")].home == 1.14
    assert first.odds[("avg", "closing")].draw == 9.88
    assert first.external_id == "E0:20190809:Liverpool:Norwich"
    fixture = first.fixture()
    assert (fixture.status, fixture.home_goals, fixture.competition_name) == (
        "finished",
        4,
        "Premier League",
    )


def test_byte_order_mark_and_crlf_are_tolerated(tmp_path: Path) -> None:
    plain = football_data.read(write(tmp_path, [HEADER, *GOOD], name="a.csv"))
    site = football_data.read(write(tmp_path, [HEADER, *GOOD], name="b.csv", bom=True, crlf=True))
    assert [r.fixture() for r in site.rows] == [r.fixture() for r in plain.rows]
    assert site.bad == ()


def test_two_digit_years_old_column_names_and_no_time(tmp_path: Path) -> None:
    path = write(
        tmp_path, ["Div,Date,HomeTeam,AwayTeam,HG,AG,Res", "E1,14/01/17,Leeds,Derby,1,1,D"]
    )
    (row,) = football_data.read(path).rows
    assert row.kickoff == datetime(2017, 1, 14, 15, 0, tzinfo=UTC)  # 15:00 GMT assumed
    assert row.season == "2016-17"
    assert row.odds == {}


def test_padding_lines_of_commas_are_skipped(tmp_path: Path) -> None:
    parsed = football_data.read(write(tmp_path, [HEADER, GOOD[0], ",,,,,,,,,,,,,,,,", GOOD[1]]))
    assert len(parsed.rows) == 2
    assert parsed.bad == ()


def test_a_season_file_keeps_one_season_for_late_matches(tmp_path: Path) -> None:
    late = "E0,26/07/2020,16:00,Leicester,Man United,0,2,A,0,0,D,3.2,3.6,2.2,3.1,3.7,2.25"
    parsed = football_data.read(write(tmp_path, [HEADER, GOOD[0], late]))
    assert {r.season for r in parsed.rows} == {"2019-20"}


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        pytest.param("E0,32/08/2019,15:00,A,B,1,0,H,,,,,,,,,", "Date", "not a date", id="date"),
        pytest.param("E0,10/08/2019,25:61,A,B,1,0,H,,,,,,,,,", "Time", "not a time", id="time"),
        pytest.param("E0,10/08/2019,15:00,A,B,x,0,H,,,,,,,,,", "FTHG", "not a number", id="goals"),
        pytest.param("E0,10/08/2019,15:00,A,B,-1,0,H,,,,,,,,,", "FTHG", "0 to 99", id="negative"),
        pytest.param("E0,10/08/2019,15:00,A,B,1,0,A,,,,,,,,,", "FTR", "contradicts", id="result"),
        pytest.param("E0,10/08/2019,15:00,,B,1,0,H,,,,,,,,,", "HomeTeam", "empty", id="no-team"),
        pytest.param("E0,10/08/2019,15:00,A,A,1,0,H,,,,,,,,,", "AwayTeam", "home team", id="same"),
        pytest.param(
            "E0,10/08/2019,15:00,A,B,1,0,H,1,,H,,,,,,", "HTHG/HTAG", "one is empty", id="ht"
        ),
    ],
)
def test_a_bad_row_is_reported_with_file_line_and_column(
    tmp_path: Path, line: str, column: str, reason: str
) -> None:
    parsed = football_data.read(write(tmp_path, [HEADER, GOOD[0], line, GOOD[1]]))
    assert len(parsed.rows) == 2  # the good rows around it are kept
    (bad,) = parsed.bad
    assert (bad.path.name, bad.line, bad.column) == ("E0.csv", 3, column)
    assert reason in bad.reason
    assert str(bad).startswith(f"E0.csv:3: column {column}")


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        pytest.param(("#N/A", "3.3", "2.5"), "AvgH", "is not decimal odds", id="n/a"),
        pytest.param(("2.0", "", "2.5"), "AvgD", "is empty", id="empty"),
        pytest.param(("2.0", "3.3", "evens"), "AvgA", "is not decimal odds", id="text"),
        pytest.param(("2.0", "1.0", "2.5"), "AvgD", "above 1", id="one"),
        pytest.param(("2.0", "0.5", "2.5"), "AvgD", "above 1", id="below-one"),
        pytest.param(("2.0", "nan", "2.5"), "AvgD", "above 1", id="nan"),
    ],
)
@pytest.mark.parametrize("kind", ["pre", "closing"])
def test_a_bad_odds_cell_drops_that_set_of_that_match_only(
    tmp_path: Path, cells: tuple[str, str, str], column: str, reason: str, kind: str
) -> None:
    good = "3.1,3.3,2.5"
    pre, closing = (",".join(cells), good) if kind == "pre" else (good, ",".join(cells))
    line = f"E0,10/08/2019,15:00,Burnley,Southampton,3,0,H,0,0,D,{pre},{closing}"
    if kind == "closing":
        column = column.replace("Avg", "AvgC")
    parsed = football_data.read(write(tmp_path, [HEADER, GOOD[0], line, GOOD[1]]))
    assert parsed.bad == ()
    assert len(parsed.rows) == 3
    row = parsed.rows[1]
    assert (row.home, row.home_goals, row.away_goals, row.home_goals_ht) == ("Burnley", 3, 0, 0)
    other = "closing" if kind == "pre" else "pre"
    assert set(row.odds) == {("avg", other)}
    assert row.odds[("avg", other)].home == 3.1
    assert all(len(r.odds) == 2 for r in (parsed.rows[0], parsed.rows[2]))
    (dropped,) = parsed.dropped
    assert (dropped.path.name, dropped.line, dropped.column) == ("E0.csv", 3, column)
    assert (dropped.bookmaker, dropped.kind) == ("avg", kind)
    assert reason in dropped.reason
    assert str(dropped).startswith(f"E0.csv:3: column {column} = ")
    assert str(dropped).endswith("odds of this match are left out")


def test_a_set_of_three_empty_cells_is_absent_not_bad(tmp_path: Path) -> None:
    line = "E0,10/08/2019,15:00,Burnley,Southampton,3,0,H,0,0,D,,,,3.1,3.3,2.5"
    parsed = football_data.read(write(tmp_path, [HEADER, line]), strict=True)
    (row,) = parsed.rows
    assert set(row.odds) == {("avg", "closing")}
    assert parsed.dropped == ()


def test_columns_footcast_does_not_read_are_never_checked(tmp_path: Path) -> None:
    header = f"{HEADER},B365C>2.5,B365C<2.5,AHCh,MaxH"
    line = f"{GOOD[0]},#N/A,,not a number,0.5"
    parsed = football_data.read(write(tmp_path, [header, line]), strict=True)
    assert (len(parsed.rows), parsed.bad, parsed.dropped) == (1, (), ())


def test_strict_rejects_a_file_with_a_bad_odds_cell(tmp_path: Path) -> None:
    line = "E0,10/08/2019,15:00,Burnley,Southampton,3,0,H,0,0,D,3.1,3.3,2.5,#N/A,3.3,2.5"
    path = write(tmp_path, [HEADER, GOOD[0], line])
    with pytest.raises(
        errors.InvalidInput, match=r"rejected, nothing stored: E0.csv:3: column AvgCH = '#N/A'"
    ):
        football_data.read(path, strict=True)


def test_strict_rejects_the_file_at_its_first_bad_row(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, GOOD[0], "E0,10/08/2019,15:00,A,B,x,0,H,,,,,,,,,", GOOD[1]])
    with pytest.raises(errors.InvalidInput, match=r"E0.csv:3: column FTHG = 'x'"):
        football_data.read(path, strict=True)


def test_the_same_match_twice_is_a_bad_row(tmp_path: Path) -> None:
    parsed = football_data.read(write(tmp_path, [HEADER, GOOD[0], GOOD[1], GOOD[0]]))
    (bad,) = parsed.bad
    assert (bad.line, bad.column) == (4, "Date")
    assert "same match as line 2" in bad.reason


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b"Div,Date,HomeTeam\nE0,01/01/2020,A\n", "no AwayTeam or Away or AT", id="column"
        ),
        pytest.param(b"Div,Date\n\xff\xfe\n", "not UTF-8", id="encoding"),
        pytest.param(b"", "no Div column", id="empty"),
    ],
)
def test_a_file_that_is_not_a_results_file_is_refused(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    with pytest.raises(errors.InvalidInput, match=message):
        football_data.read(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(errors.InvalidInput, match=r"missing\.csv: can not be read"):
        football_data.read(tmp_path / "missing.csv")


def test_pre_match_odds_are_published_at_football_data_collection_time(tmp_path: Path) -> None:
    rows = football_data.read(write(tmp_path, [HEADER, *GOOD])).rows
    # Friday 20:00 BST: collected the same Friday 16:00 BST; Saturday 12:30: the Friday before
    assert rows[0].published("pre") == datetime(2019, 8, 9, 15, 0, tzinfo=UTC)
    assert rows[1].published("pre") == datetime(2019, 8, 9, 15, 0, tzinfo=UTC)
    assert rows[1].published("closing") == rows[1].kickoff
    midweek = "E0,18/12/2019,19:30,Spurs,Wolves,1,1,D,0,0,D,2.0,3.5,3.8,2.0,3.5,3.8"
    (row,) = football_data.read(write(tmp_path, [HEADER, midweek], name="m.csv")).rows
    assert row.published("pre") == datetime(2019, 12, 17, 16, 0, tzinfo=UTC)  # Tuesday, GMT


@pytest.mark.realdata
def test_the_real_premier_league_seasons_parse_whole(shared_dir: Path) -> None:
    for name, season in (("E0_2019-20.csv", "2019-20"), ("E0_2020-21.csv", "2020-21")):
        parsed = football_data.read(shared_dir / "data" / "football-data" / name, strict=True)
        assert len(parsed.rows) == 380
        assert {r.season for r in parsed.rows} == {season}
        teams = {r.home for r in parsed.rows}
        assert len(teams) == 20
        assert all(("avg", "pre") in r.odds and ("avg", "closing") in r.odds for r in parsed.rows)
        assert all(r.played for r in parsed.rows)
        goals = sum((r.home_goals or 0) + (r.away_goals or 0) for r in parsed.rows)
        assert 900 < goals < 1200  # a Premier League season has about 1,000 goals
