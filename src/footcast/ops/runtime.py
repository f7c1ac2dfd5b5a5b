"""The long-lived pipeline objects operator actions need: a worker context and a Procrastinate
app on footcast's database, made on first use and closed once (one per web app or command)."""

from __future__ import annotations

import asyncio

from procrastinate import App

from footcast.clock import Clock
from footcast.config import Settings
from footcast.db import Database
from footcast.pipeline import queue, worker
from footcast.pipeline.context import Context

__all__ = ["Runtime"]


class Runtime:
    """A context (source, roster, clock) and a queue app for operator actions, made on first
    use: a web app that never queues anything never opens a queue connection."""

    def __init__(
        self, database: Database, settings: Settings, *, clock: Clock | None = None,
        actor: str = "ops",
    ) -> None:  # fmt: skip
        self._database = database
        self._settings = settings
        self._clock = clock
        self._actor = actor
        self._context: Context | None = None
        self._app: App | None = None
        self._opening = asyncio.Lock()

    @property
    def context(self) -> Context:
        """The worker context, built on first use.

        Raises:
            ConfigError: the roster is refused, or an enabled model's key variable is not set.
        """
        if self._context is None:
            self._context = worker.build_context(
                self._database, self._settings, clock=self._clock, actor=self._actor
            )
        return self._context

    async def app(self) -> App:
        """The Procrastinate app, opened on first use (in the running event loop)."""
        async with self._opening:
            if self._app is None:
                app = queue.make_app(self._database.url, self._settings, periodic=False)
                await app.open_async()
                self._app = app
        return self._app

    async def close(self) -> None:
        """Close the app and the context's connections (a later use makes them again)."""
        app, self._app = self._app, None
        context, self._context = self._context, None
        if app is not None:
            await app.close_async()
        if context is not None:
            context.close()
