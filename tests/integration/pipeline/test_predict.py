"""Who answers where: remote forecasters side by side in threads, local ones in the job's own."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from factories import NoFacts, World
from footcast import errors
from footcast.config import load_settings
from footcast.db.tables import Forecaster as ForecasterRow
from footcast.db.tables import Prediction
from footcast.db.writes import ledger
from footcast.domain.analysis import Need, Snapshot
from footcast.domain.forecast import Forecast
from footcast.forecasters.base import Forecaster
from footcast.pipeline import predict
from footcast.pipeline.context import Context, Forecasters


class Asked:
    """A forecaster that notes the thread it was asked in; a remote one waits at ``meet``
    until every remote one is being asked (only asked side by side do they all get past it)."""

    needs: frozenset[Need] = frozenset()

    def __init__(
        self, name: str, *, remote: bool, meet: threading.Barrier, fails: bool = False
    ) -> None:
        self.name = name
        self.remote = remote
        self._meet = meet
        self._fails = fails
        self.thread: int | None = None

    def predict(self, snapshot: Snapshot) -> Forecast:
        self.thread = threading.get_ident()
        if self.remote:
            self._meet.wait(timeout=10)  # raises BrokenBarrierError when asked one by one
        if self._fails:
            raise errors.InvalidForecast(f"{self.name}: no score", forecaster=self.name)
        return Forecast(home_goals=2, away_goals=1)


class Made(Forecasters):
    def __init__(self, models: dict[str, Forecaster]) -> None:
        super().__init__()
        self.models = models

    def _make(self, name: str, provider: str | None, model_id: str | None) -> Forecaster:
        return self.models[name]


def test_remote_forecasters_are_asked_side_by_side_and_local_ones_in_the_jobs_thread(
    world: World,
) -> None:
    meet = threading.Barrier(3)
    models: dict[str, Asked] = {
        "far-1": Asked("far-1", remote=True, meet=meet),
        "far-2": Asked("far-2", remote=True, meet=meet),
        "far-3": Asked("far-3", remote=True, meet=meet),
        "near": Asked("near", remote=False, meet=meet),
        "near-broken": Asked("near-broken", remote=False, meet=meet, fails=True),
    }
    world.forecasters(*models)
    match_id = world.match()
    world.analyse(match_id)
    ctx = Context(database=world.database, clock=world.clock, source=NoFacts(),
                  settings=load_settings({}, predict_fanout=3),
                  forecasters=Made(dict(models)))  # fmt: skip

    outcome = predict.predict(ctx, match_id)

    assert outcome == "4 written, 1 failed of 5 owing"
    job = threading.get_ident()
    assert {name for name, model in models.items() if model.thread == job} == {
        "near",
        "near-broken",
    }
    remote_threads = {models[name].thread for name in ("far-1", "far-2", "far-3")}
    assert len(remote_threads) == 3
    assert job not in remote_threads
    with world.database.transaction() as session:
        stored = set(
            session.execute(
                sa.select(ForecasterRow.name).join(
                    Prediction, Prediction.forecaster_id == ForecasterRow.id
                )
            ).scalars()
        )
        (failure,) = ledger.listing(session, stage="predictions")
    assert stored == {"far-1", "far-2", "far-3", "near"}
    assert failure.key.endswith("near-broken")
    assert failure.terminal
