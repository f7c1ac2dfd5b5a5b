"""`footcast db`: migrations and the embedded server."""

from __future__ import annotations

import typer

from footcast.commands.state import console
from footcast.db import embedded, engine
from footcast.ops import totals

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


@app.command("rebuild-leaderboard")
def db_rebuild_leaderboard(ctx: typer.Context) -> None:
    """Compute the leaderboard's totals (kept at settlement) from the current settlements again,
    and say how many kept rows had drifted."""
    state = ctx.obj
    drift = totals.rebuild(state.database, state.clock, actor=state.actor)
    console.print(
        "leaderboard totals rebuilt: "
        + ("they were right" if drift == 0 else f"{drift} row(s) had drifted and are right now")
    )
