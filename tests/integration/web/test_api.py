"""The public API through a real server: data, paging, and every kind of bad request."""

from __future__ import annotations

from datetime import timedelta

from factories import World
from footcast.pipeline import settlement
from web_server import Served


def _season(world: World) -> list[int]:
    """Three matches: one settled (alice 2:1 exact, bob 0:0), one scheduled, one in another
    competition."""
    world.forecasters("alice", "bob")
    now = world.clock.now()
    first = world.match(kickoff=now + timedelta(hours=1))
    later = world.match(kickoff=now + timedelta(days=3))
    other = world.match(kickoff=now + timedelta(days=1), competition="CUP")
    world.predict(first, "alice", "2:1", probabilities=(0.5, 0.3, 0.2))
    world.predict(first, "bob", "0:0")
    world.clock.advance(timedelta(hours=3))
    world.finish(first, "2:1")
    with world.database.transaction() as session:
        settlement.settle_match(session, world.clock, first)
    return [first, later, other]


def test_matches_are_filtered_and_paged(served: Served, world: World) -> None:
    first, later, other = _season(world)
    everything = served.client.get("/api/matches").json()
    assert [m["id"] for m in everything["items"]] == [first, other, later]
    assert everything["total"] == 3
    page = served.client.get("/api/matches", params={"page": 2, "page_size": 2}).json()
    assert ([m["id"] for m in page["items"]], page["total"]) == ([later], 3)
    cup = served.client.get("/api/matches", params={"competition": "CUP"}).json()
    assert [m["id"] for m in cup["items"]] == [other]
    finished = served.client.get("/api/matches", params={"status": "finished"}).json()
    assert [(m["id"], m["home_goals"], m["away_goals"]) for m in finished["items"]] == [
        (first, 2, 1)
    ]
    day = (world.clock.now() + timedelta(days=2)).date().isoformat()
    since = served.client.get("/api/matches", params={"from": day}).json()
    assert [m["id"] for m in since["items"]] == [later]


def test_a_match_has_its_predictions_quotas_and_points(served: Served, world: World) -> None:
    first, *_ = _season(world)
    body = served.client.get(f"/api/matches/{first}").json()
    assert body["match"]["status"] == "finished"
    assert body["quotas"]["rule"] == "quota-v1"
    points = {p["forecaster"]: p["points"] for p in body["predictions"]}
    assert points["alice"] > points["bob"] >= 0
    assert body["predictions"][0]["forecaster"] == "alice"


def test_the_leaderboard_and_a_forecasters_record(served: Served, world: World) -> None:
    _season(world)
    rows = served.client.get("/api/leaderboard").json()["rows"]
    assert [r["forecaster"] for r in rows][:2] == ["alice", "bob"]
    assert rows[0]["exact_rate"] == 1.0
    record = served.client.get("/api/forecasters/alice").json()
    assert record["summary"]["points"] == rows[0]["points"]
    assert record["total"] == 1
    assert record["predictions"][0]["prediction"]["points"] == rows[0]["points"]
    tainted = served.client.get("/api/leaderboard", params={"contaminated": "true"}).json()
    assert tainted["contaminated"] is True
    assert {r["predicted"] for r in tainted["rows"]} == {0}  # no LLM here: none contaminated
    page = served.client.get("/leaderboard", params={"contaminated": "true"})
    assert page.status_code == 200
    assert "Leaderboard: contaminated predictions" in page.text


def test_unknown_ids_are_404_with_a_json_error(served: Served, world: World) -> None:
    for path in ("/api/matches/999999", "/api/forecasters/nobody", "/api/nothing-here"):
        answer = served.client.get(path)
        assert answer.status_code == 404, path
        assert answer.json()["error"]["code"] == "not_found"


def test_bad_parameters_are_422_naming_the_field(served: Served) -> None:
    for params, field in (
        ({"page": 0}, "page"),
        ({"page_size": 500}, "page_size"),
        ({"from": "yesterday"}, "from"),
        ({"status": "asleep"}, "status"),
    ):
        answer = served.client.get("/api/matches", params=params)
        assert answer.status_code == 422
        error = answer.json()["error"]
        assert error["code"] == "invalid_request"
        assert field in error["message"]
    assert served.client.get("/api/matches/abc").status_code == 422


def test_oversized_and_malformed_bodies_are_refused_without_a_traceback(served: Served) -> None:
    headers = served.admin()
    huge = served.client.post("/api/admin/backfill", headers=headers, content=b"{" + b" " * 100_000)
    assert huge.status_code == 413
    broken = served.client.post(
        "/api/admin/backfill",
        headers={**headers, "content-type": "application/json"},
        content=b"{nope",
    )
    assert broken.status_code == 422
    assert "Traceback" not in broken.text
    assert broken.json()["error"]["code"] == "invalid_request"


def test_the_leaderboard_is_current_right_after_a_settlement(served: Served, world: World) -> None:
    # issue 18, item 3: the leaderboard was cached up to 30 s; it reads the kept totals now
    _, later, _ = _season(world)
    before = {r["forecaster"]: r for r in served.client.get("/api/leaderboard").json()["rows"]}
    world.predict(later, "bob", "1:1")
    world.clock.advance(timedelta(days=3, hours=3))
    world.finish(later, "1:1")
    with world.database.transaction() as session:
        settlement.settle_match(session, world.clock, later)

    after = {r["forecaster"]: r for r in served.client.get("/api/leaderboard").json()["rows"]}

    assert after["bob"]["points"] > before["bob"]["points"]
    assert (after["bob"]["predicted"], after["alice"]["settled"]) == (2, 2)
    assert after["alice"]["points"] == before["alice"]["points"]
