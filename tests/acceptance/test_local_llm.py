"""`footcast demo --llm-local`: a slice of the season with a real model on this machine."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.engine import URL

from commandline import run
from localllm import require_local_model

pytestmark = pytest.mark.localllm


def test_cli_demo_with_the_local_model_reports_what_became_of_its_answers(
    server_url: URL, scratch_database: URL
) -> None:
    require_local_model()
    url = server_url.render_as_string(hide_password=False)
    env = {"FOOTCAST_DATABASE_URL": url, "FOOTCAST_SIM_TEAMS": "4", "COLUMNS": "160"}
    result = run(
        "demo", "--database", str(scratch_database.database), "--llm-local", "--matches", "2",
        env=env, timeout=300,  # a real model: seconds an answer on busy cores
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "local model SmolLM2-135M-Instruct.Q4_1.gguf on llama.cpp" in result.stdout
    board = result.stdout.split("Leaderboard (on-time predictions)")[1]
    assert "smollm2-135m-local" in board
    assert "market *" in board
    counts = {
        outcome: int(count)
        for outcome, count in re.findall(
            r"^\s*(valid|tolerated|repaired|invalid)\s+(\d+)", result.stdout, re.MULTILINE
        )
    }
    assert set(counts) >= {"valid", "tolerated", "repaired", "invalid"}
    # one answer (or failure) per match of the slice: the first two, and any kicking off with
    # the second
    assert 2 <= sum(counts.values()) <= 4
