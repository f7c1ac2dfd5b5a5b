"""Output a person can read and paste: `Error [code]: message` from every command, and long lines
kept whole when the output is not a terminal (no COLUMNS: rich would assume 80)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from commandline import run
from footcast.db import engine

HEADER = "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR"
LONG = "a-directory-name-long-enough-to-push-any-line-that-names-it-well-past-eighty-columns"


def _whole(line: str, output: str) -> None:
    assert len(line) > 80
    assert line in output.splitlines(), output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "nope.csv: can not be read: No such file or directory"),
        (b"\xff\xfe\x00garbage", "nope.csv: not UTF-8 text"),
        (b"Date,Home,Away\n01/08/2023,A,B\n", "nope.csv: line 1: no Div column"),
    ],
)
def test_import_of_a_missing_or_malformed_file_is_an_error_line_and_exit_1(
    env: dict[str, str], tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "nope.csv"
    if content is not None:
        path.write_bytes(content)
    done = run("import", str(path), env=env, columns=None)
    assert done.returncode == 1
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"Error [invalid_input]: {path}: "), done.stderr
    assert message in line
    assert done.stdout == ""


def test_import_goes_on_after_a_rejected_file_and_exits_1(
    env: dict[str, str], tmp_path: Path
) -> None:
    good = tmp_path / LONG / "E1.csv"
    good.parent.mkdir()
    good.write_text(f"{HEADER}\nE1,05/08/2023,15:00,Leeds,Cardiff,2,2,D\n")
    done = run("import", str(tmp_path / "nope.csv"), str(good), env=env, columns=None)
    assert done.returncode == 1
    assert done.stderr.startswith(f"Error [invalid_input]: {tmp_path / 'nope.csv'}: can not be")
    _whole(f"{good}: 1 matches (1 new), 0 odds", done.stdout)


def test_db_upgrade_prints_a_long_database_url_on_one_line(database_url: URL) -> None:
    long_url = database_url.update_query_dict({"application_name": LONG[:60]})
    env = {"FOOTCAST_DATABASE_URL": long_url.render_as_string(hide_password=False)}
    done = run("db", "upgrade", env=env, columns=None)
    assert done.returncode == 0, done.stderr
    shown = long_url.render_as_string(hide_password=True)
    _whole(f"database {shown} is at the newest schema", done.stdout)


@pytest.fixture
def long_scratch(server_url: URL) -> Iterator[str]:
    """The name of a database (as long as PostgreSQL allows) a command creates; dropped after."""
    name = f"fc_w_{uuid.uuid4().hex[:10]}_{LONG}"[:63]
    yield name
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_replay_prints_its_database_url_on_one_line(
    env: dict[str, str], database_url: URL, long_scratch: str, tmp_path: Path
) -> None:
    season = tmp_path / "E1.csv"
    season.write_text(
        "Div,Date,Time,HomeTeam,AwayTeam,FTHG,FTAG,FTR,B365H,B365D,B365A\n"
        "E1,05/08/2023,15:00,Leeds,Cardiff,2,2,D,1.8,3.6,4.5\n"
        "E1,12/08/2023,15:00,Cardiff,Leeds,0,1,A,3.1,3.3,2.3\n"
    )
    done = run("replay", str(season), "--database", long_scratch, "--workers", "1", env=env,
               columns=None)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    _whole(f"database {engine.redact(database_url.set(database=long_scratch))}", done.stdout)
