"""The roster's models in a worker process: clients and gates made on first use."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.orm import sessionmaker

from databases import clone
from footcast import errors
from footcast.config import load_settings
from footcast.db import Database
from footcast.domain.analysis import Odds, Snapshot
from footcast.fakes.openai import FakeOpenAI
from footcast.forecasters import roster
from footcast.pipeline.llms import LLMs
from footcast.pipeline.retry import is_retryable


def test_a_model_asked_while_the_database_was_away_answers_once_it_is_back(
    server_url: URL, template_url: URL, scratch_database: URL, tmp_path: Path
) -> None:
    # regression (chaos suite): the client was kept when its gate could not be made, so every
    # later request of the process failed with KeyError: '<provider>', a terminal failure
    with FakeOpenAI() as fake:
        path = tmp_path / "roster.toml"
        path.write_text(
            f'[providers.local]\nbase_url = "{fake.base_url("local")}"\n\n'
            '[[models]]\nid = "alpha"\nprovider = "local"\nmodel = "alpha-7b"\n'
        )
        engine = sa.create_engine(scratch_database, pool_pre_ping=True)
        database = Database(engine=engine, sessions=sessionmaker(engine))
        llms = LLMs(database, roster.load(path), load_settings({}), environ={})
        try:
            with pytest.raises(errors.DatabaseUnavailable) as away:
                llms.make("alpha")
            assert is_retryable(away.value)

            clone(template_url, str(scratch_database.database))
            now = datetime(2026, 1, 1, tzinfo=UTC)
            forecast = llms.make("alpha").predict(
                Snapshot(
                    match_id=1, competition="T", home="A", away="B", kickoff=now, as_of=now,
                    odds=Odds(home=2.0, draw=3.0, away=4.0),
                )
            )  # fmt: skip
        finally:
            llms.close()
            engine.dispose()
    assert 0 <= forecast.home_goals <= 10
    assert len(fake.stats().requests) == 1
