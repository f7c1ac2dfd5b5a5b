"""A real server of footcast's app on 127.0.0.1 over the test database, and a client for it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from footcast.clock import SimulatedClock
from footcast.config import Settings, load_settings
from footcast.db import Database
from footcast.web.app import create_app
from footcast.web.serving import serve
from web_server import SECRET, Served


@pytest.fixture
def web_settings() -> Settings:
    return load_settings(
        {}, admin_token=SECRET, health_cache_seconds=0, admin_rate_limit="1000/minute"
    )


@pytest.fixture
def served(database: Database, clock: SimulatedClock, web_settings: Settings) -> Iterator[Served]:
    app = create_app(database, web_settings, clock=clock)
    with serve(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        yield Served(url=url, app=app, settings=web_settings, client=client)
