"""Tests of footcast.sources.api_football.status: every provider code has a footcast status."""

from __future__ import annotations

import pytest

from footcast import errors
from footcast.sources.api_football.status import STATUSES, footcast_status

# the codes listed in the provider's /fixtures documentation (API-FOOTBALL.md §3)
DOCUMENTED = {"TBD", "NS", "1H", "HT", "2H", "ET", "BT", "P", "SUSP", "INT", "FT", "AET", "PEN",
              "PST", "CANC", "ABD", "AWD", "WO", "LIVE"}  # fmt: skip


@pytest.mark.parametrize(
    ("short", "expected"),
    [
        ("NS", "scheduled"),
        ("TBD", "scheduled"),
        ("1H", "live"),
        ("HT", "live"),
        ("2H", "live"),
        ("ET", "live"),
        ("BT", "live"),
        ("P", "live"),
        ("LIVE", "live"),
        ("INT", "interrupted"),
        ("SUSP", "interrupted"),
        ("FT", "finished"),
        ("AET", "finished"),
        ("PEN", "finished"),
        ("PST", "postponed"),
        ("CANC", "cancelled"),
        ("ABD", "abandoned"),
        ("AWD", "awarded"),
        ("WO", "awarded"),
    ],
)
def test_footcast_status_maps_each_code(short: str, expected: str) -> None:
    assert footcast_status(short, fixture_id=1) == expected


def test_footcast_status_covers_exactly_the_documented_codes() -> None:
    assert set(STATUSES) == DOCUMENTED


def test_footcast_status_refuses_an_unknown_code_naming_it_and_the_fixture() -> None:
    with pytest.raises(errors.MalformedResponse, match=r"fixture 1149519 .*'XYZ'") as caught:
        footcast_status("XYZ", fixture_id=1149519)
    assert caught.value.context == {"fixture_id": 1149519, "status": "XYZ"}
