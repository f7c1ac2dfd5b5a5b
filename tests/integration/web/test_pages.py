"""The HTML pages through a real server: the leaderboard's intervals and ties, a match, a
forecaster's record and calibration, the admin dashboard; and the statistics behind them on
datasets whose answer is known."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from factories import NoFacts, World
from footcast.db.coordination import pauses
from footcast.db.reads.points import MatchPoints, Outcome
from footcast.db.tables import Forecaster, Match
from footcast.db.writes import abstentions, ledger, snapshots
from footcast.db.writes import forecasters as forecaster_rows
from footcast.domain.analysis import Injury, Need, Odds, PastMatch, Snapshot
from footcast.domain.names import pair_key
from footcast.ops import forecasters
from footcast.pipeline import consensus, settlement
from footcast.pipeline.context import Context
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
    answer = served.client.get("/leaderboard")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    rows = _table(answer.text, "leaderboard")
    assert list(rows)[:3] == ["ace", "bee", "dee"]
    rank, name, _, per_match, _, _, rps, exact, tendency, coverage, interval, kind = rows["ace"]
    assert (rank, kind, coverage, tendency, exact) == ("1", "naive", "8/8", "100.0%", "100.0%")
    # the name cell holds the marks, and for phones the interval and coverage
    assert name == f"ace leader 95%: {per_match}–{per_match} · 8/8"
    assert interval == f"{per_match}–{per_match}"  # the same points on every match
    assert float(rps) >= 0
    assert rows["bee"][10].endswith(f"–{per_match}")  # its best resamples equal ace's mean
    assert rows["bee"][1].startswith("bee tied 95%:")
    assert rows["dee"][0] == "3"
    assert rows["dee"][1].startswith("dee 95%:")  # not tied
    assert rows["cat"][1] == "cat 95%: 0.00–0.00 · 8/8"
    assert rows["cat"][10] == "0.00–0.00"
    # a reference row is shown where its points put it, without a rank
    assert (rows["market"][0], rows["market"][5]) == ("ref", "market")
    assert [cells[0] for cells in rows.values()] == ["1", "2", "3", "4", "ref"]  # 0 points: by name
    # dee loses the same points to ace on every match: paired, that is no luck, though dee's
    # interval and ace's are both points
    assert rows["dee"][4].startswith("-")
    assert 'class="versus worse"' in answer.text
    assert "distinguishable from the leader by the paired comparison" in answer.text


def test_the_leaderboard_api_has_intervals_and_paired_comparisons(
    served: Served, world: World
) -> None:
    world.forecasters("ace", "bee")
    _reference(world, "market")
    _settled(
        world,
        {"ace": ["2:1"] * 6, "bee": ["2:1", "1:0"] * 3, "market": ["1:0"] * 6},
    )
    board = served.client.get("/api/leaderboard").json()
    assert (board["leader"], board["market"]) == ("ace", "market")
    rows = {r["forecaster"]: r for r in board["rows"]}
    assert [rows[n]["rank"] for n in ("ace", "bee", "market")] == [1, 2, None]
    assert rows["ace"]["vs_leader"] is None
    assert rows["ace"]["interval"]["low"] == rows["ace"]["interval"]["high"]
    versus = rows["market"]["vs_leader"]
    assert versus["matches"] == 6
    assert versus["verdict"] == "worse"  # 1:0 scores less than the exact 2:1 every time
    assert versus["points"]["high"] < 0
    assert rows["ace"]["vs_market"]["verdict"] == "better"
    assert rows["market"]["vs_market"] is None
    assert rows["bee"]["vs_leader"]["points"]["mean"] == -1.5  # 3 points less on half


def test_the_consensus_is_a_reference_row_of_the_leaderboard(served: Served, world: World) -> None:
    world.forecasters("ace", "bee", "cat")
    with world.database.transaction() as session:
        forecaster_rows.upsert_forecaster(
            session, name=consensus.NAME, kind="consensus",
            active_from=world.clock.now() - timedelta(days=1), reference=True,
        )  # fmt: skip
    ctx = Context(database=world.database, clock=world.clock, source=NoFacts(),
                  settings=served.settings)  # fmt: skip
    now = world.clock.now()
    ids = [world.match(kickoff=now + timedelta(hours=1, minutes=n)) for n in range(3)]
    for match_id in ids:
        for name, score in (("ace", "2:1"), ("bee", "2:1"), ("cat", "0:2")):
            world.predict(match_id, name, score, probabilities=(0.5, 0.3, 0.2))
        assert consensus.make(ctx, match_id) == "1 written from 3 prediction(s): 2:1"
    world.clock.advance(timedelta(hours=3))
    for match_id in ids:
        world.finish(match_id, "2:1")
        with world.database.transaction() as session:
            settlement.settle_match(session, world.clock, match_id)

    rows = _table(served.client.get("/leaderboard").text, "leaderboard")
    # the crowd picked its members' 2:1: their points, shown where they put it (equal points: by
    # name), not numbered
    assert list(rows) == ["ace", "bee", "consensus", "cat"]
    assert [cells[0] for cells in rows.values()] == ["1", "2", "ref", "3"]
    assert (rows["consensus"][0], rows["consensus"][-1], rows["consensus"][9]) == (
        "ref", "consensus", "3/3",
    )  # fmt: skip
    assert rows["consensus"][3] == rows["ace"][3]  # the same points per match
    api = {r["forecaster"]: r for r in served.client.get("/api/leaderboard").json()["rows"]}
    assert (api["consensus"]["rank"], api["consensus"]["reference"]) == (None, True)
    assert api["bee"]["rank"] == 2


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

    live = _table(served.client.get("/leaderboard").text, "leaderboard")
    assert live["ace"][9] == "3/3"
    assert live["late"][9] == "0/3"
    assert live["late"][10] == "—"  # nothing predicted, no interval
    with_retro = served.client.get("/leaderboard", params={"include_retroactive": "true"}).text
    assert _table(with_retro, "leaderboard")["late"][9] == "1/3"
    assert 'name="include_retroactive" value="true" checked' in with_retro
    tst = served.client.get("/leaderboard", params={"competition": "TST"}).text
    assert _table(tst, "leaderboard")["ace"][9] == "2/2"
    # the filters offer what exists
    assert '<option value="TST" selected>' in tst
    assert '<option value="CUP">' in tst
    blank = served.client.get("/leaderboard", params={"competition": "", "season": ""})
    assert blank.status_code == 200  # an empty filter field means any
    assert _table(blank.text, "leaderboard")["ace"][9] == "3/3"


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
    assert {name: cells[3] for name, cells in predictions.items()} == by_api
    assert predictions["ace"][1:3] == ["2:1", str(api["quotas"]["home"])]
    assert predictions["ace"][4] == "0.55 / 0.25 / 0.20"
    assert predictions["cat"][2] == str(api["quotas"]["away"])  # the quota of its tendency
    assert by_api["cat"] == "0"
    assert '<svg id="consensus"' in answer.text
    assert "1 of 2 got the tendency, 1 the exact score" in answer.text
    assert '<section id="abstentions" hidden>' in answer.text


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


def test_the_home_page_is_the_matchday(served: Served, world: World) -> None:
    world.forecasters("ace", "bee", "cat")
    _reference(world, "market")
    (done,) = _settled(world, {"ace": ["2:1"], "bee": ["1:0"], "cat": ["0:0"], "market": ["1:1"]})
    now = world.clock.now()
    soon = world.match(kickoff=now + timedelta(minutes=20), competition="CUP", season="2026-27")
    for name, score in (("ace", "2:0"), ("bee", "2:0"), ("cat", "1:1")):
        world.predict(soon, name, score)
    world.predict(soon, "market", "1:0", probabilities=(0.5, 0.3, 0.2))
    later = world.match(kickoff=now + timedelta(days=2))
    far = world.match(kickoff=now + timedelta(days=5))  # beyond the next days: not shown
    with world.database.transaction() as session:
        playing = world.match(kickoff=now - timedelta(minutes=30))
        session.execute(
            sa.update(Match)
            .where(Match.id == playing)
            .values(status="live", home_goals=1, away_goals=0)
        )
    answer = served.client.get("/")
    assert answer.status_code == 200
    upcoming = _table(answer.text, "upcoming")
    assert [attrs for attrs in upcoming] != []
    html = answer.text
    assert f'data-match="{soon}"' in html
    assert f'data-match="{later}"' in html
    assert f'data-match="{far}"' not in html
    soon_cells = next(
        cells for cells in upcoming.values() if "Team" in cells[0] and "CUP" in cells[0]
    )
    assert "3 picks · most common 2:0 (2)" in soon_cells[1]  # competitors only, not the market
    assert soon_cells[2] == "50 / 30 / 20"
    live = _table(html, "live")
    assert next(iter(live.values()))[1] == "1:0"
    recent = _table(html, "recent")
    (cells,) = recent.values()
    assert cells[1:] == ["2:1", "2/4", "1/4"]  # ace and bee got the home win, ace the score
    assert f'href="/matches/{done}"' in html
    only_cup = served.client.get("/", params={"competition": "CUP", "season": "2026-27"})
    assert f'data-match="{soon}"' in only_cup.text
    assert f'data-match="{later}"' not in only_cup.text
    assert '<option value="2026-27" selected>' in only_cup.text
    day = served.client.get("/api/matchday").json()
    assert [m["match"]["id"] for m in day["upcoming"]] == [soon, later]
    assert day["recent"][0]["consensus"]["exact_hits"] == 1


def test_the_home_page_is_rendered_anew_with_each_matchday_computation(
    served: Served, world: World
) -> None:
    now = world.clock.now()
    first = world.match(kickoff=now + timedelta(hours=2))
    assert f'data-match="{first}"' in served.client.get("/").text
    second = world.match(kickoff=now + timedelta(hours=3))
    # within the matchday's cache the same page is served: rendered once, not per request
    assert f'data-match="{second}"' not in served.client.get("/").text
    served.app.state.matchday.clear()  # what its expiry does: the next request computes anew
    html = served.client.get("/").text
    assert f'data-match="{first}"' in html
    assert f'data-match="{second}"' in html


def test_head_robots_favicon_and_offline_docs(served: Served) -> None:
    for path in ("/", "/api/health"):
        answer = served.client.head(path)
        assert answer.status_code == 200, path
        assert answer.content == b""
    robots = served.client.get("/robots.txt")
    assert robots.status_code == 200
    assert "Disallow: /admin" in robots.text
    icon = served.client.get("/favicon.ico")
    assert icon.headers["content-type"].startswith("image/svg+xml")
    docs = served.client.get("/docs").text
    assert "cdn" not in docs.lower()
    for asset in ("/static/docs/swagger-ui-bundle.js", "/static/docs/swagger-ui.css"):
        assert served.client.get(asset).status_code == 200, asset
        assert asset in docs


def test_a_match_page_summarises_the_snapshot_its_forecasters_were_given(
    served: Served, world: World
) -> None:
    match_id = world.match(kickoff=world.clock.now() + timedelta(hours=2), season="2026-27")
    now = world.clock.now()
    day = timedelta(days=7)
    history = (
        PastMatch(kickoff=now - 3 * day, home="Team 1", away="Team 9", home_goals=2, away_goals=0,
                  season="2026-27"),
        PastMatch(kickoff=now - 2 * day, home="Team 2", away="Team 1", home_goals=1, away_goals=1,
                  season="2026-27"),
        PastMatch(kickoff=now - day, home="Team 1", away="Team 2", home_goals=0, away_goals=3,
                  season="2026-27"),
    )  # fmt: skip
    snapshot = Snapshot(
        match_id=match_id, competition="TST", season="2026-27", home="Team 1", away="Team 2",
        kickoff=now + timedelta(hours=2), as_of=now, history=history,
        odds=Odds(home=2.1, draw=3.4, away=3.6, bookmaker="avg"),
        injuries=(Injury(player="A. Keeper", team="Team 2", kind="Missing Fixture",
                         reason="Knee"),),
    )  # fmt: skip
    with world.database.transaction() as session:
        snapshots.save_snapshot(session, snapshot, now=now)
    answer = served.client.get(f"/matches/{match_id}")
    assert answer.status_code == 200
    facts = answer.text.split('id="facts"')[1]
    assert "3 earlier results" in facts
    assert '<td class="form">WDL</td>' in facts  # Team 1, oldest first
    assert '<td class="form">DW</td>' in facts  # Team 2
    assert "2.10 / 3.40 / 3.60" in facts
    assert "A. Keeper (Team 2): Knee" in facts
    assert "Team 2 1:1 Team 1; " in facts  # head to head, oldest first
    # nobody predicted yet: the market's probabilities come from the odds
    assert "market (odds" not in answer.text  # no odds rows stored, only the snapshot's


def test_a_forecaster_page_shows_its_cost_failures_and_pauses(served: Served, world: World) -> None:
    world.forecasters("gpt_x", "gptAx", kind="llm")  # "_" is no wildcard for its failures
    match_id = world.match()
    with world.database.transaction() as session:
        for name, problem in (("gpt_x", "the answer had no score"), ("gptAx", "not mine")):
            ledger.record(
                session, stage="predictions", key=pair_key(match_id, name), match_id=match_id,
                error=RuntimeError(problem), now=world.clock.now(), terminal=True,
            )  # fmt: skip
        found = session.execute(sa.select(Forecaster.id).where(Forecaster.name == "gpt_x"))
        pauses.pause(
            session, found.scalar_one(), at=world.clock.now(), reason="5 failures in a row",
            actor="pipeline",
        )  # fmt: skip
    answer = served.client.get("/forecasters/gpt_x")
    assert answer.status_code == 200
    failures = _table(answer.text, "failures")
    (cells,) = failures.values()
    assert "the answer had no score" in cells[2]
    assert cells[4] == "open (gave up)"
    assert "not mine" not in answer.text
    paused = next(iter(_table(answer.text, "pauses").values()))
    assert paused[1:4] == ["until enabled", "5 failures in a row", "pipeline"]
    assert "Disabled since 2025-08-15 12:00 UTC by pipeline" in answer.text
    assert 'id="cost"' in answer.text  # an LLM: its cost per prediction
    assert "Priced answers</dt><dd>0/0" in answer.text


def test_a_forecaster_page_says_until_when_it_is_paused(served: Served, world: World) -> None:
    world.forecasters("bob")
    now = world.clock.now()
    forecasters.pause(world.database, "bob", until=now + timedelta(hours=5), actor="ann", now=now,
                      reason="provider incident")  # fmt: skip
    answer = served.client.get("/forecasters/bob").text
    assert re.search(
        r'id="pause-state"[^>]*>Paused until 2025-08-15 17:00 UTC by ann: provider incident', answer
    )
    (cells,) = _table(answer, "pauses").values()
    assert cells[1] == "2025-08-15 17:00 UTC paused"
    world.clock.advance(timedelta(hours=5))  # over by itself
    answer = served.client.get("/forecasters/bob").text
    assert 'id="pause-state"' not in answer
    (cells,) = _table(answer, "pauses").values()
    assert cells[1] == "2025-08-15 17:00 UTC"


def test_abstentions_are_shown_on_the_match_and_the_forecaster_page(
    served: Served, world: World
) -> None:
    # issue 15, item 3: a forecaster without its input abstains, shown where people look
    world.forecasters("market", kind="market")
    match_id = world.match()
    with world.database.transaction() as session:
        market = session.execute(sa.select(Forecaster.id).where(Forecaster.name == "market"))
        abstentions.record(
            session, match_id=match_id, analysis_snapshot_id=None, now=world.clock.now(),
            abstaining=[abstentions.Abstaining(
                forecaster_id=market.scalar_one(), missing=(Need.ODDS,),
                reason="needs odds: none known at 2025-08-16T14:30:00+00:00",
            )],
        )  # fmt: skip

    page = served.client.get(f"/matches/{match_id}").text
    section = page[page.index('<section id="abstentions"') :]
    assert section.startswith('<section id="abstentions">')  # not hidden
    assert "market</a>: needs odds: none known at 2025-08-16T14:30:00+00:00" in section
    record = served.client.get("/forecasters/market").text
    assert "Abstained from 1 match for want of its input" in record
    [row] = _table(record, "abstentions").values()
    assert row[1:] == [str(match_id), "needs odds: none known at 2025-08-16T14:30:00+00:00"]
    detail = served.client.get(f"/api/matches/{match_id}").json()
    assert [(a["forecaster"], a["missing"]) for a in detail["abstentions"]] == [
        ("market", ["odds"])
    ]
    world.forecasters("alice")
    assert 'id="abstentions"' not in served.client.get("/forecasters/alice").text
