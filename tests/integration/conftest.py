"""Integration fixtures: a world on a fresh real database."""

from __future__ import annotations

import pytest

from factories import World
from footcast.clock import SimulatedClock
from footcast.db import Database


@pytest.fixture
def world(database: Database, clock: SimulatedClock) -> World:
    return World(database=database, clock=clock)
