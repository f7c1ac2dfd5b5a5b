"""`footcast import`: season files (football-data.co.uk CSV, openfootball's football.json) into
the database."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from footcast import errors
from footcast.commands.state import State, console, show_error
from footcast.ops import data as ops

__all__ = ["import_command", "show_problems"]

SHOWN_BAD_ROWS = 20


def import_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="football-data.co.uk CSV or openfootball football.json files (told by content)",
            show_default=False,
        ),
    ],
    strict: Annotated[
        bool,
        typer.Option(
            help="reject a file at its first bad row or bad odds cell, storing nothing from it"
        ),
    ] = False,
) -> None:
    """Import matches, results and odds; re-importing a file changes nothing.

    An odds set with a bad cell is left out of its match, with a warning; the match is stored.
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
            + (
                f", [yellow]{len(report.dropped)} odds sets left out[/yellow]"
                if report.dropped
                else ""
            )
        )
        show_problems(report.bad)
        show_problems(report.dropped, prefix="warning: ")
        rejected += len(report.bad)
    if rejected:
        raise typer.Exit(1)


def show_problems(problems: Sequence[object], *, prefix: str = "") -> None:
    """Print the first problems of a file, one a line, and how many more there are."""
    for problem in problems[:SHOWN_BAD_ROWS]:
        console.print(f"  {prefix}{problem}", markup=False, highlight=False, soft_wrap=True)
    if len(problems) > SHOWN_BAD_ROWS:
        console.print(f"  … and {len(problems) - SHOWN_BAD_ROWS} more")
