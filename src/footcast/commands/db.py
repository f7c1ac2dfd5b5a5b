"""`footcast db`: migrations and the embedded server."""

from __future__ import annotations

import typer

from footcast.commands.state import console
from footcast.db import embedded, engine

__all__ = ["app"]

app = typer.Typer(help="The database: migrations and the embedded server.", no_args_is_help=True)


@app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Apply every migration the database is missing."""
    database = ctx.obj.database
    console.print(f"database {engine.redact(database.url)} is at the newest schema")


@app.command("stop")
def db_stop(ctx: typer.Context) -> None:
    """Stop the embedded server (other footcast processes start it again when they need it)."""
    stopped = embedded.stop_embedded_server(ctx.obj.settings.database.embedded_pgdata)
    console.print("embedded server stopped" if stopped else "no embedded server was running")
