"""Import 10 seasons (3,800 rows) of football-data.co.uk files into a fresh database.

The seasons are the two real Premier League files in ../shared, each written five times to a
temporary directory with its dates moved by multiples of four years, so 29 February stays a date (the files stay outside the project).
Prints the import time (target ≤ 2 s), rows per second, and the ratio to the same files only
read with the csv module in the same run; then imports again to show nothing changes. Exits 1
when a check (time, one match per row, nothing new the second time) is missed.

    .venv/bin/python benchmarks/import.py [--database footcast_bench_import]
"""

from __future__ import annotations

import argparse
import csv
import re
import tempfile
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import sqlalchemy as sa

from _checks import Checks
from footcast.config import load_settings
from footcast.db import connect, engine
from footcast.db.tables import Match, MatchOdds
from footcast.ops.data import import_file

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "football-data"
DATE = re.compile(r"^(E0,\d\d/\d\d/)(\d{4})", re.MULTILINE)


def _moved(date: re.Match[str], *, years: int) -> str:
    return f"{date[1]}{int(date[2]) + years}"


def seasons(directory: Path) -> list[Path]:
    """Ten season files: each real file five times, dates moved by 0, 4, 8, 12, 16 years."""
    files = []
    for source in sorted(SHARED.glob("E0_*.csv")):
        text = source.read_text(encoding="utf-8-sig")
        for shift in range(0, 20, 4):
            moved = DATE.sub(partial(_moved, years=shift), text)
            path = directory / f"{source.stem}+{shift}.csv"
            path.write_text(moved, encoding="utf-8")
            files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="footcast_bench_import")
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"needs the real seasons in {SHARED}")
    settings = load_settings()
    url = engine.ensure_database(engine.server_url_of(settings), args.database, drop_first=True)
    database = connect(url)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        files = seasons(Path(tmp))
        started = time.perf_counter()
        rows = sum(sum(1 for _ in csv.reader(f.open(encoding="utf-8-sig"))) - 1 for f in files)
        baseline = time.perf_counter() - started

        started = time.perf_counter()
        reports = [import_file(database, f, strict=True, now=now, actor="bench") for f in files]
        elapsed = time.perf_counter() - started

        started = time.perf_counter()
        again = [import_file(database, f, strict=True, now=now, actor="bench") for f in files]
        repeat = time.perf_counter() - started
    with database.transaction() as session:
        stored = session.execute(sa.select(sa.func.count()).select_from(Match)).scalar_one()
        quotes = session.execute(sa.select(sa.func.count()).select_from(MatchOdds)).scalar_one()
    database.dispose()

    print(f"files: {len(files)}, rows: {rows}, matches stored: {stored}, odds stored: {quotes}")
    print(f"import: {elapsed:.2f} s ({rows / elapsed:,.0f} rows/s)")
    print(f"csv module read only: {baseline:.3f} s; import / read ratio: {elapsed / baseline:.1f}")
    print(f"second import: {repeat:.2f} s, new matches: {sum(r.new for r in again)}")
    checks = Checks()
    checks.check("import time", f"{elapsed:.2f} s", "≤ 2 s", elapsed <= 2)
    new = sum(r.new for r in reports)
    checks.check("matches stored", f"{new:,} new, {stored:,} stored of {rows:,} rows",
                 "one per row", new == stored == rows)  # fmt: skip
    checks.check("second import", f"{sum(r.new for r in again)} new", "0",
                 sum(r.new for r in again) == 0)  # fmt: skip
    checks.exit()


if __name__ == "__main__":
    main()
