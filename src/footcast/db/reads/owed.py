"""Who owes which match a prediction: the one rule, read from the views of migration 0007.

* ``counted_pairs``: the forecaster was active and not paused at the match's deadline (no pause
  with ``since <= deadline < until``; ``until`` NULL is open-ended, so a timed pause, written with
  its end, stops counting at that end with nothing run then), and the match was not postponed,
  cancelled or abandoned (the leaderboard's denominator);
* ``owed_pairs``: the counted pairs the pipeline must fill (every automated forecaster; a human's
  missing prediction is 0 points, not a gap);
* ``open_pairs``: owed pairs with neither a prediction nor a terminal failure.

Every query about owed work (the reconciler, health coverage, the admin's and the CLI's gaps,
the leaderboard, metrics, the tests' season checks) reads these views instead of restating the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

__all__ = [
    "COUNTED",
    "OPEN",
    "OWED",
    "Gap",
    "MissingForecaster",
    "counted_pairs",
    "gaps",
    "missing_forecasters",
]

COUNTED, OWED, OPEN = "counted_pairs", "owed_pairs", "open_pairs"


def _view(name: str) -> sa.TableClause:
    return sa.table(
        name,
        sa.column("match_id", sa.Integer),
        sa.column("forecaster_id", sa.Integer),
        sa.column("forecaster", sa.String),
        sa.column("kind", sa.String),
        sa.column("deadline", sa.DateTime(timezone=True)),
    )


counted_pairs = _view(COUNTED)


@dataclass(frozen=True, kw_only=True)
class MissingForecaster:
    id: int
    name: str
    kind: str
    provider: str | None
    model_id: str | None


_MISSING_FORECASTERS = sa.text(
    f"""
    SELECT f.id, f.name, f.kind, f.provider, f.model_id
    FROM {OPEN} o JOIN forecasters f ON f.id = o.forecaster_id
    WHERE o.match_id = :match_id
    ORDER BY f.id
    """
)


def missing_forecasters(session: Session, match_id: int) -> list[MissingForecaster]:
    """Forecasters still owing match ``match_id`` a prediction (its open pairs)."""
    return [
        MissingForecaster(id=i, name=n, kind=k, provider=p, model_id=mid)
        for i, n, k, p, mid in session.execute(_MISSING_FORECASTERS, {"match_id": match_id})
    ]


@dataclass(frozen=True, kw_only=True)
class Gap:
    """An open (match, forecaster) pair whose prediction window has opened."""

    match_id: int
    kickoff: datetime
    status: str
    forecaster: str


_GAPS = sa.text(
    f"""
    SELECT m.id, m.kickoff_at, m.status, o.forecaster
    FROM matches m JOIN {OPEN} o ON o.match_id = m.id
    WHERE m.kickoff_at >= :since AND m.kickoff_at <= :until
      AND m.kickoff_at - :prediction_lead <= :now
    ORDER BY m.kickoff_at, m.id, o.forecaster
    """
)


def gaps(
    session: Session,
    *,
    since: datetime,
    until: datetime,
    now: datetime,
    prediction_lead: timedelta,
) -> list[Gap]:
    """Open pairs of matches kicking off in [since, until] whose prediction window has opened
    by ``now`` (PIPELINE.md RETRO-01 once their deadline has passed)."""
    params = {"since": since, "until": until, "now": now, "prediction_lead": prediction_lead}
    return [
        Gap(match_id=i, kickoff=k, status=s, forecaster=f)
        for i, k, s, f in session.execute(_GAPS, params)
    ]
