"""The runtime operator actions share: one app and one context, made on first use."""

from __future__ import annotations

import asyncio

from footcast.clock import SimulatedClock
from footcast.config import load_settings
from footcast.db import Database
from footcast.ops.runtime import Runtime


def test_the_app_and_context_are_made_once_and_made_again_after_close(
    database: Database, clock: SimulatedClock
) -> None:
    runtime = Runtime(database, load_settings({}), clock=clock)

    async def go() -> None:
        first, again = await runtime.app(), await runtime.app()
        assert first is again
        assert runtime.context is runtime.context
        assert runtime.context.clock is clock
        await runtime.close()
        assert await runtime.app() is not first
        await runtime.close()

    asyncio.run(go())
