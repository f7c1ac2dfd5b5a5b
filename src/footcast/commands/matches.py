"""`footcast predict`, `result` and `settle`: one match's prediction, final score, settlement."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from footcast import errors
from footcast.commands.state import State, console
from footcast.domain import forecast, probabilistic
from footcast.ops import matches as ops
from footcast.pipeline import predictions, settlement

__all__ = ["predict", "result", "settle"]


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


def result(
    ctx: typer.Context,
    match_id: Annotated[int, typer.Argument(help="match id")],
    score: Annotated[
        str, typer.Argument(help="90-minute score, e.g. 2:1 (a correction overwrites)")
    ],
) -> None:
    """Record a match's final 90-minute score (settle afterwards)."""
    state: State = ctx.obj
    done = ops.set_result(
        state.database, state.clock, match_id, score=forecast.parse_score(score), actor=state.actor
    )
    console.print(f"match {done.match_id} finished {done.score}")


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
        done = ops.settle(state.database, state.clock, match, actor=state.actor)
    else:
        done = ops.settle_pending(state.database, state.clock, actor=state.actor)
    _print_settlements(done.results)
    if done.failed:
        raise typer.Exit(1)


def _print_settlements(results: tuple[settlement.SettlementResult, ...]) -> None:
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
