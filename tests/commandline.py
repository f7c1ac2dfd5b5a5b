"""Running the real `footcast` command in a subprocess, with no FOOTCAST_* leaking in, and a
match for it to act on."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import URL

from footcast.db import connect

__all__ = ["run", "seed_match"]


def run(
    *args: str,
    env: dict[str, str] | None = None,
    columns: int | None = 140,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run ``footcast args`` with its output piped; ``columns=None`` leaves ``COLUMNS`` unset,
    as in a pipe or a cron job (rich's default width there is 80)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")}
    base.pop("COLUMNS", None)
    if columns is not None:
        base["COLUMNS"] = str(columns)
    return subprocess.run(
        [sys.executable, "-m", "footcast.cli", *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def seed_match(database_url: URL, kickoff: datetime | str = "2099-01-01 15:00+00") -> int:
    """One scheduled match (competition T, Home v Away) in the database at ``database_url``."""
    database = connect(database_url)
    with database.transaction() as session:
        session.execute(sa.text("INSERT INTO competitions (code, name) VALUES ('T', 'Test')"))
        session.execute(sa.text("INSERT INTO teams (name) VALUES ('Home'), ('Away')"))
        match_id = session.execute(
            sa.text(
                "INSERT INTO matches (competition_id, home_team_id, away_team_id, source,"
                " external_id, kickoff_at, prediction_deadline)"
                " SELECT 1, (SELECT id FROM teams WHERE name = 'Home'),"
                " (SELECT id FROM teams WHERE name = 'Away'), 'test', 'x', :k, :k RETURNING id"
            ),
            {"k": kickoff},
        ).scalar_one()
    database.dispose()
    return int(match_id)
