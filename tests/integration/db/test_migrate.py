"""Migrations: applied once, on first use, even when several processes start together."""

from __future__ import annotations

import threading
from collections.abc import Callable

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import URL

from footcast.db import Database, connect, engine, migrate
from footcast.db.tables import Base


def test_connect_migrates_a_new_database_once_under_concurrency(
    server_url: URL, scratch_names: Callable[[str], str]
) -> None:
    name = scratch_names("fc_migrate")
    url = engine.ensure_database(server_url, name, drop_first=True)
    outcomes: list[str] = []

    def open_it() -> None:
        try:
            connect(url).dispose()
            outcomes.append("ok")
        except Exception as exc:  # the assertion below reports it
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == ["ok"] * 4
    database = connect(url)
    with database.engine.connect() as connection:
        assert migrate.current_revision(connection) == migrate.head_revision()
        rules = connection.execute(sa.text("SELECT name FROM scoring_rules ORDER BY name"))
        assert list(rules.scalars()) == ["quota-v1", "standard-v1"]
    assert migrate.upgrade(database.engine) is False
    database.dispose()


def test_the_models_and_the_migrations_describe_the_same_schema(database: Database) -> None:
    """A column or index added to one and not the other shows up here."""
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_name": lambda name, kind, parent: (
                    not (kind == "table" and (name or "").startswith("procrastinate_"))
                ),
                "compare_server_default": False,
            },
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_existing_teams_and_competitions_become_canonical_with_their_aliases(
    server_url: URL, scratch_names: Callable[[str], str]
) -> None:
    """A database from before aliases: each team keeps its row and gets its name as an alias
    under every source whose matches name it; competitions likewise."""
    name = scratch_names("fc_migrate")
    url = engine.ensure_database(server_url, name, drop_first=True)
    old = sa.create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    with old.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
        connection.execute(
            sa.text(
                "INSERT INTO competitions (id, code, name) VALUES (1, 'E0', 'Premier League');"
                " INSERT INTO teams (id, name) VALUES (1, 'Man United'), (2, 'Arsenal'),"
                " (3, 'Arsenal FC'), (4, 'Unplayed');"
                " INSERT INTO matches (competition_id, home_team_id, away_team_id, source,"
                " external_id, kickoff_at, prediction_deadline) VALUES"
                " (1, 1, 2, 'football-data', 'a', now(), now()),"
                " (1, 3, 1, 'openfootball', 'b', now(), now())"
            )
        )
    old.dispose()

    database = connect(url)  # migrates to the newest revision
    with database.engine.connect() as connection:
        teams = connection.execute(sa.text("SELECT id, name FROM teams ORDER BY id")).all()
        aliases = set(connection.execute(sa.text("SELECT source, name, team_id FROM team_aliases")))
        codes = set(
            connection.execute(
                sa.text("SELECT source, code, competition_id FROM competition_aliases")
            )
        )
    database.dispose()
    assert [tuple(t) for t in teams] == [
        (1, "Man United"), (2, "Arsenal"), (3, "Arsenal FC"), (4, "Unplayed"),
    ]  # fmt: skip
    assert {tuple(a) for a in aliases} == {
        ("football-data", "Man United", 1), ("openfootball", "Man United", 1),
        ("football-data", "Arsenal", 2), ("openfootball", "Arsenal FC", 3),
    }  # fmt: skip
    assert {tuple(c) for c in codes} == {("football-data", "E0", 1), ("openfootball", "E0", 1)}
