"""`footcast demo`, `replay` and `leaderboard`: whole seasons through the pipeline; the table."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from footcast import demo as scenario
from footcast import rosters
from footcast.commands.state import State, console
from footcast.config import Settings
from footcast.db import engine
from footcast.db import leaderboard as board
from footcast.db import matches as match_rows
from footcast.fakes.openai import FakeOpenAI
from footcast.forecasters import roster
from footcast.forecasters.roster import Roster
from footcast.pipeline import replay
from footcast.pipeline.llms import LLMs
from footcast.sources import football_data
from footcast.sources.archive import ArchiveSource

__all__ = ["demo", "leaderboard_command", "leaderboard_table", "replay_command"]

WORKERS_HELP = "worker concurrency in this process; 0: `footcast worker` processes"


def leaderboard_command(
    ctx: typer.Context,
    competition: Annotated[str | None, typer.Option(help="competition code")] = None,
    season: Annotated[str | None, typer.Option(help="season label, e.g. 2019-20")] = None,
    retroactive: Annotated[bool, typer.Option(help="include retroactive predictions")] = False,
) -> None:
    """Print the leaderboard."""
    with ctx.obj.database.transaction() as session:
        rows = board.leaderboard(
            session, competition=competition, season=season, include_retroactive=retroactive
        )
    console.print(leaderboard_table(rows))


def leaderboard_table(rows: list[board.Row], *, title: str = "Leaderboard") -> Table:
    table = Table(
        title=title,
        caption="* reference row, not a competitor",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("#", justify="right")
    table.add_column("forecaster", no_wrap=True)
    for column in ("points", "coverage", "pts/m", "tend%", "exact%", "RPS"):
        table.add_column(column, justify="right")
    for rank, row in enumerate(rows, start=1):
        name = f"{row.forecaster} *" if row.reference else row.forecaster
        table.add_row(
            str(rank), name, str(row.points), f"{row.predicted}/{row.settled}",
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
) -> None:
    """Replay a simulated 380-match season through the real pipeline and print the leaderboard."""
    state: State = ctx.obj
    settings = state.settings.model_copy(update={**scenario.DEMO_OVERRIDES, "sim_seed": seed})
    if not llm_fake:
        _replay(
            settings, database, None, workers=workers, standins=standins,
            latency_ms=standin_latency, boards=[(scenario.COMPETITION, None)],
        )  # fmt: skip
        return
    if workers == 0:
        raise typer.BadParameter("--llm-fake needs --workers 1 or more (the fake runs here)")
    with FakeOpenAI(latency_ms=llm_latency) as fake:
        fake_roster = scenario.fake_roster(fake, roster.load(rosters.REFERENCE))
        console.print(
            f"fake OpenAI-compatible server at {fake.url}: {len(fake_roster.models)} models"
        )
        _replay(
            settings, database, None, workers=workers, standins=standins,
            latency_ms=standin_latency, boards=[(scenario.COMPETITION, None)],
            llm_roster=fake_roster,
        )  # fmt: skip
        requests = fake.stats().requests
    console.print(f"the fake server answered {len(requests)} chat completions")


def replay_command(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="football-data.co.uk season files, replayed in order", show_default=False
        ),
    ],
    database: Annotated[
        str, typer.Option(help="database to (re)create for the replay")
    ] = "footcast_replay",
    until: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="stop at this day (UTC) instead of the end"),
    ] = None,
    workers: Annotated[int, typer.Option(min=0, help=WORKERS_HELP)] = 2,
) -> None:
    """Replay played seasons through the real pipeline on a simulated clock, with the
    statistical forecasters (the market reads the files' pre-match odds), and print the
    leaderboard of each season. Files are read strictly: a bad row stops the replay."""
    state: State = ctx.obj
    rows = [row for path in paths for row in football_data.read(path, strict=True).rows]
    settings = state.settings.model_copy(update=scenario.DEMO_OVERRIDES)
    boards = sorted({(r.division, r.season) for r in rows}, key=lambda b: (b[1], b[0]))
    _replay(
        settings,
        database,
        ArchiveSource(rows),
        workers=workers,
        until=None if until is None else until.replace(tzinfo=UTC),
        boards=[(division, season) for division, season in boards],
    )


def _replay(
    settings: Settings,
    database: str,
    season: scenario.Season | None,
    *,
    workers: int,
    boards: list[tuple[str, str | None]],
    standins: int = 0,
    latency_ms: int = 0,
    until: datetime | None = None,
    llm_roster: Roster | None = None,
) -> None:
    """Recreate ``database``, replay with a progress bar, print one leaderboard per board."""
    url = engine.ensure_database(engine.server_url_of(settings), database, drop_first=True)
    db = engine.connect(url)
    llms = None if llm_roster is None else LLMs(db, llm_roster, settings, environ={})
    try:
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

            done = asyncio.run(
                scenario.run_season(
                    db,
                    settings,
                    season=season,
                    standins=standins,
                    latency_ms=latency_ms,
                    workers=workers,
                    until=until,
                    llms=llms,
                    on_step=show,
                )
            )
        with db.transaction() as session:
            tables = [
                (
                    competition,
                    label,
                    board.leaderboard(session, competition=competition, season=label),
                )
                for competition, label in boards
            ]
            status = match_rows.status_counts(session)
    finally:
        if llms is not None:
            llms.close()
        db.dispose()
    console.print(f"database {engine.redact(url)}")
    console.print(
        f"{done.steps} clock steps, {done.enqueued} jobs; matches: "
        + ", ".join(f"{n} {s}" for s, n in sorted(status.items()))
    )
    for competition, label, rows in tables:
        which = f" {competition} {label}" if label else ""  # the demo has one competition
        console.print(leaderboard_table(rows, title=f"Leaderboard{which} (on-time predictions)"))
