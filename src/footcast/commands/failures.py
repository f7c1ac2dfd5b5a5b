"""`footcast failures`: the failure ledger (dead letters): list, investigate, retry, clear."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from footcast import errors
from footcast.commands.pipeline import with_app
from footcast.commands.state import State, console
from footcast.db.writes import ledger
from footcast.domain.names import FailureState
from footcast.ops import failures as ops
from footcast.ops.investigate import category
from footcast.ops.runtime import Runtime

__all__ = ["app"]

app = typer.Typer(help="The failure ledger: list, investigate, retry, clear.", no_args_is_help=True)

Stage = Annotated[
    str | None, typer.Option(help="only this stage (fixtures, analysis, predictions, settlement…)")
]
Ids = Annotated[list[int] | None, typer.Option("--id", help="only these failure ids (repeatable)")]


@app.command("list")
def list_command(
    ctx: typer.Context,
    stage: Stage = None,
    everything: Annotated[bool, typer.Option("--all", help="include resolved and cleared")] = False,
    traceback: Annotated[bool, typer.Option(help="print each full traceback")] = False,
) -> None:
    """Recorded failures, newest first, with their full reason."""
    with ctx.obj.database.transaction() as session:
        found = ledger.listing(session, stage=stage, everything=everything)
    table = Table("id", "stage", "unit", "code", "tries", "state", "last seen", "reason")
    for f in found:
        state = f"{f.state}{' (terminal)' if f.terminal and f.state == FailureState.OPEN else ''}"
        table.add_row(
            str(f.id), f.stage, f.key, f.error_code, str(f.attempts), state,
            f.last_seen_at.isoformat(timespec="seconds"), f.message,
        )  # fmt: skip
    console.print(table)
    if traceback:
        for f in found:
            console.rule(f"failure {f.id} {f.key}")
            console.print(f.traceback or "(no traceback)", markup=False, highlight=False)
            console.print(f"payload: {f.payload}", markup=False)
    console.print(f"{len(found)} failure(s)")


@app.command()
def investigate(ctx: typer.Context) -> None:
    """Open failures grouped by stage and error, with counts, first and last seen, sample
    matches and the root-cause category."""
    with ctx.obj.database.transaction() as session:
        found = ledger.groups(session)
    table = Table(
        "stage", "error", "cause", "count", "terminal", "first seen", "last seen", "matches",
        "example", title="Open failures by cause",
    )  # fmt: skip
    for g in found:
        table.add_row(
            g.stage, f"{g.error_class.rsplit('.', 1)[-1]} [{g.error_code}]",
            category(g.stage, g.error_code, g.sample_message), str(g.count), str(g.terminal),
            g.first_seen.isoformat(timespec="seconds"), g.last_seen.isoformat(timespec="seconds"),
            ", ".join(map(str, g.sample_matches)), g.sample_message,
        )  # fmt: skip
    console.print(table if found else "no open failures")


def _selection(stage: str | None, ids: list[int] | None, everything: bool) -> None:
    if stage is None and not ids and not everything:
        raise errors.ConfigError("choose what to act on: --stage S, --id N (repeatable) or --all")


@app.command()
def retry(
    ctx: typer.Context,
    stage: Stage = None,
    ids: Ids = None,
    everything: Annotated[bool, typer.Option("--all", help="every open failure")] = False,
) -> None:
    """Retry failed units with fresh data: each unit is queued once, however often retried."""
    _selection(stage, ids, everything)
    state: State = ctx.obj
    runtime = Runtime(state.database, state.settings, actor=state.actor)
    context = runtime.context
    done = with_app(
        runtime,
        lambda app: ops.retry(
            state.database,
            app,
            actor=state.actor,
            now=context.clock.now(),
            source=context.source.name,
            stage=stage,
            ids=ids,
            everything=everything,
        ),
    )
    console.print(f"{done.failures} failure(s) marked for retry; {done.queued} job(s) queued")


@app.command()
def clear(
    ctx: typer.Context,
    stage: Stage = None,
    ids: Ids = None,
    everything: Annotated[bool, typer.Option("--all", help="every open failure")] = False,
) -> None:
    """Clear failures from the open list (rows are kept, and the clear is in the audit log)."""
    _selection(stage, ids, everything)
    state: State = ctx.obj
    done = ops.clear(
        state.database, actor=state.actor, now=state.clock.now(), stage=stage, ids=ids,
        everything=everything,
    )  # fmt: skip
    console.print(f"{done.failures} failure(s) cleared")
