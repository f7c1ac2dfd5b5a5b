"""`footcast teams`: canonical teams, what each source calls them, and merging two into one."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from footcast.commands.state import State, console
from footcast.ops import teams as ops

__all__ = ["app"]

app = typer.Typer(help="Canonical teams and their names at each source.", no_args_is_help=True)


@app.command("list")
def list_command(
    ctx: typer.Context,
    search: Annotated[
        str | None, typer.Option("--search", help="only teams whose name or alias contains this")
    ] = None,
) -> None:
    """Every team: id, canonical name, country, API-Football id, aliases by source, matches."""
    found = ops.listing(ctx.obj.database)
    if search:
        needle = search.casefold()
        found = [
            t
            for t in found
            if needle in t.name.casefold() or any(needle in a.casefold() for _, a in t.aliases)
        ]
    table = Table("id", "name", "country", "api-football", "aliases", "matches")
    for t in found:
        aliases = "; ".join(f"{source}: {name}" for source, name in t.aliases)
        table.add_row(
            str(t.id),
            t.name,
            t.country or "-",
            str(t.api_football_id) if t.api_football_id is not None else "-",
            aliases or "-",
            str(t.matches),
        )
    console.print(table if found else "no teams")


@app.command("alias")
def alias_command(
    ctx: typer.Context,
    team: Annotated[str, typer.Argument(help="team id, canonical name or alias")],
    name: Annotated[str, typer.Argument(help="the name the source uses")],
    source: Annotated[
        str, typer.Option(help="football-data, api-football, openfootball, ...")
    ] = "football-data",
) -> None:
    """Record that SOURCE calls TEAM by NAME (its next import or sync files it there)."""
    state: State = ctx.obj
    change = ops.add_alias(
        state.database, team, source=source, name=name, now=state.clock.now(), actor=state.actor
    )
    if change.changed:
        console.print(f"{source} name {name!r} is now an alias of {change.team.name}")
    else:
        console.print(f"{source} name {name!r} was already an alias of {change.team.name}")


@app.command("merge")
def merge_command(
    ctx: typer.Context,
    gone: Annotated[str, typer.Argument(help="the team to merge away (id, name or alias)")],
    kept: Annotated[str, typer.Argument(help="the team that stays (id, name or alias)")],
) -> None:
    """Merge team GONE into team KEPT: matches, lineups and aliases move; GONE's name becomes
    an alias of KEPT."""
    state: State = ctx.obj
    merged = ops.merge(state.database, gone, kept, now=state.clock.now(), actor=state.actor)
    console.print(
        f"merged {merged.gone.name} (team {merged.gone.id}) into {merged.kept.name}"
        f" (team {merged.kept.id}): {len(merged.matches)} match(es),"
        f" {len(merged.aliases)} alias(es) moved"
    )
