"""Acceptance fixtures: the environment that points the real command at a test database."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import URL


@pytest.fixture
def env(database_url: URL) -> dict[str, str]:
    url = database_url.render_as_string(hide_password=False)
    return {"FOOTCAST_DATABASE_URL": url}
