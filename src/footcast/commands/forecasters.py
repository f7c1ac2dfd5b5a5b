"""`footcast forecasters`: who predicts."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from footcast.commands.state import State, console
from footcast.db.writes import forecasters as forecaster_rows
from footcast.domain.names import ForecasterKind
from footcast.ops import forecasters as ops

__all__ = ["app"]

app = typer.Typer(help="Who predicts.", no_args_is_help=True)


@app.command("add")
def forecasters_add(
    ctx: typer.Context,
    name: str,
    kind: Annotated[
        ForecasterKind, typer.Option(help="what kind of forecaster")
    ] = ForecasterKind.HUMAN,
) -> None:
    """Add a forecaster (active from now)."""
    state: State = ctx.obj
    added = ops.add(state.database, name, kind=kind, actor=state.actor, now=state.clock.now())
    console.print(f"forecaster {added.name!r} ({added.kind}) is active")


@app.command("list")
def forecasters_list(ctx: typer.Context) -> None:
    """List the forecasters."""
    table = Table("name", "kind", "provider", "model", "active from", "active until")
    with ctx.obj.database.transaction() as session:
        for f in forecaster_rows.list_all(session):
            until = f"{f.active_until:%Y-%m-%d %H:%M}" if f.active_until else "-"
            table.add_row(
                f.name,
                f.kind,
                f.provider or "-",
                f.model_id or "-",
                f"{f.active_from:%Y-%m-%d %H:%M}",
                until,
            )
    console.print(table)
