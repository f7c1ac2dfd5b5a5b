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
from footcast.sources.api_football.source import starting_elevens

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
    assert envelope.get is not None
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


# -- liberal in what it accepts: optional parts default to empty, needed fields are refused ------


def _answer(endpoint: str, response: object, **envelope: object) -> bytes:
    body = {"get": endpoint, "parameters": [], "errors": [], "results": 1,
            "paging": {"current": 1, "total": 1}, "response": response, **envelope}  # fmt: skip
    return json.dumps(body).encode()


def _read(endpoint: str, response: object) -> Any:
    envelope = wire.read(200, _answer(endpoint, response), endpoint=endpoint)
    adapter = _DICT_ITEMS.get(endpoint) or ITEMS[endpoint]
    return wire.items(envelope, adapter, endpoint=endpoint)


_DICT_ITEMS: dict[str, TypeAdapter[Any]] = {
    "teams/statistics": TypeAdapter(payloads.TeamStatistics)
}


def test_lineup_without_substitutes_or_coach_is_used() -> None:
    item = items.fixture_item(42, kickoff=KICKOFF, short="FT", goals=(0, 0), fulltime=(0, 0))
    answer = items.lineups(item)
    for lineup in answer:
        del lineup["substitutes"], lineup["coach"]
    home, away = _read("fixtures/lineups", answer)
    assert (home.substitutes, home.coach) == ([], None)
    assert [p.name for p in home.starters][:1] == ["Ashcombe United No.1"]
    assert len(away.starters) == 11


def test_lineup_with_null_parts_is_used() -> None:
    item = items.fixture_item(42, kickoff=KICKOFF, short="FT", goals=(0, 0), fulltime=(0, 0))
    answer = items.lineups(item)
    for lineup in answer:
        lineup.update(substitutes=None, coach=None, formation=None)
        lineup["team"]["colors"] = None
    home, _ = _read("fixtures/lineups", answer)
    assert (home.substitutes, home.coach, home.formation, home.team.colors) == ([], None, None, {})


def test_fixture_item_with_sparse_details_keeps_its_lineups() -> None:
    raw = items.fixture_item(42, kickoff=KICKOFF, short="FT", goals=(2, 0), fulltime=(2, 0))
    raw.update(events=items.events(raw), lineups=items.lineups(raw), statistics=None, players=None)
    (item,) = _read("fixtures", [items.sparse(raw)])
    lineups = starting_elevens(item)
    assert lineups is not None
    assert lineups.home[0] == "Ashcombe United No.1"
    assert [(e.type, e.assist) for e in item.events] == [("Goal", None), ("Goal", None)]
    assert (item.statistics, item.players) == ([], [])


def test_event_without_assist_player_or_detail_is_used() -> None:
    raw = items.fixture_item(42, kickoff=KICKOFF, short="FT", goals=(1, 0), fulltime=(1, 0))
    (event,) = items.events(raw)
    del event["assist"], event["player"], event["detail"], event["comments"]
    del event["time"]["extra"]
    (found,) = _read("fixtures/events", [event])
    assert (found.type, found.time.elapsed, found.team.id) == ("Goal", 10, 1001)
    assert (found.assist, found.player, found.detail, found.time.extra) == (None, None, None, None)


@pytest.mark.parametrize("endpoint", sorted(ITEMS))
@pytest.mark.parametrize("empty", [[], {}, None])
def test_empty_response_is_no_items(endpoint: str, empty: object) -> None:
    assert _read(endpoint, empty) == []


@pytest.mark.parametrize("empty", [[], {}, None])
def test_empty_dict_response_is_nothing(empty: object) -> None:
    envelope = wire.read(200, _answer("teams/statistics", empty), endpoint="teams/statistics")
    assert not envelope.response


def test_envelope_needs_only_its_response() -> None:
    envelope = wire.read(200, b'{"response": []}', endpoint="fixtures")
    assert (envelope.errors, envelope.parameters, envelope.paging.total) == ({}, {}, 1)
    assert (envelope.get, envelope.results) == (None, None)
    with pytest.raises(errors.MalformedResponse, match=r"not an API-Football envelope \(response:"):
        wire.read(200, b'{"get": "fixtures", "errors": []}', endpoint="fixtures")


