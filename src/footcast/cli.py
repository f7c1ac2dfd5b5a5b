"""The ``footcast`` command: a thin edge over the pipeline and db functions."""

from __future__ import annotations

import sys
from collections import Counter
from typing import Annotated

import typer
from rich.table import Table

from footcast import errors
from footcast.commands import (
    competitions,
    data,
    db,
    failures,
    forecasters,
    models,
    pipeline,
    seasons,
    web,
)
from footcast.commands.state import State, console
from footcast.config import load_settings
from footcast.db import audit
from footcast.db import matches as match_rows
from footcast.domain import forecast, probabilistic
from footcast.pipeline import predictions, settlement

__all__ = ["app", "main"]

app = typer.Typer(
    help="footcast: forecasters predict exact football scores; Kicktipp quotas rank them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(competitions.app, name="competitions")
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


@app.callback()
def _root(ctx: typer.Context) -> None:
    state = State(settings=load_settings())
    ctx.obj = state
    ctx.call_on_close(state.close)


@app.command()
def predict(
    ctx: typer.Context,
    match_id: Annotated[int, typer.Argument(help="match id")],
    forecaster: Annotated[str, typer.Argument(help="forecaster name")],
    score: Annotated[str, typer.Argument(help="exact score, e.g. 2:1")],
    probs: Annotated[
        str | None, typer.Option(help="p_home,p_draw,p_away, e.g. 0.5,0.3,0.2")
    ] = None,
    replace: Annotated[
        bool, typer.Option(help="replace an existing prediction (before the deadline only)")
    ] = False,
) -> None:
    """Record a prediction now (retroactive when the match's deadline has passed)."""
    state: State = ctx.obj
    parsed = forecast.parse_score(score)
    value = forecast.Forecast(
        home_goals=parsed.home, away_goals=parsed.away, probabilities=_probabilities(probs)
    )
    with state.database.transaction() as session:
        recorded = predictions.record_prediction(
            session,
            state.clock,
            match_id=match_id,
            forecaster=forecaster,
            prediction=value,
            replace=replace,
        )
    what = "stored" if recorded.written else "kept the existing prediction"
    late = " (retroactive)" if recorded.retroactive else ""
    console.print(f"prediction {recorded.prediction_id}: {what}{late}")


def _probabilities(text: str | None) -> probabilistic.Probabilities | None:
    if text is None:
        return None
    parts = text.split(",")
    try:
        home, draw, away = (float(p) for p in parts)
    except ValueError as exc:
        raise errors.InvalidForecast(
            f"--probs {text!r} must be three numbers: p_home,p_draw,p_away"
        ) from exc
    return probabilistic.Probabilities(home=home, draw=draw, away=away)


@app.command()
def result(
    ctx: typer.Context,
    match_id: Annotated[int, typer.Argument(help="match id")],
    score: Annotated[
        str, typer.Argument(help="90-minute score, e.g. 2:1 (a correction overwrites)")
    ],
) -> None:
    """Record a match's final 90-minute score (settle afterwards)."""
    state: State = ctx.obj
    parsed = forecast.parse_score(score)
    with state.database.transaction() as session:
        match_rows.record_result(
            session, match_id, home=parsed.home, away=parsed.away, now=state.clock.now()
        )
        audit.record(
            session,
            actor=state.actor,
            action="match.result",
            target=f"match:{match_id}",
            now=state.clock.now(),
            details={"score": str(parsed)},
        )
    console.print(f"match {match_id} finished {parsed}")


@app.command()
def settle(
    ctx: typer.Context,
    match: Annotated[int | None, typer.Option("--match", help="settle this match")] = None,
    pending: Annotated[
        bool, typer.Option("--pending", help="settle every match that needs it")
    ] = False,
) -> None:
    """Settle one match or every pending one, and print what was done."""
    state: State = ctx.obj
    if (match is None) == (not pending):
        raise typer.BadParameter("give exactly one of --match ID or --pending")
    if match is not None:
        with state.database.transaction() as session:
            results = [settlement.settle_match(session, state.clock, match, actor=state.actor)]
    else:
        results = settlement.settle_pending(state.database, state.clock, actor=state.actor)
    with state.database.transaction() as session:
        audit.record(
            session,
            actor=state.actor,
            action="settle",
            target=f"match:{match}" if match else "pending",
            now=state.clock.now(),
            details=dict(Counter(r.outcome.value for r in results)),
        )
    _print_settlements(results)
    if any(r.outcome is settlement.Outcome.FAILED for r in results):
        raise typer.Exit(1)


def _print_settlements(results: list[settlement.SettlementResult]) -> None:
    if not results:
        console.print("nothing to settle")
        return
    table = Table("match", "outcome", "revision", "result", "quotas H-D-A", "scored", "error")
    for r in results:
        quotas = f"{r.quotas.home}-{r.quotas.draw}-{r.quotas.away}" if r.quotas else "-"
        table.add_row(
            str(r.match_id), r.outcome.value, str(r.revision or "-"), str(r.result or "-"),
            quotas, str(r.scored), str(r.error or ""),
        )  # fmt: skip
    console.print(table)


def main() -> None:
    """Entry point: footcast errors print ``Error [code]: message`` and exit 1, no traceback."""
    try:
        app()
    except errors.FootcastError as exc:
        sys.stderr.write(f"Error [{exc.code}]: {exc.message}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
