"""The archive source tells a played match as of any moment, never ahead of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from footcast import errors
from footcast.sources import football_data, openfootball
from footcast.sources.archive import ArchiveSource

HEADER = (
    "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,"
    "AvgH,AvgD,AvgA,PSH,PSD,PSA,AvgCH,AvgCD,AvgCA"
)
ROWS = [
    "E0,10/08/2019,15:00,Burnley,Southampton,3,0,H,0,0,D,2.6,3.2,2.9,2.7,3.3,2.8,2.5,3.3,3.0",
    "E0,11/08/2019,16:30,Man United,Chelsea,4,0,H,1,0,H,2.3,3.4,3.2,2.4,3.5,3.1,2.2,3.5,3.3",
]
KICKOFF = datetime(2019, 8, 10, 14, 0, tzinfo=UTC)  # 15:00 BST


@pytest.fixture
def archive(tmp_path: Path) -> ArchiveSource:
    path = tmp_path / "E0.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n")
    return ArchiveSource(football_data.read(path, strict=True).rows)


def test_a_match_is_scheduled_then_live_then_finished(archive: ArchiveSource) -> None:
    key = "E0:20190810:Burnley:Southampton"
    before = archive.fixture(key, now=KICKOFF - timedelta(seconds=1))
    assert (before.status, before.home_goals) == ("scheduled", None)
    early = archive.fixture(key, now=KICKOFF + timedelta(minutes=20))
    assert (early.status, early.minute, early.home_goals) == ("live", 21, None)
    second_half = archive.fixture(key, now=KICKOFF + timedelta(minutes=80))
    assert (second_half.status, second_half.minute) == ("live", 65)
    # the files hold only half-time and full-time scores: the live score is the half-time one
    assert (second_half.home_goals, second_half.away_goals) == (0, 0)
    done = archive.fixture(key, now=KICKOFF + timedelta(minutes=110))
    assert (done.status, done.home_goals, done.away_goals) == ("finished", 3, 0)


def test_fixtures_in_a_window(archive: ArchiveSource) -> None:
    found = archive.fixtures(KICKOFF, KICKOFF + timedelta(days=1), now=KICKOFF - timedelta(days=5))
    assert [f.home for f in found] == ["Burnley"]
    assert archive.first_kickoff == KICKOFF
    assert archive.last_kickoff == datetime(2019, 8, 11, 15, 30, tzinfo=UTC)


def test_odds_appear_when_they_were_collected_and_closing_odds_never(
    archive: ArchiveSource,
) -> None:
    key = "E0:20190810:Burnley:Southampton"
    collected = datetime(2019, 8, 9, 15, 0, tzinfo=UTC)  # Friday 16:00 BST
    assert archive.odds(key, now=collected - timedelta(minutes=1)) is None
    seen = archive.odds(key, now=collected)
    assert seen is not None
    assert (seen.bookmaker, seen.home) == ("avg", 2.6)
    after = archive.odds(key, now=KICKOFF + timedelta(hours=3))
    assert after == seen  # the closing 2.5 is never shown as pre-match odds


def test_unknown_ids_and_empty_archives_are_refused(archive: ArchiveSource) -> None:
    with pytest.raises(errors.NotFound, match="no match 'E0:nope'"):
        archive.fixture("E0:nope", now=KICKOFF)
    assert archive.lineups("E0:20190810:Burnley:Southampton", now=KICKOFF) is None
    with pytest.raises(errors.InvalidInput, match="nothing to replay"):
        ArchiveSource([])


def test_an_openfootball_match_without_a_score_stays_scheduled(tmp_path: Path) -> None:
    path = tmp_path / "en.1.json"
    path.write_text(
        '{"name": "Premier League 2020/21", "matches": [\r\n'
        ' {"date": "2020-09-12", "time": "12:30", "team1": "Fulham FC", "team2": "Arsenal FC",'
        ' "score": {"ft": [0, 3]}},\r\n'
        ' {"date": "2020-09-13", "team1": "Tottenham Hotspur FC", "team2": "Everton FC"}]}\r\n'
    )
    archive = ArchiveSource(openfootball.read(path, strict=True).rows)
    assert archive.name == "openfootball"
    later = datetime(2020, 9, 20, tzinfo=UTC)
    played = archive.fixture("premier-league:20200912:Fulham FC:Arsenal FC", now=later)
    assert (played.status, played.home_goals, played.away_goals) == ("finished", 0, 3)
    unplayed = archive.fixture("premier-league:20200913:Tottenham Hotspur FC:Everton FC", now=later)
    assert (unplayed.status, unplayed.home_goals) == ("scheduled", None)
    assert archive.odds(unplayed.external_id, now=later) is None
