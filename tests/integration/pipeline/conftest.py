"""Pipeline fixtures: small simulated leagues and replay settings for fast seasons."""

from __future__ import annotations

import pytest

from factories import replay_settings
from footcast.config import Settings


@pytest.fixture
def settings() -> Settings:
    return replay_settings()