# The least each endpoint's item may hold: every field here is one footcast reads (or, for parts
# it does not read yet, what makes the item what it is); every other field is optional.
MINIMAL: dict[str, Any] = {
    "fixtures": {
        "fixture": {"id": 1, "timestamp": 1755356400, "status": {"short": "NS"}},
        "league": {"id": 39, "name": "Premier League", "season": 2025},
        "teams": {"home": {"id": 1, "name": "Home"}, "away": {"id": 2, "name": "Away"}},
        "goals": {},
        "score": {"fulltime": {}},
    },
    "fixtures/lineups": {"team": {"id": 1}, "startXI": [{"player": {"name": "Keeper"}}]},
    "fixtures/events": {"time": {"elapsed": 10}, "team": {"id": 1, "name": "Home"}, "type": "Goal"},
    "fixtures/statistics": {"team": {"id": 1, "name": "Home"}},
    "odds": {
        "fixture": {"id": 1},
        "bookmakers": [
            {
                "id": 8,
                "name": "Bet365",
                "bets": [{"id": 1, "values": [{"value": "Home", "odd": "2.10"}]}],
            }
        ],
    },
    "injuries": {
        "player": {"name": "Striker", "type": "Questionable"},
        "team": {"id": 1, "name": "Home"},
        "fixture": {"id": 1},
    },
    "standings": {
        "league": {
            "id": 39,
            "standings": [[{"rank": 1, "team": {"id": 1, "name": "Home"}, "points": 3}]],
        }
    },
    "predictions": {"predictions": {}},
}
MINIMAL["fixtures/headtohead"] = MINIMAL["fixtures"]


def _paths(value: Any, prefix: str = "") -> list[str]:
    """Every field path of ``value`` as the provider spells it (a list's first item only)."""
    if isinstance(value, list):
        return _paths(value[0], f"{prefix}[0]") if value else []
    if not isinstance(value, dict):
        return []
    found = []
    for key, inner in value.items():
        path = f"{prefix}.{key}" if prefix else key
        found += [path, *_paths(inner, path)]
    return found


def _without(value: Any, path: str) -> Any:
    """A copy of ``value`` without the field at ``path``."""
    copy = json.loads(json.dumps(value))
    parent: Any = copy
    *steps, last = path.replace("[0]", ".0").split(".")
    for step in steps:
        parent = parent[int(step)] if step.isdigit() else parent[step]
    del parent[last]
    return copy


def test_minimal_items_parse() -> None:
    for endpoint, item in MINIMAL.items():
        assert len(_read(endpoint, [item])) == 1, endpoint
    stats = _read("teams/statistics", {"team": {"id": 1, "name": "Home"}})
    assert (stats.fixtures, stats.lineups, stats.league) == ({}, [], None)


@pytest.mark.parametrize(
    ("endpoint", "path"),
    [(endpoint, path) for endpoint, item in MINIMAL.items() for path in _paths(item)],
)
def test_an_absent_needed_field_is_refused_by_its_path(endpoint: str, path: str) -> None:
    with pytest.raises(errors.MalformedResponse) as caught:
        _read(endpoint, [_without(MINIMAL[endpoint], path)])
    assert f": response[0].{path}: Field required" in caught.value.message
    assert caught.value.context["field"] == f"response[0].{path}"


def test_an_absent_needed_field_deep_in_a_fixture_is_named() -> None:
    raw = items.fixture_item(42, kickoff=KICKOFF, short="FT", goals=(0, 0), fulltime=(0, 0))
    raw["lineups"] = items.lineups(raw)
    del raw["lineups"][1]["startXI"][3]["player"]["name"]
    with pytest.raises(errors.MalformedResponse, match=r"response\[0\]\.lineups\[1\]\.startXI"
                       r"\[3\]\.player\.name: Field required"):  # fmt: skip
        _read("fixtures", [raw])
