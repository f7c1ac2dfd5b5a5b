"""Importing season files into a real database: whole files, idempotent, nothing half-written,
and audited by the ops function itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from footcast import errors
from footcast.db import Database
from footcast.db.tables import AuditEntry, Match, MatchOdds
from footcast.db.writes import odds
from footcast.ops.data import import_file
from footcast.sources import football_data

NOW = datetime(2024, 1, 1, tzinfo=UTC)
HEADER = (
    "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HTHG,HTAG,HTR,"
    "AvgH,AvgD,AvgA,PSH,PSD,PSA,AvgCH,AvgCD,AvgCA"
)
ROWS = [
    "E0,09/08/2019,20:00,Liverpool,Norwich,4,1,H,4,0,H,1.14,9.06,21.39,1.15,9.5,22.0,1.14,9.88,21.0",
    "E0,10/08/2019,12:30,West Ham,Man City,0,5,A,0,1,A,12.0,6.6,1.25,12.5,6.9,1.26,11.5,6.8,1.24",
    "E0,10/08/2019,15:00,Bournemouth,Sheffield Utd,1,1,D,0,0,D,1.9,3.6,4.0,1.9,3.7,4.1,2.0,3.5,3.9",
]
FOOTBALL_JSON = """{\r
  "name": "Premier League 2020/21",\r
  "matches": [\r
    {"round": "Matchday 1", "date": "2020-09-12", "time": "12:30", "team1": "Fulham FC",\r
     "team2": "Arsenal FC", "score": {"ht": [0, 1], "ft": [0, 3]}},\r
    {"round": "Matchday 1", "date": "2020-09-12", "team1": "Liverpool FC",\r
     "team2": "Leeds United FC", "score": {"ft": [4, 3]}},\r
    {"round": "Matchday 2", "date": "2020-09-19", "time": "17:30",\r
     "team1": "Leeds United FC", "team2": "Fulham FC"}\r
  ]\r
}\r
"""
BAD = "E0,10/08/2019,15:00,Burnley,Southampton,three,0,H,,,,3.0,3.3,2.5,,,,,,"


def write(tmp_path: Path, lines: list[str], name: str = "E0.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


def counts(database: Database) -> tuple[int, int]:
    with database.transaction() as session:
        return (
            session.execute(sa.select(sa.func.count()).select_from(Match)).scalar_one(),
            session.execute(sa.select(sa.func.count()).select_from(MatchOdds)).scalar_one(),
        )


def test_a_file_is_stored_and_a_second_import_changes_nothing(
    database: Database, tmp_path: Path
) -> None:
    path = write(tmp_path, [HEADER, *ROWS])
    first = import_file(database, path, strict=False, now=NOW, actor="test")
    assert (first.stored, first.new, first.quotes, first.bad) == (3, 3, 9, ())
    with database.transaction() as session:
        stamps = session.execute(sa.select(Match.external_id, Match.updated_at)).all()
    second = import_file(
        database, path, strict=False, now=datetime(2024, 2, 1, tzinfo=UTC), actor="test"
    )
    assert (second.stored, second.new) == (3, 0)
    assert counts(database) == (3, 9)
    with database.transaction() as session:
        assert session.execute(sa.select(Match.external_id, Match.updated_at)).all() == stamps
        match = session.execute(
            sa.select(Match).where(Match.external_id == "E0:20190809:Liverpool:Norwich")
        ).scalar_one()
        assert (match.status, match.home_goals, match.away_goals, match.home_goals_ht) == (
            "finished",
            4,
            1,
            4,
        )
        assert (
            session.execute(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "import")
            ).scalar_one()
            == 2
        )


def test_an_import_is_audited_with_its_actor_file_and_counts(
    database: Database, tmp_path: Path
) -> None:
    path = write(tmp_path, [HEADER, *ROWS, BAD])
    import_file(database, path, strict=False, now=NOW, actor="cli:ann")
    with database.transaction() as session:
        entries = session.execute(
            sa.select(AuditEntry.actor, AuditEntry.action, AuditEntry.target, AuditEntry.details)
        ).all()
    assert [tuple(e) for e in entries] == [
        ("cli:ann", "import", str(path), {"stored": 3, "new": 3, "bad": 1, "dropped_odds": 0})
    ]


def test_a_corrected_file_updates_the_score(database: Database, tmp_path: Path) -> None:
    import_file(database, write(tmp_path, [HEADER, *ROWS]), strict=False, now=NOW, actor="test")
    fixed = [ROWS[0].replace(",4,1,H,", ",4,2,H,"), *ROWS[1:]]
    report = import_file(
        database,
        write(tmp_path, [HEADER, *fixed], "fixed.csv"),
        strict=False,
        now=NOW,
        actor="test",
    )
    assert report.new == 0
    with database.transaction() as session:
        goals = session.execute(
            sa.select(Match.away_goals).where(Match.external_id == "E0:20190809:Liverpool:Norwich")
        ).scalar_one()
    assert goals == 2


def test_bad_rows_are_skipped_and_reported_the_rest_stored(
    database: Database, tmp_path: Path
) -> None:
    report = import_file(
        database,
        write(tmp_path, [HEADER, ROWS[0], BAD, *ROWS[1:]]),
        strict=False,
        now=NOW,
        actor="test",
    )
    assert report.stored == 3
    assert [(b.line, b.column, b.value) for b in report.bad] == [(3, "FTHG", "three")]
    assert counts(database) == (3, 9)


def test_a_bad_odds_cell_costs_that_set_only_and_the_result_is_stored(
    database: Database, tmp_path: Path
) -> None:
    no_average = ROWS[1].replace(",12.0,6.6,1.25,", ",#N/A,6.6,1.25,")
    no_closing = ROWS[2].replace(",2.0,3.5,3.9", ",#N/A,3.5,3.9")
    path = write(tmp_path, [HEADER, ROWS[0], no_average, no_closing])
    report = import_file(database, path, strict=False, now=NOW, actor="test")
    assert (report.stored, report.new, report.quotes, report.bad) == (3, 3, 7, ())
    assert [(d.line, d.column, d.bookmaker, d.kind) for d in report.dropped] == [
        (3, "AvgH", "avg", "pre"),
        (4, "AvgCH", "avg", "closing"),
    ]
    with database.transaction() as session:
        stored = session.execute(
            sa.select(Match.external_id, Match.status, Match.home_goals, Match.away_goals)
        ).all()
        sets = session.execute(
            sa.select(Match.external_id, MatchOdds.bookmaker, MatchOdds.kind).join(
                Match, Match.id == MatchOdds.match_id
            )
        ).all()
    assert sorted(stored) == [
        ("E0:20190809:Liverpool:Norwich", "finished", 4, 1),
        ("E0:20190810:Bournemouth:Sheffield Utd", "finished", 1, 1),
        ("E0:20190810:West Ham:Man City", "finished", 0, 5),
    ]
    by_match = {(e, b, k) for e, b, k in sets}
    assert ("E0:20190810:West Ham:Man City", "pinnacle", "pre") in by_match
    assert ("E0:20190810:West Ham:Man City", "avg", "closing") in by_match
    assert ("E0:20190810:West Ham:Man City", "avg", "pre") not in by_match
    assert ("E0:20190810:Bournemouth:Sheffield Utd", "avg", "pre") in by_match
    assert ("E0:20190810:Bournemouth:Sheffield Utd", "avg", "closing") not in by_match


def test_strict_refuses_a_bad_odds_cell_and_stores_nothing(
    database: Database, tmp_path: Path
) -> None:
    no_closing = ROWS[2].replace(",2.0,3.5,3.9", ",#N/A,3.5,3.9")
    with pytest.raises(errors.InvalidInput, match=r"E0.csv:4: column AvgCH = '#N/A'"):
        import_file(
            database,
            write(tmp_path, [HEADER, *ROWS[:2], no_closing]),
            strict=True,
            now=NOW,
            actor="test",
        )
    assert counts(database) == (0, 0)


def test_strict_stores_nothing_of_a_bad_file_and_keeps_what_was_stored(
    database: Database, tmp_path: Path
) -> None:
    import_file(
        database,
        write(tmp_path, [HEADER, ROWS[0]], "earlier.csv"),
        strict=True,
        now=NOW,
        actor="test",
    )
    with pytest.raises(errors.InvalidInput, match=r"E0.csv:4: column FTHG = 'three'"):
        import_file(
            database, write(tmp_path, [HEADER, *ROWS[1:], BAD]), strict=True, now=NOW, actor="test"
        )
    assert counts(database) == (1, 3)


def test_snapshot_odds_are_those_published_by_then(database: Database, tmp_path: Path) -> None:
    import_file(database, write(tmp_path, [HEADER, ROWS[1]]), strict=False, now=NOW, actor="test")
    (row,) = football_data.read(tmp_path / "E0.csv").rows
    with database.transaction() as session:
        match_id = session.execute(sa.select(Match.id)).scalar_one()
        early = odds.latest(session, match_id, now=row.published("pre") - timedelta(minutes=1))
        known = odds.latest(session, match_id, now=row.kickoff)
    assert early is None
    assert known is not None
    # the market average comes before Pinnacle, and closing odds are never pre-match odds
    assert (known.bookmaker, known.home) == ("avg", 12.0)


def test_a_football_json_file_is_imported_played_and_scheduled_matches(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "premier-league"  # no extension: the content tells the format
    path.write_bytes(FOOTBALL_JSON.encode())
    report = import_file(database, path, strict=False, now=NOW, actor="test")
    assert (report.stored, report.new, report.quotes, report.bad) == (3, 3, 0, ())
    again = import_file(database, path, strict=False, now=NOW, actor="test")
    assert (again.stored, again.new) == (3, 0)
    with database.transaction() as session:
        stored = session.execute(
            sa.select(Match.source, Match.external_id, Match.status, Match.round,
                      Match.home_goals, Match.away_goals, Match.home_goals_ht)
            .order_by(Match.kickoff_at, Match.external_id)
        ).all()  # fmt: skip
    assert [tuple(r) for r in stored] == [
        ("openfootball", "premier-league:20200912:Fulham FC:Arsenal FC", "finished",
         "Matchday 1", 0, 3, 0),
        ("openfootball", "premier-league:20200912:Liverpool FC:Leeds United FC", "finished",
         "Matchday 1", 4, 3, None),
        ("openfootball", "premier-league:20200919:Leeds United FC:Fulham FC", "scheduled",
         "Matchday 2", None, None, None),
    ]  # fmt: skip

    played = FOOTBALL_JSON.replace('"team2": "Fulham FC"}', '"team2": "Fulham FC",'
                                   ' "score": {"ft": [4, 3]}}')  # fmt: skip
    path.write_bytes(played.encode())
    later = import_file(database, path, strict=False, now=NOW, actor="test")
    assert later.new == 0
    with database.transaction() as session:
        match = session.execute(
            sa.select(Match).where(
                Match.external_id == "premier-league:20200919:Leeds United FC:Fulham FC"
            )
        ).scalar_one()
        assert (match.status, match.home_goals, match.away_goals) == ("finished", 4, 3)


def test_a_bad_football_json_entry_is_named_by_its_index(
    database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "en.1.json"
    path.write_text(FOOTBALL_JSON.replace('"ft": [4, 3]', '"ft": [4]'))
    report = import_file(database, path, strict=False, now=NOW, actor="test")
    assert report.stored == 2
    assert [str(b) for b in report.bad] == [
        "en.1.json: matches[1]: score.ft = '[4]': is not two numbers of goals [home, away]"
    ]
    with pytest.raises(errors.InvalidInput, match=r"en.1.json: matches\[1\]: score.ft"):
        import_file(database, path, strict=True, now=NOW, actor="test")
