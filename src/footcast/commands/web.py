"""`footcast web`: the API, health, admin, metrics and pages over HTTP."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from footcast.commands.state import State
from footcast.config import Settings
from footcast.db import connect, engine

if TYPE_CHECKING:
    import uvicorn

__all__ = ["server", "showing", "web_command"]


def server(state: State, *, host: str | None = None, port: int | None = None) -> uvicorn.Server:
    """A uvicorn server of footcast's app on the settings' (or the given) address."""
    # imported here: the web stack costs every other command a third of a second to load
    import uvicorn

    from footcast.web.app import create_app

    app = create_app(state.database, state.settings, clock=state.clock)
    config = uvicorn.Config(
        app,
        host=host or state.settings.web.host,
        port=state.settings.web.port if port is None else port,
        log_level="info",
        proxy_headers=False,
    )
    return uvicorn.Server(config)


def showing(database: str, settings: Settings) -> str:
    """The command that serves ``database`` (a demo's or a replay's) on its replayed clock,
    and where to open it."""
    address = f"http://{settings.web.host}:{settings.web.port}/"
    program = sys.argv[0] if sys.argv[0].endswith("footcast") else "footcast"  # as it was run
    return f"{program} web --database {database} --replay-clock   # then open {address}"


def web_command(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(min=0, max=65535, help="port")] = None,
    database: Annotated[
        str | None,
        typer.Option(
            help="serve this database of the configured server instead of footcast's"
            " (footcast_demo: what `footcast demo` wrote)"
        ),
    ] = None,
    replay_clock: Annotated[
        bool,
        typer.Option(
            "--replay-clock",
            help="read the time from the database's replay (FOOTCAST_CLOCK=simulated)",
        ),
    ] = False,
) -> None:
    """Serve the web surface until stopped (FOOTCAST_WEB_HOST, FOOTCAST_WEB_PORT)."""
    state: State = ctx.obj
    if database is not None or replay_clock:
        settings = state.settings.evolve(clock="simulated") if replay_clock else state.settings
        url = engine.database_url_of(settings)
        if database is not None:
            url = engine.server_url_of(settings).set(database=database)
        state = State(settings=settings, actor=state.actor, _database=connect(url))
    server(state, host=host, port=port).run()
