"""Replaying seasons as an operator action: a fresh database, the whole pipeline on a simulated
clock, one leaderboard per season; the replay's own database records who replayed what."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import URL

from footcast import demo, errors
from footcast.config import Settings
from footcast.db import Database, engine
from footcast.db.coordination import pauses
from footcast.db.reads import answers
from footcast.db.reads import leaderboard as board
from footcast.db.writes import audit, replays
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
    continued_from: datetime | None = None  # where an earlier replay of the same files stopped
    reached: datetime | None = None  # the simulated time this replay reached


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
    fresh: bool = True,
    fingerprint: str | None = None,
    drain_timeout: float = 120.0,
    on_step: Callable[[driver.Progress], None] = lambda progress: None,
) -> Replayed:
    """Replay ``season`` (default: the simulated league of the settings) into ``database`` on
    the settings' server, recreated (``fresh``) or else going on from where the replay it holds
    stopped; ``fingerprint`` tells which season that must be (default: the season's name).
    ``boards``: the (competition, season) tables to read at the end. ``now``: when the operator
    asked (the replay runs on its own clock).

    Raises:
        Conflict: not ``fresh``, and ``database`` holds something other than a replay of this
            season; nothing in it is touched.
    """
    url = engine.ensure_database(engine.server_url_of(settings), database, drop_first=fresh)
    db = engine.connect(url)
    llms = None
    try:
        source = "simulated" if season is None else season.name
        fingerprint = fingerprint or source
        state = None if fresh else _resumable(db, database, fingerprint)
        llms = None if llm_roster is None else LLMs(db, llm_roster, settings, environ={})
        done = asyncio.run(
            demo.run_season(
                db, settings, season=season, standins=standins, latency_ms=latency_ms,
                workers=workers, until=until, llms=llms, drain_timeout=drain_timeout,
                on_step=on_step, start=None if state is None else state.reached_at,
            )
        )  # fmt: skip
        with db.transaction() as session:
            replays.save(
                session,
                replays.ReplayState(
                    source=source, fingerprint=fingerprint, reached_at=done.now,
                    started_at=done.start if state is None else state.started_at,
                ),
                now=now,
            )  # fmt: skip
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
                    "source": source,
                    "continued_from": None if state is None else state.reached_at.isoformat(),
                    "until": None if until is None else until.isoformat(),
                    "steps": done.steps, "enqueued": done.enqueued,
                },
            )  # fmt: skip
    finally:
        if llms is not None:
            llms.close()
        db.dispose()
    return Replayed(
        url=url,
        steps=done.steps,
        enqueued=done.enqueued,
        status=status,
        boards=tables,
        continued_from=None if state is None else state.reached_at,
        reached=done.now,
    )


def _resumable(db: Database, name: str, fingerprint: str) -> replays.ReplayState | None:
    """The replay ``db`` holds when it is one of the season with ``fingerprint`` (None: the
    database is empty, the replay starts afresh)."""
    with db.transaction() as session:
        state = replays.current(session)
        stored = match_rows.status_counts(session)
    if state is None and not stored:
        return None
    if state is None:
        raise errors.Conflict(
            f"database {name!r} holds {sum(stored.values())} matches but no replay; a replay"
            " into it would mix them up: --fresh recreates it (what it holds is lost), or name"
            " another database",
            database=name,
        )
    if state.fingerprint != fingerprint:
        raise errors.Conflict(
            f"database {name!r} holds a replay of other files ({state.source}, reached"
            f" {state.reached_at.isoformat()}); the same files in the same order go on with it,"
            " --fresh recreates it for these (what it holds is lost)",
            database=name,
        )
    return state


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
    fresh: bool = False,
    on_step: Callable[[driver.Progress], None] = lambda progress: None,
) -> Replayed:
    """Replay played seasons from season files (football-data.co.uk CSV or openfootball's
    football.json, told by content), in order, with the statistical
    forecasters (the market reads the files' pre-match odds); one board per (division,
    season). An odds set with a bad cell is left out of its match, as ``import`` does
    (``strict``: it rejects the file); a bad row always does, since a season missing a match
    would be told wrong. A database that holds a replay of the same files (by content, in
    order) goes on from where it stopped; ``fresh`` recreates it.

    Raises:
        InvalidInput: a file is unreadable, lacks a column or has a bad row, or (``strict``) a
            bad odds cell; nothing is replayed.
        Conflict: not ``fresh``, and the database holds something other than a replay of
            these files; nothing in it is touched.
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
        workers=workers, until=until, on_step=on_step, fresh=fresh,
        fingerprint=_fingerprint(paths),
    )  # fmt: skip
    return dataclasses.replace(done, dropped=tuple(d for file in parsed for d in file.dropped))


def _fingerprint(paths: Sequence[Path]) -> str:
    """The files' contents, in order, as one hash: a replay goes on only with the same files."""
    digest = hashlib.sha256()
    for path in paths:
        content = path.read_bytes()
        digest.update(len(content).to_bytes(8, "big"))
        digest.update(content)
    return digest.hexdigest()
