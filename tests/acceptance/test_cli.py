"""The real `footcast` command in subprocesses, on a fresh real database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from commandline import run, seed_match
from footcast.db import connect, engine


def _count(database_url: URL, table: str) -> int:
    database = connect(database_url)
    with database.engine.connect() as connection:
        count = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
    database.dispose()
    return int(count)


def test_cli_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("demo", "settle", "predict", "result", "leaderboard", "db", "forecasters",
                    "run", "worker", "backfill", "gaps", "failures", "competitions"):  # fmt: skip
        assert command in result.stdout


def test_cli_unreachable_database_url_is_named_and_exits_1() -> None:
    result = run(
        "settle", "--pending", env={"FOOTCAST_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"}
    )
    assert result.returncode == 1
    assert "Error [database_unavailable]: database unreachable at" in result.stderr
    assert "127.0.0.1:1/x" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_settle_needs_exactly_one_target(env: dict[str, str]) -> None:
    result = run("settle", env=env)
    assert result.returncode == 2
    assert "give exactly one of --match ID or --pending" in result.stderr


def test_cli_settle_unknown_match_exits_1(env: dict[str, str]) -> None:
    result = run("settle", "--match", "999", env=env)
    assert result.returncode == 1
    assert "Error [not_found]: match 999 does not exist" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["ghost", "1:0"], "not_found", "forecaster 'ghost' does not exist"),
        (["alice", "21:0"], "invalid_forecast", "home_goals=21 is outside 0..20"),
        (["alice", "two-one"], "invalid_forecast", "'two-one'"),
        (["alice", "1:0", "--probs", "0.5,0.3,0.1"], "invalid_forecast", "must be 1"),
        (["alice", "1:0", "--probs", "0.5,0.5"], "invalid_forecast", "must be three numbers"),
    ],
    ids=["unknown-forecaster", "goals-21", "bad-score", "probs-sum", "probs-count"],
)
def test_cli_predict_bad_input_is_refused_and_stores_nothing(
    env: dict[str, str], database_url: URL, args: list[str], code: str, text: str
) -> None:
    match_id = seed_match(database_url)
    assert run("forecasters", "add", "alice", env=env).returncode == 0

    result = run("predict", str(match_id), *args, env=env)

    assert result.returncode == 1, result.stderr
    assert f"Error [{code}]:" in result.stderr
    assert text in result.stderr
    assert _count(database_url, "predictions") == 0


def test_cli_predict_result_settle_and_leaderboard(env: dict[str, str], database_url: URL) -> None:
    match_id = seed_match(database_url)
    assert run("forecasters", "add", "alice", env=env).returncode == 0
    assert run("forecasters", "add", "bob", env=env).returncode == 0
    assert run("predict", str(match_id), "alice", "2:1", env=env).returncode == 0
    predicted = run("predict", str(match_id), "bob", "0:0", "--probs", "0.2,0.5,0.3", env=env)
    assert "stored" in predicted.stdout

    not_yet = run("settle", "--match", str(match_id), env=env)
    assert not_yet.returncode == 1
    assert "Error [not_settleable]" in not_yet.stderr
    assert _count(database_url, "settlements") == 0

    assert run("result", str(match_id), "2:1", env=env).returncode == 0
    settled = run("settle", "--pending", env=env)
    assert settled.returncode == 0, settled.stderr
    assert "settled" in settled.stdout
    assert run("settle", "--pending", env=env).stdout.strip() == "nothing to settle"

    database = connect(database_url)
    with database.engine.connect() as connection:
        actions = connection.execute(sa.text("SELECT action, target FROM audit_log ORDER BY id"))
        assert [tuple(row) for row in actions] == [
            ("forecaster.add", "alice"),
            ("forecaster.add", "bob"),
            ("match.result", f"match:{match_id}"),
            ("settle", "pending"),
            ("settle", "pending"),
        ]
    database.dispose()

    board = run("leaderboard", env=env)
    assert board.returncode == 0
    lines = [line for line in board.stdout.splitlines() if "alice" in line or "bob" in line]
    # alice: exact 2:1 with quota H = 6 (N 2, T_H 1 -> 3.2 -> 3): 3 + 1 + 3 = 7; bob 0
    assert "alice" in lines[0]
    assert " 7 " in lines[0]
    assert "bob" in lines[1]


def test_cli_demo_replays_a_season_and_prints_the_leaderboard(
    server_url: URL, scratch_names: Callable[[str], str]
) -> None:
    name = scratch_names("fc_demo")
    url = server_url.render_as_string(hide_password=False)
    env = {"FOOTCAST_DATABASE_URL": url, "FOOTCAST_SIM_TEAMS": "6"}
    result = run("demo", "--database", name, "--standins", "2", env=env)
    assert result.returncode == 0, result.stderr
    assert "matches: 30 finished" in result.stdout
    assert "Leaderboard (on-time predictions)" in result.stdout
    board = result.stdout.split("Leaderboard (on-time predictions)")[1]
    for forecaster in ("market *", "dixon-coles", "elo", "naive-draw-1-1 *", "standin-02",
                       "consensus *"):  # fmt: skip
        assert forecaster in board
    assert board.count("30/30") == 10  # every forecaster predicted every match
    # market, the three naive rules and the consensus: beside, not ranked
    assert board.count(" ref ") == 5
    assert f"web --database {name} --replay-clock" in result.stdout  # how to see it


def test_cli_demo_never_touches_the_configured_database(
    server_url: URL, scratch_database: URL, scratch_names: Callable[[str], str]
) -> None:
    """``demo --database X`` works in X only: the configured database (here an empty one; on a
    shared server it may be the maintenance database) is not migrated nor written to."""
    configured = engine.ensure_database(server_url, str(scratch_database.database))
    name = scratch_names("fc_demo_other")
    env = {"FOOTCAST_DATABASE_URL": configured.render_as_string(hide_password=False)}
    result = run("demo", "--database", name, "--matches", "3", env=env)
    assert result.returncode == 0, result.stderr
    assert "finished" in result.stdout
    admin = sa.create_engine(configured)
    with admin.connect() as connection:
        tables = connection.execute(
            sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        ).scalar_one()
    admin.dispose()
    assert tables == 0


def test_cli_embedded_server_is_shared_by_concurrent_processes(tmp_path: Path) -> None:
    env = {"FOOTCAST_DATA_DIR": str(tmp_path / "data")}
    base = {k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "footcast.cli", "db", "upgrade"],
            env={**base, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        outputs = [p.communicate(timeout=120) for p in processes]
        assert [p.returncode for p in processes] == [0, 0, 0], outputs
        assert all("newest schema" in out for out, _ in outputs)
        assert (tmp_path / "data" / "pgdata" / "PG_VERSION").exists()
    finally:
        stopped = run("db", "stop", env=env)
        assert "embedded server stopped" in stopped.stdout


def test_cli_demo_with_the_fake_llm_provider_runs_the_42_reference_models(
    server_url: URL, scratch_database: URL
) -> None:
    url = server_url.render_as_string(hide_password=False)
    env = {"FOOTCAST_DATABASE_URL": url, "FOOTCAST_SIM_TEAMS": "6", "COLUMNS": "160"}
    result = run("demo", "--database", str(scratch_database.database), "--llm-fake", env=env)
    assert result.returncode == 0, result.stderr
    assert "42 models" in result.stdout
    assert "the fake server answered 1260 chat completions" in result.stdout  # 30 matches × 42
    board = result.stdout.split("Leaderboard (on-time predictions)")[1]
    assert board.count("30/30") == 42 + 7 + 1  # the LLMs, the built-in ones, the consensus
    for model in ("deepseek-v3.1", "qwen3-coder-480b-syn", "gemma-3n-e4b", "market *"):
        assert model in board


def test_cli_competitions_list_and_set_rule(env: dict[str, str], database_url: URL) -> None:
    match_id = seed_match(database_url, "2020-01-01 15:00+00")
    assert run("forecasters", "add", "alice", env=env).returncode == 0
    assert run("predict", str(match_id), "alice", "2:0", env=env).returncode == 0
    assert run("result", str(match_id), "1:0", env=env).returncode == 0
    assert run("settle", "--pending", env=env).returncode == 0
    before = run("competitions", "list", env=env)
    assert before.returncode == 0, before.stderr
    (row,) = [line.split() for line in before.stdout.splitlines() if " T " in line]
    assert [cell for cell in row if cell not in "│┃|"] == ["T", "Test", "quota-v1", "1", "1"]

    dry = run("rescore", "--competition", "T", "--rule", "standard-v1", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    # 2:0 for 1:0: tendency right, under quota-v1 (alone: quota 2) 2 points, standard-v1 2
    (alice,) = [line.split() for line in dry.stdout.splitlines() if "alice" in line]
    assert [cell for cell in alice if cell not in "│┃|"] == ["alice", "1", "2", "2", "+0"]
    assert "dry run: T would go from quota-v1 to standard-v1; 1 settled match(es)" in dry.stdout
    assert "quota-v1" in run("competitions", "list", env=env).stdout  # nothing changed

    changed = run("competitions", "set-rule", "T", "standard-v1", env=env)

    assert changed.returncode == 0, changed.stderr
    assert "T: rule quota-v1 → standard-v1; 1 settled match(es) re-settled" in changed.stdout
    assert "standard-v1" in run("competitions", "list", env=env).stdout
    again = run("competitions", "set-rule", "T", "standard-v1", env=env)
    assert "T already uses standard-v1: nothing changed" in again.stdout
    unknown = run("competitions", "set-rule", "T", "kicktipp", env=env)
    assert unknown.returncode == 1
    assert (
        "Error [not_found]: scoring rule 'kicktipp' does not exist;"
        " known rules: quota-v1, standard-v1"
    ) in unknown.stderr
    nowhere = run("competitions", "set-rule", "X", "standard-v1", env=env)
    assert "Error [not_found]: competition 'X' does not exist" in nowhere.stderr

    database = connect(database_url)
    with database.engine.connect() as connection:
        revisions = connection.execute(
            sa.text(
                "SELECT s.revision, s.superseded_at IS NOT NULL, s.reason, q.rule_name, p.points"
                " FROM settlements s JOIN quota_snapshots q ON q.id = s.snapshot_id"
                " JOIN settlement_scores p ON p.settlement_id = s.id ORDER BY s.revision"
            )
        ).all()
        actions = connection.execute(sa.text("SELECT action FROM audit_log")).scalars().all()
    database.dispose()
    # alice 2:0 for 1:0: quota-v1 (N 1, quota H 2) 2 points; standard-v1 tendency 2 points
    assert [tuple(r) for r in revisions] == [
        (1, True, "final score", "quota-v1", 2),
        (2, False, "rule quota-v1 → standard-v1", "standard-v1", 2),
    ]
    assert actions.count("competition.rule") == 1


def test_cli_models_cost_and_the_contaminated_leaderboard(env: dict[str, str]) -> None:
    cost = run("models", "cost", "--season", "2025-26", env=env)
    assert cost.returncode == 0, cost.stderr
    assert "LLM cost, season 2025-26" in cost.stdout
    assert "0 predictions, $0.0000 in all" in cost.stdout
    board = run("leaderboard", "--contaminated", env=env)
    assert board.returncode == 0, board.stderr
    assert "Leaderboard of contaminated predictions" in board.stdout
