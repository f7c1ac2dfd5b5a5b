"""`footcast competitions`: the competitions and the scoring rule each is settled with."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from footcast.commands.state import State, console
from footcast.db.writes import competitions
from footcast.ops import competitions as ops

__all__ = ["app", "rescore"]

app = typer.Typer(help="Competitions and their scoring rules.", no_args_is_help=True)


@app.command("list")
def list_command(ctx: typer.Context) -> None:
    """Every competition: code, name, scoring rule, matches and settled matches."""
    with ctx.obj.database.transaction() as session:
        found = competitions.listing(session)
    table = Table("code", "name", "rule", "matches", "settled")
    for c in found:
        table.add_row(c.code, c.name, c.rule, str(c.matches), str(c.settled))
    console.print(table if found else "no competitions")


@app.command("set-rule")
def set_rule(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="competition code (see `competitions list`)")],
    rule: Annotated[str, typer.Argument(help="scoring rule, e.g. quota-v1 or standard-v1")],
) -> None:
    """Settle a competition with another rule; its settled matches get a new revision now."""
    _change(ctx.obj, code=code, rule=rule, dry_run=False)


def rescore(
    ctx: typer.Context,
    competition: Annotated[str, typer.Option(help="competition code (see `competitions list`)")],
    rule: Annotated[str, typer.Option(help="scoring rule, e.g. quota-v1 or standard-v1")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show each forecaster's points before and after")
    ] = False,
) -> None:
    """Recompute a competition's points under another rule, set-based, as new settlement
    revisions (the old ones stay, superseded); the competition is settled with that rule from
    now on (as `competitions set-rule`)."""
    _change(ctx.obj, code=competition, rule=rule, dry_run=dry_run)


def _change(state: State, *, code: str, rule: str, dry_run: bool) -> None:
    change = ops.set_rule(
        state.database, state.clock, code=code, rule=rule, actor=state.actor, dry_run=dry_run
    )
    if not change.changed:
        console.print(f"{change.code} already uses {rule}: nothing changed")
        return
    if change.changes:
        table = Table("forecaster", "matches", change.old_rule, rule, "change")
        for c in change.changes:
            table.add_row(
                c.forecaster,
                str(c.matches),
                str(c.before),
                str(c.after),
                f"{c.after - c.before:+d}",
            )
        console.print(table)
    if dry_run:
        console.print(
            f"dry run: {change.code} would go from {change.old_rule} to {rule};"
            f" {len(change.resettled)} settled match(es) would be re-settled. Nothing changed."
        )
        return
    console.print(
        f"{change.code}: rule {change.old_rule} → {change.new_rule};"
        f" {len(change.resettled)} settled match(es) re-settled as a new revision"
    )


@app.command("merge")
def merge(
    ctx: typer.Context,
    gone: Annotated[str, typer.Argument(help="the competition to merge away (code)")],
    kept: Annotated[str, typer.Argument(help="the competition that stays (code)")],
) -> None:
    """Merge competition GONE into KEPT (e.g. AF39 into E0): matches and seasons move, and the
    history of both counts for KEPT."""
    state: State = ctx.obj
    merged = ops.merge(state.database, state.clock, gone=gone, kept=kept, actor=state.actor)
    console.print(
        f"merged {merged.gone} into {merged.kept}: {len(merged.matches)} match(es) moved;"
        f" {merged.gone} is now an alias of {merged.kept}"
    )
