"""`footcast models`: the roster's LLMs, their state and health, and a live check of each."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from footcast import errors
from footcast.commands import forecasters
from footcast.commands.state import State, console
from footcast.db.coordination import pauses
from footcast.db.reads import costs
from footcast.db.writes import predictions as prediction_rows
from footcast.forecasters import roster
from footcast.ops import forecasters as ops
from footcast.pipeline import probe, worker
from footcast.pipeline.context import Context
from footcast.pipeline.llms import ROSTER_ACTOR

__all__ = ["app"]

app = typer.Typer(
    help="The roster's LLMs: list, enable, disable, check, cost.", no_args_is_help=True
)


def _context(state: State) -> Context:
    if state.settings.llm.roster is None:
        raise errors.ConfigError("no roster: set FOOTCAST_ROSTER to a roster TOML file")
    return worker.build_context(state.database, state.settings, actor=state.actor)


@app.command("list")
def list_models(ctx: typer.Context) -> None:
    """Every roster model: provider, prices, state (active, paused until when, disabled; by
    whom, why), health."""
    state: State = ctx.obj
    context = _context(state)
    assert context.forecasters.llms is not None
    models = context.forecasters.llms.roster
    with state.database.transaction() as session:
        failing = pauses.failures_in_a_row(session)
        stopped: dict[str, pauses.Pause] = {}
        for p in pauses.current(session, at=state.clock.now()):
            stopped.setdefault(p.forecaster, p)  # an open pause before a timed one
        counts = prediction_rows.totals(session)
    table = Table(title=f"Roster {models.path}")
    for column in ("model", "provider", "provider model", "$ in/out per 1M", "state"):
        table.add_column(column)
    for column in ("failures in a row", "predictions", "cost $"):
        table.add_column(column, justify="right")
    for model in models.models:
        paused = stopped.get(model.id)
        status = (
            "[green]active[/green]"
            if paused is None
            else f"[red]{escape(forecasters.describe(paused))}[/red]"
            + (f" (probe at {paused.probe_at:%H:%M})" if paused.probe_at else "")
        )
        made, cost = counts.get(model.id, (0, None))
        table.add_row(
            model.id, model.provider, model.model, f"{model.price_in} / {model.price_out}",
            status, str(failing.get(model.id, 0)), str(made),
            "-" if cost is None else f"{cost:.4f}",
        )  # fmt: skip
    console.print(table)


@app.command("cost")
def cost(
    ctx: typer.Context,
    season: Annotated[str | None, typer.Option(help="season label, e.g. 2019-20")] = None,
) -> None:
    """Tokens and USD per LLM and season, and per predicted match, from what was stored."""
    state: State = ctx.obj
    with state.database.transaction() as session:
        rows = costs.by_model(session, season=season)
    table = Table(title="LLM cost" + (f", season {season}" if season else ""))
    table.add_column("model")
    table.add_column("competition / season")
    for column in ("matches", "prompt tok", "completion tok", "cost $", "per match: tok in/out",
                   "per match $"):  # fmt: skip
        table.add_column(column, justify="right")
    for row in rows:
        prompt_mean, completion_mean, per_match = row.per_match
        table.add_row(
            row.model, f"{row.competition} {row.season or '-'}", str(row.matches),
            str(row.prompt_tokens), str(row.completion_tokens),
            "-" if row.cost_usd is None else f"{row.cost_usd:.4f}",
            f"{prompt_mean:.0f} / {completion_mean:.0f}",
            "-" if per_match is None else f"{per_match:.6f}",
        )  # fmt: skip
    console.print(table)
    total = sum((r.cost_usd for r in rows if r.cost_usd is not None), Decimal(0))
    console.print(f"{sum(r.matches for r in rows)} predictions, ${total:.4f} in all")


@app.command("disable")
def disable(
    ctx: typer.Context,
    name: str,
    reason: Annotated[str, typer.Option(help="why, for the record")] = "disabled by an operator",
) -> None:
    """Disable a model until it is enabled: from now on it owes no predictions (nothing stored is
    touched). For a pause that ends by itself: `footcast forecasters pause NAME --hours N`."""
    state: State = ctx.obj
    done = ops.disable(state.database, name, actor=state.actor, now=state.clock.now(),
                       reason=reason)  # fmt: skip
    console.print(f"{name}: {'disabled' if done.changed else 'already disabled'}")


@app.command("enable")
def enable(
    ctx: typer.Context,
    name: str,
    reason: Annotated[str, typer.Option(help="why, for the record")] = "enabled by an operator",
) -> None:
    """Enable a model: lift every pause (whoever made it); it owes predictions again from now on."""
    state: State = ctx.obj
    done = ops.enable(state.database, name, actor=state.actor, now=state.clock.now(),
                      reason=reason)  # fmt: skip
    console.print(f"{name}: {'enabled' if done.changed else 'not paused'}")
    if done.paused_by == ROSTER_ACTOR:
        console.print(
            "[yellow]note:[/yellow] the roster file disables it; the next worker start pauses it"
            " again unless the file says enabled = true"
        )


@app.command("check")
def check(
    ctx: typer.Context,
    model: Annotated[str | None, typer.Option(help="check only this model")] = None,
) -> None:
    """Send one real test prompt to each enabled model: ok, latency, parse result, cost."""
    state: State = ctx.obj
    context = _context(state)
    llms = context.forecasters.llms
    assert llms is not None
    chosen = [m for m in llms.roster.enabled if model is None or m.id == model]
    if model is not None and not chosen:
        raise errors.NotFound(f"model {model!r} is not an enabled model of {llms.roster.path}")
    snapshot = probe.probe_snapshot(context)

    def ask(entry: roster.Model) -> tuple[str, bool, str, str, str]:
        started = time.perf_counter()
        try:
            answer = llms.make(entry.id).predict(snapshot)
        except errors.FootcastError as exc:
            took = f"{1000 * (time.perf_counter() - started):.0f}"
            return entry.id, False, took, f"{exc.code}: {exc.message[:120]}", "-"
        trace = answer.trace
        took = str(trace.latency_ms) if trace and trace.latency_ms is not None else "-"
        cost = f"{trace.cost_usd:.6f}" if trace and trace.cost_usd is not None else "-"
        return entry.id, True, took, f"{answer.home_goals}-{answer.away_goals}", cost

    with ThreadPoolExecutor(max_workers=state.settings.llm.predict_fanout) as pool:
        results = list(pool.map(ask, chosen))
    table = Table(title="Model check")
    for column in ("model", "ok", "latency ms", "answer", "cost $"):
        table.add_column(column, justify="right" if column in ("latency ms", "cost $") else "left")
    for name, ok, took, answer, cost in results:
        table.add_row(name, "[green]ok[/green]" if ok else "[red]failed[/red]", took, answer, cost)
    console.print(table)
    failed = sum(1 for result in results if not result[1])
    console.print(f"{len(results) - failed} ok, {failed} failed")
    if failed:
        raise typer.Exit(1)
