"""The HTML pages through a real server: the leaderboard's intervals and ties, a match, a
forecaster's record and calibration, the admin dashboard; and the statistics behind them on
datasets whose answer is known."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest

from factories import World
from footcast.db.reads.points import MatchPoints, Outcome
from footcast.db.writes import forecasters as forecaster_rows
from footcast.pipeline import settlement
from footcast.web import intervals
from web_server import Served


class _Tables(HTMLParser):
    """Each table's rows (by the table's id): every row's attributes and its cells' text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[tuple[dict[str, str], list[str]]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "table":
            self._table = found.get("id", "")
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append((found, []))
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1][1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _table(html: str, table: str) -> dict[str, list[str]]:
    """A table's body rows keyed by their first cell that is not a rank, named by
    ``data-forecaster`` when the row has one."""
    parser = _Tables()
    parser.feed(html)
    rows = parser.tables[table][1:]  # the header row first
    return {attrs.get("data-forecaster") or cells[0]: cells for attrs, cells in rows}


def _settled(world: World, picks: dict[str, list[str]], *, result: str = "2:1") -> list[int]:
    """One match per column of ``picks`` (forecaster → its scores), every one ending ``result``
    and settled; an empty score is no prediction."""
    count = len(next(iter(picks.values())))
    now = world.clock.now()
    ids = [world.match(kickoff=now + timedelta(hours=1, minutes=n)) for n in range(count)]
    for name, scores in picks.items():
        for match_id, score in zip(ids, scores, strict=True):
            if score:
                world.predict(match_id, name, score, probabilities=(0.55, 0.25, 0.2))
    world.clock.advance(timedelta(hours=3))
    for match_id in ids:
        world.finish(match_id, result)
        with world.database.transaction() as session:
            settlement.settle_match(session, world.clock, match_id)
    return ids


def _reference(world: World, name: str) -> None:
    with world.database.transaction() as session:
        forecaster_rows.upsert_forecaster(
            session,
            name=name,
            kind="market",
            active_from=world.clock.now() - timedelta(days=365),
            reference=True,
        )


# the statistics on constructed data


def _points(name: str, values: list[int]) -> list[MatchPoints]:
    return [MatchPoints(forecaster=name, match_id=n, points=v) for n, v in enumerate(values)]


def test_bootstrap_intervals_are_known_for_known_data() -> None:
    alternating = [0, 2] * 200  # mean 1, standard error 1/sqrt(400) = 0.05
    found = intervals.bootstrap(_points("steady", [4] * 400) + _points("alternating", alternating))
    assert found["steady"] == intervals.Interval(low=4.0, high=4.0)
    low, high = found["alternating"].low, found["alternating"].high
    assert low == pytest.approx(1 - 1.96 * 0.05, abs=0.02)
    assert high == pytest.approx(1 + 1.96 * 0.05, abs=0.02)
    again = intervals.bootstrap(_points("alternating", alternating))
    assert again["alternating"] == found["alternating"]  # a fixed seed: the same interval


def test_a_clear_leader_ties_with_nobody_and_two_alike_models_tie_with_each_other() -> None:
    pattern = [3, 0, 2, 1, 0, 3, 2, 0] * 10
    found = intervals.bootstrap(
        _points("leader", [6] * 80) + _points("one", pattern) + _points("two", pattern)
    )
    assert found["one"] == found["two"]  # one draw of matches for everybody
    assert intervals.ties(found, leader="leader") == set()
    assert intervals.ties(found, leader="one") == {"two"}
    assert intervals.ties(found, leader=None) == set()


def test_a_mean_counts_only_the_matches_a_forecaster_predicted() -> None:
    scored = [MatchPoints(forecaster="few", match_id=n, points=5) for n in (2, 7)]
    scored += _points("all", [1] * 10)
    found = intervals.bootstrap(scored)
    assert found["few"] == intervals.Interval(low=5.0, high=5.0)
    assert found["all"] == intervals.Interval(low=1.0, high=1.0)
    assert intervals.bootstrap([]) == {}


def test_reliability_bins_hold_their_mean_and_observed_frequency() -> None:
    outcomes = [
        *(Outcome(probability=0.15, happened=n < 1) for n in range(4)),  # 0.1–0.2: 1 of 4
        *(Outcome(probability=p, happened=True) for p in (0.62, 0.68)),  # 0.6–0.7: 2 of 2
        Outcome(probability=1.0, happened=False),  # 1.0 falls in the last bin
    ]
    bins = intervals.reliability(outcomes)
    assert [(b.low, b.high, b.count) for b in bins] == [(0.1, 0.2, 4), (0.6, 0.7, 2), (0.9, 1.0, 1)]
    assert [b.predicted for b in bins] == pytest.approx([0.15, 0.65, 1.0])
    assert [b.observed for b in bins] == [0.25, 1.0, 0.0]
    assert intervals.reliability([]) == []


# the pages


def test_the_leaderboard_marks_the_leader_ties_and_reference_rows(
    served: Served, world: World
) -> None:
    world.forecasters("ace", "bee", "cat", "dee")
    _reference(world, "market")
    _settled(
        world,
        {
            "ace": ["2:1"] * 8,  # exact every time
            "bee": ["2:1"] * 7 + ["1:0"],  # exact but once
            "dee": ["1:0"] * 8,  # tendency and goal difference every time
            "cat": ["0:2"] * 8,  # always wrong
            "market": ["1:1"] * 8,  # a reference row, always wrong
        },
    )
    answer = served.client.get("/")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    rows = _table(answer.text, "leaderboard")
    assert list(rows)[:3] == ["ace", "bee", "dee"]
    rank, _, kind, _, coverage, per_match, interval, tendency, exact, rps, marks = rows["ace"]
    assert (rank, kind, coverage, tendency, exact, marks) == (
        "1", "naive", "8/8", "100.0%", "100.0%", "leader"
    )  # fmt: skip
    assert interval == f"{per_match}–{per_match}"  # the same points on every match
    assert float(rps) >= 0
    assert rows["bee"][6].endswith(f"–{per_match}")  # its best resamples equal ace's mean
    assert rows["bee"][-1] == "tied"
    assert rows["dee"][-1] == ""
    assert rows["cat"][-1] == ""
    assert rows["cat"][6] == "0.00–0.00"
    assert rows["market"][-1] == "reference"


def test_the_leaderboard_filters_its_window(served: Served, world: World) -> None:
    world.forecasters("ace", "late")
    _settled(world, {"ace": ["2:1", "0:0"], "late": ["", ""]})
    cup = world.match(kickoff=world.clock.now() + timedelta(hours=1), competition="CUP")
    world.predict(cup, "ace", "1:0")
    world.clock.advance(timedelta(hours=3))
    world.predict(cup, "late", "1:0")  # after the deadline: retroactive
    world.finish(cup, "1:0")
    with world.database.transaction() as session:
        settlement.settle_match(session, world.clock, cup)

    live = _table(served.client.get("/").text, "leaderboard")
    assert live["ace"][4] == "3/3"
    assert live["late"][4] == "0/3"
    assert live["late"][6] == "—"  # nothing predicted, no interval
    with_retro = served.client.get("/", params={"include_retroactive": "true"}).text
    assert _table(with_retro, "leaderboard")["late"][4] == "1/3"
    assert 'name="include_retroactive" value="true" checked' in with_retro
    tst = _table(served.client.get("/", params={"competition": "TST"}).text, "leaderboard")
    assert tst["ace"][4] == "2/2"
    blank = served.client.get("/", params={"competition": "", "season": ""})
    assert blank.status_code == 200  # an empty filter field means any
    assert _table(blank.text, "leaderboard")["ace"][4] == "3/3"


def test_a_match_page_shows_its_quotas_and_every_prediction_with_points(
    served: Served, world: World
) -> None:
    world.forecasters("ace", "cat")
    (match_id,) = _settled(world, {"ace": ["2:1"], "cat": ["0:2"]})
    api = served.client.get(f"/api/matches/{match_id}").json()
    answer = served.client.get(f"/matches/{match_id}")
    assert answer.status_code == 200
    assert "Team 1 – Team 2" in answer.text
    assert ">2:1</span>" in answer.text
    quotas = _table(answer.text, "quotas")
    home, draw, away, n, basis, rule = next(iter(quotas.values()))
    assert (home, draw, away) == tuple(str(api["quotas"][k]) for k in ("home", "draw", "away"))
    assert (n, basis, rule) == ("2", "on_time", "quota-v1")
    predictions = _table(answer.text, "predictions")
    by_api = {p["forecaster"]: str(p["points"]) for p in api["predictions"]}
    assert {name: cells[-1] for name, cells in predictions.items()} == by_api
    assert predictions["ace"][2:4] == ["2:1", "0.55"]
    assert by_api["cat"] == "0"


def test_a_forecaster_page_shows_its_record_and_calibration(served: Served, world: World) -> None:
    world.forecasters("ace")
    _settled(world, {"ace": ["2:1"] * 4}, result="2:1")
    _settled(world, {"ace": ["2:1"] * 4}, result="0:0")  # p = 0.55, 0.25, 0.2 each time
    answer = served.client.get("/forecasters/ace")
    assert answer.status_code == 200
    assert '<svg id="calibration"' in answer.text
    assert answer.text.count('<circle class="bin"') == 2
    bins = _table(answer.text, "calibration-bins")
    assert bins == {
        # the draw (0.25) and the away win (0.2) share a bin: 16 outcomes, 4 draws happened
        "0.2–0.3": ["0.2–0.3", "16", "0.225", "0.250"],
        # the home win (0.55): 8 predicted, 4 happened
        "0.5–0.6": ["0.5–0.6", "8", "0.550", "0.500"],
    }
    assert "<dd>8/8</dd>" in answer.text
    history = _table(answer.text, "history")
    assert len(history) == 8


def test_unknown_ids_get_an_html_404_page(served: Served, world: World) -> None:
    for path in ("/matches/999999", "/matches/99999999999", "/matches/0", "/forecasters/nobody"):
        answer = served.client.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"].startswith("text/html"), path
        assert "<h1>Not found</h1>" in answer.text
    assert "does not exist" in served.client.get("/forecasters/nobody").text


def test_malformed_page_requests_are_refused_not_crashed(served: Served) -> None:
    for path in ("/?competition=%00", "/?season=x%00y", "/forecasters/a%00b", "/matches/one"):
        assert served.client.get(path).status_code == 422, path


def test_the_stylesheet_is_served(served: Served) -> None:
    answer = served.client.get("/static/style.css")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/css")
