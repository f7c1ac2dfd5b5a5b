"""Importing season files (football-data.co.uk CSV, openfootball's football.json) as an operator
action: matches, results and odds, idempotently, audited.

Each file is one transaction: it is stored whole (its good rows) or not at all. Re-importing a
file changes nothing; importing a corrected file updates what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from footcast.db import Database
from footcast.db.writes import audit, matches, odds
from footcast.sources import files, season_file

__all__ = ["FileReport", "import_file"]


@dataclass(frozen=True, kw_only=True)
class FileReport:
    path: Path
    stored: int  # matches written (new or updated) or confirmed unchanged
    new: int
    quotes: int
    bad: tuple[season_file.BadRow, ...]
    dropped: tuple[season_file.DroppedOdds, ...]  # odds sets left out; their matches stored


def import_file(
    database: Database, path: Path, *, strict: bool, now: datetime, actor: str
) -> FileReport:
    """Import one file, of a format told by its content. Without ``strict``, bad rows are
    reported and the rest is stored, and an odds set with a bad cell is left out of its match
    (which is stored).

    Raises:
        InvalidInput: the file is unreadable, lacks a column, or (``strict``) has a bad row or a
            bad odds cell; nothing of it is stored.
        Conflict: a row names other teams than the match already stored under its id.
    """
    parsed = files.read(path, strict=strict)
    rows = parsed.rows
    with database.transaction() as session:
        before = matches.count_by_source(session, parsed.source)
        ids = matches.sync_fixtures(session, parsed.source, [r.fixture() for r in rows], now=now)
        quotes = [
            odds.Quote(
                match_id=ids[r.external_id],
                kind=kind,
                odds=price,
                published_at=r.published(kind),
            )
            for r in rows
            for (_, kind), price in r.odds.items()
        ]
        odds.save_many(session, quotes)
        new = matches.count_by_source(session, parsed.source) - before
        audit.record(
            session,
            actor=actor,
            action="import",
            target=str(path),
            details={
                "stored": len(rows),
                "new": new,
                "bad": len(parsed.bad),
                "dropped_odds": len(parsed.dropped),
            },
            now=now,
        )
    return FileReport(
        path=path,
        stored=len(rows),
        new=new,
        quotes=len(quotes),
        bad=parsed.bad,
        dropped=parsed.dropped,
    )
