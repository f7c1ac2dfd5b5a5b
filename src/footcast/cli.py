"""The ``footcast`` command: mounts the command groups and commands of ``footcast.commands``."""

from __future__ import annotations

import sys

import typer

from footcast import errors
from footcast.commands import (
    competitions,
    data,
    db,
    failures,
    forecasters,
    matches,
    models,
    pipeline,
    seasons,
    teams,
    web,
)
from footcast.commands.state import State, show_error
from footcast.config import load_settings

__all__ = ["app", "main"]

app = typer.Typer(
    help="footcast: forecasters predict exact football scores; Kicktipp quotas rank them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(competitions.app, name="competitions")
app.add_typer(teams.app, name="teams")
app.add_typer(forecasters.app, name="forecasters")
app.add_typer(failures.app, name="failures")
app.add_typer(models.app, name="models")
app.command("run")(pipeline.run)
app.command("worker")(pipeline.worker_command)
app.command("backfill")(pipeline.backfill)
app.command("gaps")(pipeline.gaps)
app.command("import")(data.import_command)
app.command("replay")(seasons.replay_command)
app.command("demo")(seasons.demo)
app.command("leaderboard")(seasons.leaderboard_command)
app.command("web")(web.web_command)
app.command("predict")(matches.predict)
app.command("result")(matches.result)
app.command("settle")(matches.settle)
app.command("rescore")(competitions.rescore)


@app.callback()
def _root(ctx: typer.Context) -> None:
    state = State(settings=load_settings())
    ctx.obj = state
    ctx.call_on_close(state.close)


def main() -> None:
    """Entry point: footcast errors print ``Error [code]: message`` and exit 1, no traceback."""
    try:
        app()
    except errors.FootcastError as exc:
        show_error(exc)
        sys.exit(1)


if __name__ == "__main__":
    main()
