"""`footcast forecasters`: who predicts; pausing one for a time (it resumes by itself) or
disabling it until it is enabled (``ops.forecasters`` tells the two apart)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from footcast import errors
from footcast.commands.state import State, console
from footcast.db.coordination import pauses
from footcast.db.writes import forecasters as forecaster_rows
from footcast.domain.names import ForecasterKind
from footcast.ops import forecasters as ops

__all__ = ["app", "describe"]

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
    """List the forecasters, each with its state now (active, paused until when, disabled)."""
    state: State = ctx.obj
    table = Table("name", "kind", "provider", "model", "active from", "active until", "state")
    with state.database.transaction() as session:
        stopped: dict[str, pauses.Pause] = {}
        for p in pauses.current(session, at=state.clock.now()):
            stopped.setdefault(p.forecaster, p)  # an open pause before a timed one
        for f in forecaster_rows.list_all(session):
            until = f"{f.active_until:%Y-%m-%d %H:%M}" if f.active_until else "-"
            table.add_row(
                f.name,
                f.kind,
                f.provider or "-",
                f.model_id or "-",
                f"{f.active_from:%Y-%m-%d %H:%M}",
                until,
                describe(stopped.get(f.name)),
            )
    console.print(table)


def describe(pause: pauses.Pause | None) -> str:
    """A forecaster's state in words, from the pause in effect (None: active)."""
    if pause is None:
        return "active"
    if pause.until is not None:
        return f"paused until {_when(pause.until)} by {pause.actor}: {pause.reason}"
    return f"disabled since {_when(pause.since)} by {pause.actor}: {pause.reason}"


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


Reason = Annotated[str | None, typer.Option(help="why, for the audit log")]


@app.command("pause")
def pause(
    ctx: typer.Context,
    name: str,
    hours: Annotated[
        float | None, typer.Option(min=0, help="pause for this many hours from now")
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            help="pause until this moment (ISO 8601, e.g. 2026-05-01T18:00; UTC unless"
            " it names a zone)",
            show_default=False,
        ),
    ] = None,
    reason: Reason = None,
) -> None:
    """Pause a forecaster for a time: it owes no predictions due before then and resumes by
    itself at that moment (`resume` ends it early). To stop it until further notice, `disable`."""
    state: State = ctx.obj
    now = state.clock.now()
    if (hours is None) == (until is None):
        raise typer.BadParameter("give exactly one of --hours and --until")
    end = now + timedelta(hours=hours) if hours is not None else _moment(until or "")
    done = ops.pause(state.database, name, until=end, actor=state.actor, now=now,
                     reason=reason or "paused by an operator")  # fmt: skip
    assert done.until is not None
    already = "" if done.changed else " (already so)"
    console.print(f"{name}: paused until {_when(done.until)}{already}")


@app.command("resume")
def resume(ctx: typer.Context, name: str, reason: Reason = None) -> None:
    """End a forecaster's timed pause early: it owes predictions again from now on."""
    state: State = ctx.obj
    done = ops.resume(state.database, name, actor=state.actor, now=state.clock.now(),
                      reason=reason or "resumed by an operator")  # fmt: skip
    console.print(f"{name}: {'resumed' if done.changed else 'not paused'}")


@app.command("disable")
def disable(ctx: typer.Context, name: str, reason: Reason = None) -> None:
    """Stop a forecaster until it is enabled (a timed pause running now ends: this takes over)."""
    state: State = ctx.obj
    done = ops.disable(state.database, name, actor=state.actor, now=state.clock.now(),
                       reason=reason or "disabled by an operator")  # fmt: skip
    console.print(f"{name}: {'disabled' if done.changed else 'already disabled'}")


@app.command("enable")
def enable(ctx: typer.Context, name: str, reason: Reason = None) -> None:
    """Lift every pause of a forecaster (disabled by whomever, or paused for a time)."""
    state: State = ctx.obj
    done = ops.enable(state.database, name, actor=state.actor, now=state.clock.now(),
                      reason=reason or "enabled by an operator")  # fmt: skip
    console.print(f"{name}: {'enabled' if done.changed else 'not paused'}")


def _moment(text: str) -> datetime:
    """An ISO 8601 moment; one without a zone is UTC."""
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        raise errors.InvalidInput(f"--until {text!r} is no ISO 8601 moment") from None
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)
