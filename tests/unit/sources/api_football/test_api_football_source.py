"""Tests of footcast.sources.api_football.source: provider items become footcast's values."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from footcast import errors
from footcast.domain import analysis
from footcast.fakes import api_football_items as items
from footcast.sources.api_football import payloads
from footcast.sources.api_football.source import match_winner, starting_elevens, to_fixture

KICKOFF = datetime(2025, 8, 16, 15, tzinfo=UTC)


def _fixture(**state: Any) -> payloads.FixtureItem:
    return payloads.FixtureItem.model_validate(items.fixture_item(42, kickoff=KICKOFF, **state))


@pytest.mark.parametrize(
    ("state", "status", "goals", "half_time", "minute"),
    [
        ({}, "scheduled", (None, None), (None, None), None),
        ({"short": "PST"}, "postponed", (None, None), (None, None), None),
        ({"short": "1H", "goals": (1, 0), "elapsed": 30}, "live", (1, 0), (None, None), 30),
        ({"short": "FT", "goals": (2, 1), "halftime": (1, 1), "fulltime": (2, 1), "elapsed": 90},
         "finished", (2, 1), (1, 1), 90),
        ({"short": "AET", "goals": (2, 1), "halftime": (1, 0), "fulltime": (1, 1),
          "extratime": (1, 0), "elapsed": 120}, "finished", (1, 1), (1, 0), 120),
        ({"short": "PEN", "goals": (0, 0), "halftime": (0, 0), "fulltime": (0, 0),
          "extratime": (0, 0), "penalty": (4, 3), "elapsed": 120}, "finished", (0, 0), (0, 0), 120),
        ({"short": "AWD", "goals": (3, 0), "fulltime": (3, 0)}, "awarded", (3, 0), (None, None),
         None),
    ],
)  # fmt: skip
def test_to_fixture_scores_the_ninety_minutes(
    state: dict[str, Any],
    status: str,
    goals: tuple[int | None, int | None],
    half_time: tuple[int | None, int | None],
    minute: int | None,
) -> None:
    fixture = to_fixture(_fixture(**state))
    assert fixture.status == status
    assert (fixture.home_goals, fixture.away_goals) == goals
    assert (fixture.home_goals_ht, fixture.away_goals_ht) == half_time
    assert fixture.minute == minute


def test_to_fixture_names_the_match() -> None:
    fixture = to_fixture(_fixture(league=78, season=2023, round_name="Regular Season - 27"))
    assert fixture.external_id == "42"
    assert (fixture.competition, fixture.competition_name) == ("AF78", "League 78")
    assert (fixture.season, fixture.round) == ("2023", "Regular Season - 27")
    assert (fixture.home, fixture.away) == ("Ashcombe United", "Brackenford City")


def test_to_fixture_takes_kickoff_from_the_timestamp_in_utc() -> None:
    raw = items.fixture_item(42, kickoff=KICKOFF)
    raw["fixture"].update(timezone="Europe/Berlin", date="2025-08-16T17:00:00+02:00")
    kickoff = to_fixture(payloads.FixtureItem.model_validate(raw)).kickoff
    assert kickoff == KICKOFF
    assert kickoff.tzinfo is UTC


def test_to_fixture_refuses_an_unknown_status() -> None:
    with pytest.raises(errors.MalformedResponse, match=r"fixture 42 .*'XYZ'"):
        to_fixture(_fixture(short="XYZ"))


@pytest.mark.realdata
def test_to_fixture_of_the_recorded_shootout_is_its_ninety_minutes(shared_dir: Path) -> None:
    body = (shared_dir / "fixtures/api-football/fixtures-ids_1.json").read_bytes()
    envelope = payloads.Envelope.model_validate_json(body)
    assert isinstance(envelope.response, list)
    atletico_inter = payloads.FixtureItem.model_validate(envelope.response[0])
    fixture = to_fixture(atletico_inter)
    assert (fixture.status, fixture.home_goals, fixture.away_goals) == ("finished", 2, 1)
    assert (fixture.home, fixture.competition) == ("Atletico Madrid", "AF2")


def _odds(*bookmakers: tuple[int, str, list[Any]]) -> list[payloads.OddsItem]:
    raw = items.odds(items.fixture_item(42, kickoff=KICKOFF))
    raw["bookmakers"] = [{"id": i, "name": name, "bets": bets} for i, name, bets in bookmakers]
    return [payloads.OddsItem.model_validate(raw)]


def _winner(home: str, draw: str, away: str) -> dict[str, Any]:
    values = [{"value": v, "odd": o} for v, o in (("Home", home), ("Draw", draw), ("Away", away))]
    return {"id": 1, "name": "Match Winner", "values": values}


GOALS = {"id": 5, "name": "Goals Over/Under", "values": [{"value": 2, "odd": "1.9"}]}


def test_match_winner_prefers_bet365() -> None:
    offers = _odds((1, "10Bet", [_winner("2.0", "3.0", "4.0")]),
                   (8, "Bet365", [GOALS, _winner("2.1", "3.1", "4.1")]))  # fmt: skip
    assert match_winner(offers) == analysis.Odds(home=2.1, draw=3.1, away=4.1, bookmaker="Bet365")


def test_match_winner_falls_back_to_the_first_complete_offer() -> None:
    offers = _odds((8, "Bet365", [GOALS]), (2, "Marathonbet", [_winner("1.0", "3.0", "4.0")]),
                   (1, "10Bet", [_winner("2.0", "3.0", "4.0")]))  # fmt: skip
    assert match_winner(offers) == analysis.Odds(home=2.0, draw=3.0, away=4.0, bookmaker="10Bet")


def test_match_winner_is_none_without_a_match_winner_bet() -> None:
    assert match_winner(_odds((8, "Bet365", [GOALS]))) is None
    assert match_winner([]) is None


def test_starting_elevens_match_teams_by_id_not_by_order() -> None:
    item = items.fixture_item(42, kickoff=KICKOFF, short="FT", goals=(0, 0), fulltime=(0, 0))
    item["lineups"] = list(reversed(items.lineups(item)))
    lineups = starting_elevens(payloads.FixtureItem.model_validate(item))
    assert lineups is not None
    assert len(lineups.home) == len(lineups.away) == 11
    assert lineups.home[0] == "Ashcombe United No.1"
    assert lineups.away[0] == "Brackenford City No.1"


def test_starting_elevens_are_none_until_both_are_announced() -> None:
    item = items.fixture_item(42, kickoff=KICKOFF, short="FT", goals=(0, 0), fulltime=(0, 0))
    item["lineups"] = items.lineups(item)[:1]
    assert starting_elevens(payloads.FixtureItem.model_validate(item)) is None
    assert starting_elevens(_fixture()) is None
