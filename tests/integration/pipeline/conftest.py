"""Pipeline fixtures: small simulated leagues and replay settings for fast seasons."""

from __future__ import annotations

from datetime import timedelta

import pytest

from footcast import demo
from footcast.config import Settings, load_settings


def replay_settings(**overrides: object) -> Settings:
    """Demo settings for a 6-team league (30 matches), short retry waits."""
    values: dict[str, object] = {
        **demo.DEMO_OVERRIDES,
        "sim_teams": 6,
        "sim_seed": 11,
        "retry_base_seconds": 0.02,
        "stalled_after_seconds": 3.0,
        "heartbeat_seconds": 1.0,
        "live_every": timedelta(minutes=45),
        # the tests count every job a season made; pipeline/test_history.py prunes
        "job_retention": timedelta(days=3650),
    }
    values.update(overrides)
    return load_settings({}, **values)


@pytest.fixture
def settings() -> Settings:
    return replay_settings()
