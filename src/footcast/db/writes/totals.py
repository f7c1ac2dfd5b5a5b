"""The leaderboard's totals, kept at settlement by triggers (migration 0015): rebuilding them
from the current settlements, and telling how far the kept ones had drifted."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

__all__ = ["rebuild"]

# the kept rows that carry something, sums rounded (summation order moves the last bits)
_KEPT = {
    "leaderboard_totals": """
        SELECT forecaster_id, competition_id, season_id, retroactive, contaminated, predicted,
               points, tendency_hits, exact_hits, round(rps_sum::numeric, 6) AS rps, rps_n,
               round(log_loss_sum::numeric, 6) AS log_loss, log_loss_n
        FROM leaderboard_totals WHERE predicted <> 0""",
    "leaderboard_settled": "SELECT * FROM leaderboard_settled WHERE settled <> 0",
    "settled_matches": "SELECT * FROM settled_matches WHERE settled <> 0",
}


def rebuild(session: Session) -> int:
    """Compute the totals from scratch; how many kept rows were wrong, missing or extra."""
    for table, rows in _KEPT.items():
        session.execute(sa.text(f"CREATE TEMP TABLE kept_{table} ON COMMIT DROP AS {rows}"))
    session.execute(sa.text("SELECT footcast_rebuild_leaderboard()"))
    drift = 0
    for table, rows in _KEPT.items():
        drift += session.execute(
            sa.text(
                f"SELECT count(*) FROM (({rows} EXCEPT SELECT * FROM kept_{table})"
                f" UNION ALL (SELECT * FROM kept_{table} EXCEPT {rows})) d"
            )
        ).scalar_one()
        session.execute(sa.text(f"DROP TABLE kept_{table}"))
    return int(drift)
