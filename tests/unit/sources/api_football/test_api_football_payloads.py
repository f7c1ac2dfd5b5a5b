"""Tests of footcast.sources.api_football.payloads: recorded answers parse, and the models bend
exactly where the provider varies."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from footcast import errors
from footcast.fakes import api_football_items as items
from footcast.sources.api_football import payloads, wire

ITEMS: dict[str, TypeAdapter[Any]] = {
    "fixtures": TypeAdapter(list[payloads.FixtureItem]),
    "fixtures/headtohead": TypeAdapter(list[payloads.FixtureItem]),
    "fixtures/events": TypeAdapter(list[payloads.Event]),
    "fixtures/lineups": TypeAdapter(list[payloads.Lineup]),
    "fixtures/statistics": TypeAdapter(list[payloads.FixtureStatistics]),
    "injuries": TypeAdapter(list[payloads.Injury]),
    "odds": TypeAdapter(list[payloads.OddsItem]),
    "predictions": TypeAdapter(list[payloads.PredictionItem]),
    "standings": TypeAdapter(list[payloads.Standings]),
}


def _recorded(shared_dir: Path) -> list[Path]:
    return sorted((shared_dir / "fixtures" / "api-football").glob("*.json"))


def _parse(path: Path) -> tuple[payloads.Envelope, list[Any]]:
    envelope = wire.read(200, path.read_bytes(), endpoint=path.stem)
    return envelope, wire.items(envelope, ITEMS[envelope.get], endpoint=envelope.get)


@pytest.mark.realdata
def test_every_recorded_answer_parses_into_its_items(shared_dir: Path) -> None:
    parsed = 0
    for path in _recorded(shared_dir):
        if "_error_" in path.name:
            continue
        envelope, found = _parse(path)
        assert len(found) == envelope.results, path.name
        assert all(isinstance(v, str) for v in envelope.parameters.values())
        parsed += 1
    assert parsed >= 9


@pytest.mark.realdata
def test_recorded_error_answer_is_a_rejection(shared_dir: Path) -> None:
    body = (shared_dir / "fixtures/api-football/fixtures_error_1.json").read_bytes()
    with pytest.raises(errors.SourceRejected, match="The Id field cannot be used with live"):
        wire.read(200, body, endpoint="fixtures")


@pytest.mark.realdata
def test_recorded_answers_keep_their_details(shared_dir: Path) -> None:
    base = shared_dir / "fixtures" / "api-football"
    _, (pen, _) = _parse(base / "fixtures-ids_1.json")
    assert pen.fixture.status.short == "PEN"
    assert pen.fixture.status.extra is None  # absent in 2024 recordings
    assert (pen.score.fulltime.home, pen.score.penalty.home) == (2, 3)
    assert len(pen.lineups[0].starters) == 11
    assert pen.events
    assert pen.statistics
    assert pen.players
    _, (odds,) = _parse(base / "odds_1.json")
    values = [v.value for b in odds.bookmakers for bet in b.bets for v in bet.values]
    assert any(isinstance(v, int) for v in values)
    assert "Home" in values
    _, (table,) = _parse(base / "standings_1.json")
    assert [len(group) for group in table.league.standings] == [20]
    assert table.league.standings[0][0].goals_diff == 61
    _, (prediction,) = _parse(base / "predictions_1.json")
    assert prediction.predictions.percent == {"home": "45%", "draw": "45%", "away": "10%"}


def test_envelope_takes_empty_arrays_for_parameters_and_errors() -> None:
    envelope = payloads.Envelope.model_validate(
        {"get": "status", "parameters": [], "errors": [], "results": 0,
         "paging": {"current": 1, "total": 1}, "response": []}
    )  # fmt: skip
    assert (envelope.parameters, envelope.errors) == ({}, {})


def test_envelope_takes_a_dict_response() -> None:
    envelope = payloads.Envelope.model_validate(
        {"get": "teams/statistics", "parameters": {"team": "33"}, "errors": {}, "results": 11,
         "paging": {"current": 1, "total": 1}, "response": {"form": "WWD"}}
    )  # fmt: skip
    assert envelope.response == {"form": "WWD"}


KICKOFF = datetime(2025, 8, 16, 15, tzinfo=UTC)


def test_fixture_item_tolerates_what_the_provider_leaves_out() -> None:
    raw = items.fixture_item(7, kickoff=KICKOFF)
    del raw["fixture"]["status"]["extra"]
    del raw["league"]["standings"]
    raw["fixture"]["venue"] = {"id": None, "name": None, "city": None}
    raw["league"]["flag"] = None
    raw["surprise"] = {"new": "field"}
    item = payloads.FixtureItem.model_validate(raw)
    assert item.fixture.status.extra is None
    assert item.league.standings is None
    assert item.goals == payloads.Goals(home=None, away=None)
    assert item.events == []
    assert item.lineups == []


def test_fixture_item_reads_extra_minutes_when_present() -> None:
    raw = items.fixture_item(7, kickoff=KICKOFF, short="1H")
    raw["fixture"]["status"].update(elapsed=45, extra=1)
    assert payloads.FixtureItem.model_validate(raw).fixture.status.extra == 1


def test_fixture_item_refuses_a_missing_required_field() -> None:
    raw = items.fixture_item(7, kickoff=KICKOFF)
    del raw["teams"]["home"]["name"]
    with pytest.raises(ValidationError, match=r"teams\.home\.name"):
        payloads.FixtureItem.model_validate(raw)


def test_odds_value_keeps_numbers_and_words() -> None:
    values = TypeAdapter(list[payloads.BetValue]).validate_json(
        json.dumps([{"value": "Home", "odd": "3.55"}, {"value": 1, "odd": "4.50"}])
    )
    assert [v.value for v in values] == ["Home", 1]
    assert values[0].odd == "3.55"


def test_generated_items_of_the_fake_are_valid_items() -> None:
    season = items.season()
    ITEMS["fixtures"].validate_python(season)
    finished = next(i for i in season if i["fixture"]["status"]["short"] == "FT")
    ITEMS["fixtures/lineups"].validate_python(items.lineups(finished))
    ITEMS["fixtures/events"].validate_python(items.events(finished))
    ITEMS["fixtures/statistics"].validate_python(items.statistics(finished))
    ITEMS["odds"].validate_python([items.odds(finished)])
    ITEMS["injuries"].validate_python(items.injuries(finished))
    ITEMS["standings"].validate_python(items.standings(season, league=39, season=2025))
    payloads.TeamStatistics.model_validate(items.team_statistics(1001, league=39, season=2025))
