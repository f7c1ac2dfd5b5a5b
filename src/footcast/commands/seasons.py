"""`footcast demo`, `replay` and `leaderboard`: whole seasons through the pipeline; the table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from footcast import demo as scenario
from footcast import local_llm, rosters
from footcast.commands import web
from footcast.commands.data import show_problems
from footcast.commands.state import State, console
from footcast.config import Settings
from footcast.db import engine
from footcast.db.reads import leaderboard as board
from footcast.fakes.openai import FakeOpenAI
from footcast.forecasters import roster
from footcast.forecasters.roster import Roster
from footcast.ops import seasons
from footcast.pipeline import replay, worker

__all__ = ["demo", "leaderboard_command", "leaderboard_table", "replay_command"]

LOCAL_DRAIN_SECONDS = 3600.0
WORKERS_HELP = "worker concurrency in this process; 0: `footcast worker` processes"


def leaderboard_command(
    ctx: typer.Context,
    competition: Annotated[str | None, typer.Option(help="competition code")] = None,
    season: Annotated[str | None, typer.Option(help="season label, e.g. 2019-20")] = None,
    retroactive: Annotated[bool, typer.Option(help="include retroactive predictions")] = False,
    contaminated: Annotated[
        bool,
        typer.Option(
            help="only the predictions made by models that may have seen the result (played"
            " before the model's knowledge cutoff, or retroactive with the cutoff unknown)"
        ),
    ] = False,
) -> None:
    """Print the leaderboard (contaminated predictions never count; --contaminated shows them)."""
    with ctx.obj.database.transaction() as session:
        rows = board.leaderboard(
            session, competition=competition, season=season, include_retroactive=retroactive,
            contaminated=contaminated,
        )  # fmt: skip
    title = "Leaderboard of contaminated predictions" if contaminated else "Leaderboard"
    console.print(leaderboard_table(rows, title=title))


def leaderboard_table(rows: list[board.Row], *, title: str = "Leaderboard") -> Table:
    table = Table(
        title=title,
        caption="* reference row, shown beside the competitors, not ranked",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("#", justify="right")
    table.add_column("forecaster", no_wrap=True)
    for column in ("points", "coverage", "pts/m", "tend%", "exact%", "RPS"):
        table.add_column(column, justify="right")
    for rank, row in zip(board.ranks(rows), rows, strict=True):
        name = f"{row.forecaster} *" if row.reference else row.forecaster
        table.add_row(
            "ref" if rank is None else str(rank), name, str(row.points),
            f"{row.predicted}/{row.settled}",
            f"{row.points_per_match:.2f}", f"{100 * row.tendency_rate:.1f}",
            f"{100 * row.exact_rate:.1f}", "-" if row.mean_rps is None else f"{row.mean_rps:.4f}",
        )  # fmt: skip
    return table


def demo(
    ctx: typer.Context,
    database: Annotated[
        str, typer.Option(help="database to (re)create for the demo")
    ] = "footcast_demo",
    seed: Annotated[int, typer.Option(help="random seed of the season")] = 7,
    standins: Annotated[
        int, typer.Option(min=0, help="fast deterministic stand-ins for LLM forecasters")
    ] = 0,
    standin_latency: Annotated[
        int, typer.Option(min=0, help="milliseconds each stand-in takes to answer")
    ] = 0,
    workers: Annotated[int, typer.Option(min=0, help=WORKERS_HELP)] = 2,
    llm_fake: Annotated[
        bool,
        typer.Option(
            "--llm-fake", help="the 42 reference roster models, answered by a local fake server"
        ),
    ] = False,
    llm_latency: Annotated[
        int, typer.Option(min=0, help="milliseconds the fake server takes per answer")
    ] = 0,
    llm_local: Annotated[
        bool,
        typer.Option(
            "--llm-local",
            help="a real model on this machine (SmolLM2-135M on llama.cpp's server; `make"
            " local-llm` installs it) beside the statistical forecasters",
        ),
    ] = False,
    matches: Annotated[
        int, typer.Option(min=0, help="replay only the first N matches (0: the whole season)")
    ] = 0,
) -> None:
    """Replay a simulated 380-match season through the real pipeline and print the leaderboard."""
    state: State = ctx.obj
    settings = state.settings.evolve(**scenario.DEMO_OVERRIDES, sim_seed=seed)
    until = None
    if matches:
        until = scenario.slice_end(worker.simulated_league(settings), matches)

    def run(llm_roster: Roster | None, drain_timeout: float = 120.0) -> seasons.Replayed:
        return _replay(
            state,
            lambda show: seasons.replay(
                settings, database=database, actor=state.actor, now=state.clock.now(),
                boards=[(scenario.COMPETITION, None)], workers=workers, standins=standins,
                latency_ms=standin_latency, llm_roster=llm_roster, until=until,
                drain_timeout=drain_timeout, on_step=show,
            ),
        )  # fmt: skip

    if llm_fake and llm_local:
        raise typer.BadParameter("--llm-fake and --llm-local: choose one")
    if (llm_fake or llm_local) and workers == 0:
        which = "--llm-fake" if llm_fake else "--llm-local"
        raise typer.BadParameter(f"{which} needs --workers 1 or more (the server runs here)")
    if llm_local:
        with local_llm.LocalModelServer() as server:
            console.print(f"local model {local_llm.MODEL_FILE} on llama.cpp at {server.base_url}")
            # one request at a time, seconds each: a round of matches may take many minutes
            done = run(local_llm.local_roster(server), drain_timeout=LOCAL_DRAIN_SECONDS)
        _answer_report(seasons.answer_report(done.url, local_llm.MODEL_ID))
        return
    if not llm_fake:
        run(None)
        _show_in_browser(database, settings)
        return
    with FakeOpenAI(latency_ms=llm_latency) as fake:
        fake_roster = scenario.fake_roster(fake, roster.load(rosters.REFERENCE))
        console.print(
            f"fake OpenAI-compatible server at {fake.url}: {len(fake_roster.models)} models"
        )
        run(fake_roster)
        requests = fake.stats().requests
    console.print(f"the fake server answered {len(requests)} chat completions")
    _show_in_browser(database, settings)


def _show_in_browser(database: str, settings: Settings) -> None:
    console.print("to see this season in the browser:")
    console.print(f"  {web.showing(database, settings)}", highlight=False, soft_wrap=True)


def _answer_report(report: seasons.AnswerReport) -> None:
    total = sum(report.outcomes.values())
    table = Table(
        "answers", "count", "share", title=f"What {report.model} answered", box=box.SIMPLE
    )
    for outcome, count in report.outcomes.items():
        table.add_row(outcome, str(count), f"{100 * count / total:.0f}%" if total else "-")
    console.print(table)
    console.print(
        "valid: read as it was; tolerated: read with the reader's tolerances; repaired: read"
        " after the repair round; invalid: no prediction even then (terminal invalid_output)"
    )
    if report.latencies_ms:
        ordered = sorted(report.latencies_ms)
        median = ordered[len(ordered) // 2]
        p90 = ordered[min(len(ordered) - 1, (9 * len(ordered)) // 10)]
        console.print(
            f"latency per prediction (its answers together): median {median} ms, p90 {p90} ms,"
            f" max {ordered[-1]} ms ({len(ordered)} predictions and invalid outputs)"
        )
    for pause in report.pauses:  # a model failing 5 times in a row rests: it owes nothing then
        console.print(pause[:300], markup=False)
    for outcome, raw in report.examples:
        console.print(f"e.g. {outcome}: {' '.join(raw.split())[:160]!r}", markup=False)


def replay_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="football-data.co.uk CSV or openfootball football.json season files,"
            " replayed in order",
            show_default=False,
        ),
    ],
    database: Annotated[
        str,
        typer.Option(help="database of the replay: created, or gone on with when it holds one"),
    ] = "footcast_replay",
    until: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="stop at this day (UTC) instead of the end"),
    ] = None,
    workers: Annotated[int, typer.Option(min=0, help=WORKERS_HELP)] = 2,
    strict: Annotated[
        bool, typer.Option(help="reject a file with a bad odds cell too, replaying nothing")
    ] = False,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh", help="recreate the database (what it holds is lost) instead of going on"
        ),
    ] = False,
) -> None:
    """Replay played seasons through the real pipeline on a simulated clock, with the
    statistical forecasters (the market reads the files' pre-match odds), and print the
    leaderboard of each season. A bad row stops the replay; an odds set with a bad cell is
    left out of its match with a warning, as in `import`. Run again with the same files and a
    later --until, it goes on from where it stopped."""
    state: State = ctx.obj
    done = _replay(
        state,
        lambda show: seasons.replay_files(
            state.settings, paths, database=database, actor=state.actor, now=state.clock.now(),
            workers=workers, until=None if until is None else until.replace(tzinfo=UTC),
            strict=strict, fresh=fresh, on_step=show,
        ),
    )  # fmt: skip
    if done.dropped:
        console.print(f"[yellow]{len(done.dropped)} odds sets left out[/yellow]")
        show_problems(done.dropped, prefix="warning: ")
    _show_in_browser(database, state.settings)


def _replay(
    state: State,
    run: Callable[[Callable[[replay.Progress], None]], seasons.Replayed],
) -> seasons.Replayed:
    """``run`` a replay with a progress bar, then print one leaderboard per board."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console
    ) as bars:
        task = bars.add_task("replaying the season", total=1.0)

        def show(progress: replay.Progress) -> None:
            bars.update(
                task,
                completed=progress.fraction,
                description=f"{progress.now:%Y-%m-%d %H:%M} · {progress.enqueued} jobs",
            )

        done = run(show)
    console.print(f"database {engine.redact(done.url)}")
    if done.continued_from is not None:
        console.print(f"went on from {done.continued_from:%Y-%m-%d %H:%M} (UTC)")
    if done.reached is not None:
        console.print(f"reached {done.reached:%Y-%m-%d %H:%M} (UTC)")
    console.print(
        f"{done.steps} clock steps, {done.enqueued} jobs; matches: "
        + ", ".join(f"{n} {s}" for s, n in sorted(done.status.items()))
    )
    for found in done.boards:
        which = f" {found.competition} {found.season}" if found.season else ""  # one in the demo
        title = f"Leaderboard{which} (on-time predictions)"
        console.print(leaderboard_table(list(found.rows), title=title))
    return done
