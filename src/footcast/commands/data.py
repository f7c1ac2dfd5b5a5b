"""`footcast import`: football-data.co.uk season files into the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from footcast import errors
from footcast.commands.state import State, console, show_error
from footcast.ops import data as ops

__all__ = ["import_command"]

SHOWN_BAD_ROWS = 20


def import_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="football-data.co.uk CSV files", show_default=False)
    ],
    strict: Annotated[
        bool, typer.Option(help="reject a file at its first bad row, storing nothing from it")
    ] = False,
) -> None:
    """Import matches, results and odds; re-importing a file changes nothing.

    Exits 1 when a row or a file was rejected (the report names file, line and column; a
    rejected file is an ``Error [<code>]: <message>`` line on stderr).
    """
    state: State = ctx.obj
    rejected = 0
    for path in paths:
        try:
            report = ops.import_file(
                state.database, path, strict=strict, now=state.clock.now(), actor=state.actor
            )
        except (errors.InvalidInput, errors.Conflict) as exc:
            show_error(exc)  # and on to the next file
            rejected += 1
            continue
        console.print(
            f"{path}: {report.stored} matches ({report.new} new), {report.quotes} odds"
            + (f", [red]{len(report.bad)} bad rows skipped[/red]" if report.bad else "")
        )
        for bad in report.bad[:SHOWN_BAD_ROWS]:
            console.print(f"  {bad}")
        if len(report.bad) > SHOWN_BAD_ROWS:
            console.print(f"  … and {len(report.bad) - SHOWN_BAD_ROWS} more")
        rejected += len(report.bad)
    if rejected:
        raise typer.Exit(1)
