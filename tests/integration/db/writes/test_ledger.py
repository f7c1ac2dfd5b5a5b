"""The failure ledger on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from footcast import errors
from footcast.db import Database
from footcast.db.tables import Failure
from footcast.db.writes import ledger


def test_recording_keeps_working_once_the_server_plans_the_statement_generically(
    database: Database,
) -> None:
    # regression (chaos suite): the open-unit predicate went to the server as parameters; once
    # psycopg prepared the statement (5th run on a connection) and PostgreSQL chose a generic
    # plan, ON CONFLICT found no matching index and every later failure of that worker went
    # unrecorded, its job failed with no reason in the ledger
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(20):
        now = start + timedelta(minutes=n)
        with database.transaction() as session:
            ledger.record(
                session, stage="settlement", key="settle:1", now=now,
                error=errors.NotReady("not yet"), terminal=False,
            )  # fmt: skip
            ledger.record(
                session, stage="settlement", key="settle:1", now=now,
                error=errors.NotReady("still not"), terminal=False,
            )  # fmt: skip
            ledger.resolve(session, stage="settlement", keys=["settle:1"], now=now)
    with database.transaction() as session:
        attempts = session.execute(sa.select(Failure.attempts, Failure.state)).all()
    assert [tuple(a) for a in attempts] == [(2, "resolved")] * 20


def test_a_failure_of_a_match_that_does_not_exist_is_recorded_without_the_link(
    database: Database,
) -> None:
    # a job deferred by hand with a wrong match id: its failure broke the ledger's foreign key,
    # so it went unrecorded and the job ran again for ever (FailureUnrecorded)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with database.transaction() as session:
        ledger.record(
            session, stage="analysis", key="analysis:999999", now=now, match_id=999_999,
            error=errors.NotFound("match 999999 does not exist"), terminal=True,
        )  # fmt: skip
    with database.transaction() as session:
        rows = session.execute(sa.select(Failure.key, Failure.match_id, Failure.error_code)).all()
    assert [tuple(r) for r in rows] == [("analysis:999999", None, "not_found")]
