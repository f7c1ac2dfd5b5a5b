"""A model that keeps failing is paused for its health, owes nothing; a good probe resumes it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from factories import NoFacts, World
from footcast import errors
from footcast.config import load_settings
from footcast.db.coordination import pauses
from footcast.db.reads import owed
from footcast.db.tables import Match, Prediction
from footcast.db.writes import forecasters as forecaster_rows
from footcast.db.writes import ledger, predictions, snapshots
from footcast.domain.analysis import Snapshot
from footcast.domain.forecast import Forecast
from footcast.fakes.openai import Behaviour, FakeOpenAI
from footcast.forecasters import roster
from footcast.pipeline import llms, predict, probe
from footcast.pipeline.context import Context, Forecasters
from footcast.pipeline.retry import Attempt


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def ctx(world: World, fake: FakeOpenAI, tmp_path: Path) -> Iterator[Context]:
    path = tmp_path / "roster.toml"
    path.write_text(
        f'[providers.p]\nbase_url = "{fake.base_url("p")}"\n\n'
        '[[models]]\nid = "steady"\nprovider = "p"\nmodel = "steady"\n\n'
        '[[models]]\nid = "flaky"\nprovider = "p"\nmodel = "flaky"\n'
    )
    settings = load_settings({}, llm_disable_after=3, llm_probe_after=timedelta(hours=1))
    models = roster.load(path)
    now = world.clock.now()
    llms.register(world.database, models, active_from=now - timedelta(days=1), now=now)
    made = llms.LLMs(world.database, models, settings, environ={})
    yield Context(database=world.database, clock=world.clock, source=NoFacts(),
                  settings=settings, forecasters=Forecasters(made))  # fmt: skip
    made.close()


def _match_with_snapshot(world: World, ctx: Context) -> int:
    match_id = world.match(kickoff=world.clock.now() + timedelta(minutes=20))
    with world.database.transaction() as session:
        match = session.get_one(Match, match_id)
        snapshots.save_snapshot(
            session,
            Snapshot(
                match_id=match_id,
                competition="TST",
                home="H",
                away="A",
                kickoff=match.kickoff_at,
                as_of=world.clock.now(),
            ),
            now=world.clock.now(),
        )
    return match_id


def test_repeated_bad_answers_pause_the_model_and_a_good_probe_resumes_it(
    world: World, ctx: Context, fake: FakeOpenAI
) -> None:
    fake.fail_next("flaky", Behaviour.SCHEMA_ECHO, times=6)  # three predictions, each repaired once
    matches = [_match_with_snapshot(world, ctx) for _ in range(4)]
    for match_id in matches[:3]:
        assert predict.predict(ctx, match_id) == "1 written, 1 failed of 2 owing"
    with world.database.transaction() as session:
        flaky = pauses.spans(session, forecaster="flaky")
        owing = [f.name for f in owed.missing_forecasters(session, matches[3])]
        recorded = ledger.listing(session, stage="predictions")
        stored = session.execute(sa.select(sa.func.count()).select_from(Prediction)).scalar_one()
    assert [(p.actor, p.until is None) for p in flaky] == [(pauses.HEALTH, True)]
    assert flaky[0].reason.startswith("3 failures in a row; last: InvalidOutput")
    assert owing == ["steady"]  # paused: the next match owes it nothing
    assert stored == 3  # garbage never became a prediction
    assert len(recorded) == 3
    assert all(f.error_code == "invalid_output" and f.terminal for f in recorded)
    assert all('{"type":"object"}' in f.payload["response"] for f in recorded)

    with world.database.transaction() as session:
        assert pauses.due_probes(session, now=world.clock.now()) == []
    world.clock.advance(timedelta(hours=1))
    with world.database.transaction() as session:
        due = pauses.due_probes(session, now=world.clock.now())
    assert [name for _, name, _ in due] == ["flaky"]
    assert probe.probe(ctx, "flaky").startswith("resumed: the probe answered")
    with world.database.transaction() as session:
        (resumed,) = pauses.spans(session, forecaster="flaky")
    assert resumed.until == world.clock.now()
    assert resumed.resumed_by == pauses.HEALTH


def _open_circuit(world: World, provider: str, seconds: float) -> None:
    with world.database.engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE provider_circuits SET open_until = clock_timestamp() + make_interval("
                " secs => :s), consecutive_failures = 5 WHERE scope = :scope"
            ),
            {"s": seconds, "scope": f"llm:{provider}"},
        )


def test_a_resting_provider_is_waited_for_past_the_last_attempt_then_recorded(
    world: World, ctx: Context, fake: FakeOpenAI
) -> None:
    # regression (chaos suite): its jobs burnt their attempts in a second while the circuit
    # rested for 30 s, and every model of the provider ended with a terminal circuit_open
    match_id = _match_with_snapshot(world, ctx)
    ctx.forecasters.get(name="steady", provider="p", model_id="steady")  # makes the gate
    _open_circuit(world, "p", 30)
    last = Attempt(last=True, last_wait=False)
    with pytest.raises(errors.Resting) as resting:
        predict.predict(ctx, match_id, attempt=last)
    with world.database.engine.connect() as connection:
        open_until = connection.execute(
            sa.text("SELECT open_until FROM provider_circuits")
        ).scalar()
    assert resting.value.until == open_until  # the job runs again when the rest ends
    with world.database.transaction() as session:
        waiting = ledger.listing(session, stage="predictions")
    assert sorted((f.error_code, f.terminal) for f in waiting) == [("circuit_open", False)] * 2
    assert fake.stats().requests == ()  # a resting provider is not asked

    finally_ = Attempt(last=True, last_wait=True)
    assert predict.predict(ctx, match_id, attempt=finally_) == "0 written, 2 failed of 2 owing"
    with world.database.transaction() as session:
        recorded = ledger.listing(session, stage="predictions")
    assert sorted((f.key, f.error_code, f.terminal) for f in recorded) == [
        (f"predict:{match_id}:flaky", "circuit_open", True),
        (f"predict:{match_id}:steady", "circuit_open", True),
    ]


def test_a_second_run_of_the_job_leaves_no_stale_failure_of_a_pair_the_first_predicted(
    world: World, ctx: Context, fake: FakeOpenAI
) -> None:
    # regression (chaos suite): a worker taken for dead kept running its prediction job while
    # the job ran again elsewhere; its late failure of a pair the other run had predicted
    # stayed open in the ledger, a failure that never resolves
    match_id = _match_with_snapshot(world, ctx)
    fake.model_latency_ms["flaky"] = 700  # asked, and while it thinks, the other run stores it
    fake.behave("flaky", Behaviour.NATURAL_LANGUAGE)  # then no prediction, even repaired
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(predict.predict, ctx, match_id)
        time.sleep(0.3)
        with world.database.transaction() as session:
            flaky = forecaster_rows.by_name(session, "flaky")
            predictions.save_prediction(
                session, match_id=match_id, forecaster_id=flaky.id,
                prediction=Forecast(home_goals=1, away_goals=1), created_at=world.clock.now(),
            )  # fmt: skip
        assert slow.result() == "1 written, 0 failed of 2 owing"
    with world.database.transaction() as session:
        assert ledger.listing(session, stage="predictions") == []
