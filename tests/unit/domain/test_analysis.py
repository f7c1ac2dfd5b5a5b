"""The snapshot's derived views (form, table, head-to-head) and its stored payload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from footcast import errors
from footcast.domain.analysis import Injury, Odds, PastMatch, Snapshot

START = datetime(2020, 8, 1, 15, 0, tzinfo=UTC)


def past(day: int, home: str, away: str, score: str, season: str = "2020-21") -> PastMatch:
    home_goals, away_goals = (int(g) for g in score.split("-"))
    return PastMatch(
        kickoff=START + timedelta(days=day), home=home, away=away,
        home_goals=home_goals, away_goals=away_goals, season=season,
    )  # fmt: skip


HISTORY = (
    past(-300, "Ash", "Birch", "4-0", season="2019-20"),
    past(0, "Ash", "Birch", "2-1"),
    past(1, "Cedar", "Dale", "0-0"),
    past(7, "Birch", "Cedar", "1-3"),
    past(8, "Dale", "Ash", "2-2"),
    past(14, "Birch", "Ash", "1-0"),
)


def snapshot(**changes: object) -> Snapshot:
    values: dict[str, object] = {
        "match_id": 1, "competition": "E0", "season": "2020-21", "home": "Ash",
        "away": "Birch", "kickoff": START + timedelta(days=21),
        "as_of": START + timedelta(days=20), "history": HISTORY,
    }  # fmt: skip
    values.update(changes)
    return Snapshot(**values)  # type: ignore[arg-type]


def test_form_is_the_last_five_results_oldest_first() -> None:
    s = snapshot()
    assert s.form("Ash") == "WWDL"  # across seasons: the 4-0 of last season counts too
    assert s.form("Ash", last=2) == "DL"
    assert s.form("Cedar") == "DW"
    assert s.form("Nobody") == ""


def test_the_table_counts_only_this_season_and_ranks_by_points_then_goals() -> None:
    table = snapshot().table()
    assert [(r.team, r.played, r.points, r.goals_for, r.goals_against) for r in table] == [
        ("Cedar", 2, 4, 3, 1),
        ("Ash", 3, 4, 4, 4),
        ("Birch", 3, 3, 3, 5),
        ("Dale", 2, 2, 2, 2),
    ]


def test_head_to_head_takes_meetings_at_either_ground() -> None:
    meetings = snapshot().head_to_head()
    assert [(m.home, m.home_goals, m.away_goals) for m in meetings] == [
        ("Ash", 4, 0), ("Ash", 2, 1), ("Birch", 1, 0),
    ]  # fmt: skip
    assert len(snapshot().head_to_head(last=1)) == 1


def test_the_payload_reads_back_equal_and_shows_the_derived_views() -> None:
    s = snapshot(
        odds=Odds(home=2.1, draw=3.4, away=3.5, bookmaker="avg"),
        injuries=(Injury(player="J. Doe", team="Ash", kind="Missing Fixture", reason="Knee"),),
    )
    payload = s.to_payload()
    assert Snapshot.from_payload(payload) == s
    assert Snapshot.from_payload(payload).content_hash() == s.content_hash()
    assert payload["form"] == {"Ash": "WWDL", "Birch": "LLLW"}
    assert payload["table"][0] == [1, "Cedar", 2, 1, 1, 0, 3, 1, 4]
    assert len(payload["head_to_head"]) == 3
    assert payload["injuries"][0]["reason"] == "Knee"


def test_a_payload_stored_before_seasons_were_kept_still_reads() -> None:
    payload = snapshot().to_payload()
    payload["history"] = [row[:5] for row in payload["history"]]
    del payload["season"]
    old = Snapshot.from_payload(payload)
    assert old.season is None
    assert old.history[0].season is None


def test_a_result_from_after_as_of_is_refused() -> None:
    with pytest.raises(errors.PipelineError, match="contains 1 result"):
        snapshot(history=(*HISTORY, past(20, "Cedar", "Ash", "1-1")))
