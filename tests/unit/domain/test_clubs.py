"""The club catalogue: one club, whatever a source calls it; names never shared by two clubs."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from footcast.domain import clubs


def test_catalogue_ships_the_top_five_leagues_with_unique_names_and_ids() -> None:
    catalogue = clubs.catalogue()
    countries = {club.country for club in catalogue.clubs}
    assert {"England", "Spain", "Germany", "Italy", "France"} <= countries
    assert len(catalogue.clubs) >= 100
    assert catalogue.alias_count() >= 3 * len(catalogue.clubs)
    names = [club.name for club in catalogue.clubs]
    assert len(names) == len(set(names))
    assert {league.code for league in catalogue.leagues} >= {"E0", "SP1", "D1", "I1", "F1"}


@pytest.mark.parametrize(
    ("source", "name", "api_id", "canonical"),
    [
        ("football-data", "Man United", None, "Manchester United"),
        ("api-football", "Manchester United", 33, "Manchester United"),
        ("api-football", "renamed by the provider", 33, "Manchester United"),
        ("openfootball", "Manchester United FC", None, "Manchester United"),
        ("openfootball", "Brighton & Hove Albion", None, "Brighton & Hove Albion"),
        ("football-data", "Nott'm Forest", None, "Nottingham Forest"),
        ("some-new-source", "Wolverhampton Wanderers F.C.", None, "Wolverhampton Wanderers"),
        ("openfootball", "1. FC Köln", None, "FC Koln"),
        ("football-data", "M'gladbach", None, "Borussia Monchengladbach"),
    ],
)
def test_club_is_found_by_what_a_source_calls_it(
    source: str, name: str, api_id: int | None, canonical: str
) -> None:
    club = clubs.catalogue().club(source, name, api_football=api_id)
    assert club is not None
    assert club.name == canonical


def test_an_unknown_or_ambiguous_name_finds_no_club() -> None:
    catalogue = clubs.parse(
        '[[club]]\nname = "Rovers A"\nx = ["Rovers"]\n[[club]]\nname = "Rovers B"\ny = ["Rovers"]\n'
    )
    assert catalogue.club("football-data", "Ashcombe United") is None
    # API-Football's id says which club: another id under a known name is another club
    assert clubs.catalogue().club("api-football", "Arsenal", api_football=99_999) is None
    assert catalogue.club("z", "Rovers") is None  # two clubs go by it elsewhere: not guessed
    rovers = catalogue.club("x", "Rovers")
    assert rovers is not None
    assert rovers.name == "Rovers A"


def test_competitions_of_every_source_are_one() -> None:
    catalogue = clubs.catalogue()
    found = {
        catalogue.league("football-data", "E0"),
        catalogue.league("api-football", "AF39"),
        catalogue.league("openfootball", "premier-league"),
    }
    assert len(found) == 1
    league = found.pop()
    assert league is not None
    assert (league.code, league.api_football) == ("E0", 39)
    assert catalogue.league("api-football", "AF9999") is None


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('[[club]]\nname = "A"\nx = ["N"]\n[[club]]\nname = "B"\nx = ["N"]\n', "two entries"),
        ('[[club]]\nname = "A"\napi_football = 1\n[[club]]\nname = "B"\napi_football = 1\n',
         "given twice"),
        ('[[club]]\nname = "A"\nx = "N"\n', "must be a list of names"),
        ("[[club]\n", "not TOML"),
    ],
)  # fmt: skip
def test_a_bad_catalogue_is_refused(text: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        clubs.parse(text)


def test_loose_key_drops_accents_case_punctuation_and_club_words() -> None:
    assert clubs.loose_key("AFC Bournemouth") == "bournemouth"
    assert clubs.loose_key("Brighton & Hove Albion FC") == "brighton and hove albion"
    assert clubs.loose_key("Atlético") == "atletico"


@pytest.mark.realdata
def test_every_club_of_the_real_football_data_files_is_known(shared_dir: Path) -> None:
    catalogue = clubs.catalogue()
    names: set[str] = set()
    for path in sorted((shared_dir / "data" / "football-data").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                names |= {row["HomeTeam"], row["AwayTeam"]}
    assert len(names) >= 20
    unknown = sorted(n for n in names if catalogue.club(clubs.FOOTBALL_DATA, n) is None)
    assert unknown == []
    # and by football-data's own spelling, not a lucky loose match
    assert all(catalogue.spelled(clubs.FOOTBALL_DATA, n) is not None for n in names)


def _teams(node: Any, found: dict[int, str]) -> dict[int, str]:
    if isinstance(node, dict):
        for key in ("team", "home", "away"):
            value = node.get(key)
            if isinstance(value, dict) and isinstance(value.get("id"), int) and "name" in value:
                found[value["id"]] = value["name"]
        for value in node.values():
            _teams(value, found)
    elif isinstance(node, list):
        for value in node:
            _teams(value, found)
    return found


@pytest.mark.realdata
def test_every_club_of_the_recorded_api_football_answers_is_known_by_id_and_name(
    shared_dir: Path,
) -> None:
    catalogue = clubs.catalogue()
    found: dict[int, str] = {}
    for path in sorted((shared_dir / "fixtures" / "api-football").glob("*.json")):
        _teams(json.loads(path.read_bytes()), found)
    assert len(found) >= 30
    # clubs of the top five leagues; FC Porto (212) plays in Portugal and is not listed
    wanted = {i: n for i, n in found.items() if i != 212}
    by_id = {i: catalogue.club(clubs.API_FOOTBALL, "?", api_football=i) for i in wanted}
    assert sorted(i for i, club in by_id.items() if club is None) == []
    by_name = {i: catalogue.club(clubs.API_FOOTBALL, n) for i, n in wanted.items()}
    assert {i: c.api_football for i, c in by_name.items() if c is not None} == {
        i: i for i in wanted
    }


def test_an_id_the_name_contradicts_finds_no_club() -> None:
    # most ids of the catalogue are written from public knowledge, not read off a recorded
    # answer: when the name is another known club's, the id is not trusted
    catalogue = clubs.parse(
        '[[club]]\nname = "Northbridge"\napi_football = 7\napi-football = ["Northbridge"]\n'
        '[[club]]\nname = "Southport"\napi-football = ["Southport"]\n'
    )
    northbridge = catalogue.club("api-football", "Northbridge FC", api_football=7)
    assert northbridge is not None
    assert northbridge.name == "Northbridge"
    assert catalogue.club("api-football", "Southport", api_football=7) is None
    unknown = catalogue.club("api-football", "Eastleigh", api_football=7)  # no other club's
    assert unknown is not None
    assert unknown.name == "Northbridge"
