"""`footcast web`: the API, health, admin, metrics and pages over HTTP."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from footcast.commands.state import State

if TYPE_CHECKING:
    import uvicorn

__all__ = ["server", "web_command"]


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


def web_command(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(min=0, max=65535, help="port")] = None,
) -> None:
    """Serve the web surface until stopped (FOOTCAST_WEB_HOST, FOOTCAST_WEB_PORT)."""
    server(ctx.obj, host=host, port=port).run()
