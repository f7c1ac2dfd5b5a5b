"""Replaying seasons as an operator action: a fresh database, the whole pipeline on a simulated
clock, one leaderboard per season; the replay's own database records who replayed what."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL

from footcast import demo, errors
from footcast.config import Settings
from footcast.db import engine
from footcast.db.coordination import pauses
from footcast.db.reads import answers
from footcast.db.reads import leaderboard as board
from footcast.db.writes import audit
from footcast.db.writes import matches as match_rows
from footcast.forecasters import llm
from footcast.forecasters.roster import Roster
from footcast.pipeline import replay as driver
from footcast.pipeline.llms import LLMs
from footcast.sources import files, season_file
from footcast.sources.archive import ArchiveSource

__all__ = ["AnswerReport", "Board", "Replayed", "answer_report", "replay", "replay_files"]


@dataclass(frozen=True, kw_only=True)
class Board:
    competition: str
    season: str | None  # None: every season of the competition (the demo has one)
    rows: tuple[board.Row, ...]


@dataclass(frozen=True, kw_only=True)
class Replayed:
    url: URL  # the replay's database
    steps: int  # clock steps
    enqueued: int  # jobs
    status: Mapping[str, int]  # matches by status at the end
    boards: tuple[Board, ...]
    dropped: tuple[season_file.DroppedOdds, ...] = ()  # odds sets left out of the replay


def replay(
    settings: Settings,
    *,
    database: str,
    actor: str,
    now: datetime,
    boards: Sequence[tuple[str, str | None]],
    season: demo.Season | None = None,
    workers: int = 2,
    standins: int = 0,
    latency_ms: int = 0,
    until: datetime | None = None,
    llm_roster: Roster | None = None,
    drain_timeout: float = 120.0,
    on_step: Callable[[driver.Progress], None] = lambda progress: None,
) -> Replayed:
    """Recreate ``database`` on the settings' server and replay ``season`` (default: the
    simulated league of the settings) into it; ``boards``: the (competition, season) tables to
    read at the end. ``now``: when the operator asked (the replay runs on its own clock)."""
    url = engine.ensure_database(engine.server_url_of(settings), database, drop_first=True)
    db = engine.connect(url)
    llms = None if llm_roster is None else LLMs(db, llm_roster, settings, environ={})
    try:
        done = asyncio.run(
            demo.run_season(
                db, settings, season=season, standins=standins, latency_ms=latency_ms,
                workers=workers, until=until, llms=llms, drain_timeout=drain_timeout,
                on_step=on_step,
            )
        )  # fmt: skip
        with db.transaction() as session:
            tables = tuple(
                Board(
                    competition=competition,
                    season=label,
                    rows=tuple(board.leaderboard(session, competition=competition, season=label)),
                )
                for competition, label in boards
            )
            status = match_rows.status_counts(session)
            audit.record(
                session, actor=actor, action="replay", target=f"database:{database}", now=now,
                details={
                    "source": "simulated" if season is None else season.name,
                    "until": None if until is None else until.isoformat(),
                    "steps": done.steps, "enqueued": done.enqueued,
                },
            )  # fmt: skip
    finally:
        if llms is not None:
            llms.close()
        db.dispose()
    return Replayed(url=url, steps=done.steps, enqueued=done.enqueued, status=status, boards=tables)


@dataclass(frozen=True, kw_only=True)
class AnswerReport:
    """What became of one LLM's answers in a replay."""

    model: str
    outcomes: Mapping[str, int]  # llm.OUTCOMES, then any other terminal failure code
    latencies_ms: tuple[int, ...]  # per prediction or invalid output (a repair: both answers)
    examples: tuple[tuple[str, str], ...]  # (outcome, raw answer), one of each outcome seen
    pauses: tuple[str, ...] = ()  # each pause of the model: since when, by whom, why


def answer_report(url: URL, model: str) -> AnswerReport:
    """Count ``model``'s answers in the database at ``url``: valid, tolerated, repaired (see
    ``llm.answer_outcome``), invalid (terminal invalid_output) and other terminal failures."""
    db = engine.connect(url)
    try:
        with db.transaction() as session:
            found = answers.of_forecaster(session, model)
            spans = pauses.spans(session, forecaster=model)
    finally:
        db.dispose()
    outcomes = dict.fromkeys(llm.OUTCOMES, 0)
    examples: dict[str, str] = {}
    for raw, _ in found.predictions:
        outcome = llm.answer_outcome(raw)
        outcomes[outcome] += 1
        examples.setdefault(outcome, raw)
    for code, raw, _ in found.failures:
        outcome = "invalid" if code == errors.InvalidOutput.code else code
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        examples.setdefault(outcome, raw)
    return AnswerReport(
        model=model,
        outcomes=outcomes,
        latencies_ms=tuple(
            ms
            for ms in (*(ms for _, ms in found.predictions), *(ms for *_, ms in found.failures))
            if ms is not None
        ),
        examples=tuple(examples.items()),
        pauses=tuple(
            f"paused {p.since:%Y-%m-%d %H:%M} by {p.actor}"
            + ("" if p.until is None else f" until {p.until:%Y-%m-%d %H:%M}")
            + f": {p.reason}"
            for p in reversed(spans)
        ),
    )


def replay_files(
    settings: Settings,
    paths: Sequence[Path],
    *,
    database: str,
    actor: str,
    now: datetime,
    workers: int = 2,
    until: datetime | None = None,
    strict: bool = False,
    on_step: Callable[[driver.Progress], None] = lambda progress: None,
) -> Replayed:
    """Replay played seasons from season files (football-data.co.uk CSV or openfootball's
    football.json, told by content), in order, with the statistical
    forecasters (the market reads the files' pre-match odds); one board per (division,
    season). An odds set with a bad cell is left out of its match, as ``import`` does
    (``strict``: it rejects the file); a bad row always does, since a season missing a match
    would be told wrong.

    Raises:
        InvalidInput: a file is unreadable, lacks a column or has a bad row, or (``strict``) a
            bad odds cell; nothing is replayed.
    """
    parsed = [files.read(path, strict=strict) for path in paths]
    for file in parsed:
        if file.bad:
            raise errors.InvalidInput(f"{file.path}: rejected, nothing replayed: {file.bad[0]}")
    rows = [row for file in parsed for row in file.rows]
    found = sorted({(r.division, r.season) for r in rows}, key=lambda b: (b[1], b[0]))
    done = replay(
        settings.evolve(**demo.DEMO_OVERRIDES),
        database=database, actor=actor, now=now, boards=found, season=ArchiveSource(rows),
        workers=workers, until=until, on_step=on_step,
    )  # fmt: skip
    return dataclasses.replace(done, dropped=tuple(d for file in parsed for d in file.dropped))
