"""API-Football v3 (api-sports.io): an async client, its limits, and a footcast ``Source``."""

from __future__ import annotations

from footcast.sources.api_football.client import ApiFootballClient, Retry
from footcast.sources.api_football.limiter import Limiter, MemoryLimiter
from footcast.sources.api_football.source import ApiFootballSource

__all__ = ["ApiFootballClient", "ApiFootballSource", "Limiter", "MemoryLimiter", "Retry"]
