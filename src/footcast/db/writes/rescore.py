"""Rescoring a competition under another rule, set-based: a fixed handful of statements per
competition, whatever its size, instead of one settlement transaction per match.

The points follow ``domain.scoring`` exactly (tests compare every prediction of a replayed
season): a quota is ``round_half_up(MAX*N/(10*T) - MAX/10 + MIN)`` clamped to [MIN, MAX], which
in integers is ``floor((MAX*N - MAX*T + 10*MIN*T + 5*T) / (10*T))`` (every term is an integer
and the numerator is never negative, as T <= N); a tendency nobody picked is worth MAX.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from footcast.domain import scoring

__all__ = ["Applied", "Change", "apply", "points_under", "totals"]

# the competition's current settlements whose frozen snapshot is under another rule
_STALE = """
    SELECT s.id AS settlement_id, s.match_id, s.revision, s.home_goals, s.away_goals,
           q.id AS snapshot_id, q.rule_name, q.n, q.t_home, q.t_draw, q.t_away,
           q.basis, q.prediction_ids
    FROM settlements s
    JOIN matches m ON m.id = s.match_id
    JOIN quota_snapshots q ON q.id = s.snapshot_id
    WHERE m.competition_id = :competition_id AND s.superseded_at IS NULL
      AND q.rule_name <> :rule_name
"""


def _quota(t: str) -> str:
    return f"""CASE WHEN CAST(:kind AS text) <> 'quota' THEN NULL WHEN {t} = 0 THEN :maximum
        ELSE least(:maximum, greatest(:minimum,
             (:maximum * n - :maximum * {t} + 10 * :minimum * {t} + 5 * {t}) / (10 * {t})))
        END"""


_QUOTAS = f"""
    SELECT st.*, {_quota("t_home")} AS quota_home, {_quota("t_draw")} AS quota_draw,
           {_quota("t_away")} AS quota_away
    FROM ({_STALE}) st
"""

# a score's points under the new rule, from its rule-free hits (``sc``: settlement_scores) and
# its settlement's result and new quotas (``q``); SCORING.md §2, as ``domain.scoring`` has it
_RULE_POINTS = """
      CASE
        WHEN CAST(:kind AS text) = 'quota' THEN
          CASE WHEN NOT sc.tendency_hit THEN 0
          ELSE CASE sign(q.home_goals - q.away_goals)
                 WHEN 1 THEN q.quota_home WHEN 0 THEN q.quota_draw ELSE q.quota_away END
               + CASE WHEN sc.goal_difference_hit THEN :goal_difference_bonus ELSE 0 END
               + CASE WHEN sc.exact_hit THEN :exact_bonus ELSE 0 END
          END
        ELSE
          CASE WHEN sc.exact_hit THEN :exact
               WHEN NOT sc.tendency_hit THEN 0
               WHEN q.home_goals <> q.away_goals AND sc.goal_difference_hit THEN :goal_difference
               ELSE :tendency
          END
      END"""


def _points(quotas: str) -> str:
    """Every score of the settlements in ``quotas``, with its points under the new rule."""
    return f"""
        SELECT sc.prediction_id, sc.forecaster_id, sc.points AS old_points, q.match_id,
          {_RULE_POINTS} AS points
        FROM {quotas} q
        JOIN settlement_scores sc ON sc.settlement_id = q.settlement_id
    """


_POINTS = _points(f"({_QUOTAS})")


def _totals(points: str) -> sa.TextClause:
    """Per forecaster name: matches, points before and after, over the scores of ``points``."""
    return sa.text(
        f"""
        SELECT f.name, count(DISTINCT x.match_id), sum(x.old_points), sum(x.points)
        FROM ({points}) x JOIN forecasters f ON f.id = x.forecaster_id
        GROUP BY f.name ORDER BY sum(x.points) DESC, f.name
        """
    )


_TOTALS = _totals(_POINTS)

# the settlements to redo, kept for the statements below (dropped at commit)
_STAGE = sa.text(f"CREATE TEMP TABLE rescore_stale ON COMMIT DROP AS {_QUOTAS}")
_SUPERSEDE = (
    sa.text(
        "UPDATE quota_snapshots SET superseded_at = :now"
        " WHERE id IN (SELECT snapshot_id FROM rescore_stale)"
    ),
    sa.text(
        "UPDATE settlements SET superseded_at = :now"
        " WHERE id IN (SELECT settlement_id FROM rescore_stale)"
    ),
)

_FREEZE = sa.text(
    """
    INSERT INTO quota_snapshots (
        match_id, rule_name, rule_kind, rule_params, n, t_home, t_draw, t_away,
        quota_home, quota_draw, quota_away, basis, prediction_ids, frozen_at
    )
    SELECT match_id, :rule_name, :kind, CAST(:params AS jsonb), n, t_home, t_draw, t_away,
           quota_home, quota_draw, quota_away, basis, prediction_ids, :now
    FROM rescore_stale
    """
)

_SETTLE = sa.text(
    """
    INSERT INTO settlements (
        match_id, revision, snapshot_id, home_goals, away_goals, settled_at, settled_by, reason
    )
    SELECT r.match_id, r.revision + 1, q.id, r.home_goals, r.away_goals, :now, :actor,
           'rule ' || r.rule_name || ' → ' || CAST(:rule_name AS text)
    FROM rescore_stale r
    JOIN quota_snapshots q ON q.match_id = r.match_id AND q.superseded_at IS NULL
    """
)

# the old revision's scores, carried over with their points under the new rule (hits, errors
# and probability scores do not depend on the rule)
_SCORE = sa.text(
    f"""
    INSERT INTO settlement_scores (
        settlement_id, prediction_id, forecaster_id, in_snapshot, retroactive, points,
        tendency_hit, goal_difference_hit, exact_hit, goal_error, rps, brier, log_loss
    )
    SELECT s.id, sc.prediction_id, sc.forecaster_id, sc.in_snapshot, sc.retroactive,
      {_RULE_POINTS},
      sc.tendency_hit, sc.goal_difference_hit, sc.exact_hit, sc.goal_error, sc.rps, sc.brier,
      sc.log_loss
    FROM rescore_stale q
    JOIN settlement_scores sc ON sc.settlement_id = q.settlement_id
    JOIN settlements s ON s.match_id = q.match_id AND s.superseded_at IS NULL
    """
)


# the same totals over the staged settlements (``apply``: their quotas are computed once)
_STAGED_TOTALS = _totals(_points("rescore_stale"))

_SETTLED_AT = sa.text(
    "UPDATE matches SET settled_at = :now WHERE id IN (SELECT match_id FROM rescore_stale)"
)


@dataclass(frozen=True, kw_only=True)
class Change:
    """One forecaster's points over the rescored matches, before and after."""

    forecaster: str
    matches: int
    before: int
    after: int


def _params(rule: scoring.Rule) -> dict[str, Any]:
    values: dict[str, Any] = {
        "kind": rule.kind,
        "rule_name": rule.name,
        **{key: 0 for key in (*scoring.QuotaRule().params(), *scoring.StandardRule().params())},
    }
    values.update(rule.params())
    return values


def points_under(session: Session, competition_id: int, rule: scoring.Rule) -> dict[int, int]:
    """Every prediction of the competition's settlements not under ``rule`` yet: its points
    under ``rule`` (by prediction id), computed in one statement and written nowhere."""
    rows = session.execute(
        sa.text(f"SELECT prediction_id, points FROM ({_POINTS}) x"),
        {"competition_id": competition_id, **_params(rule)},
    )
    return {int(pid): int(points) for pid, points in rows}


def _changes(rows: Iterable[Any]) -> list[Change]:
    return [
        Change(forecaster=name, matches=int(n), before=int(before), after=int(after))
        for name, n, before, after in rows
    ]


def totals(session: Session, competition_id: int, rule: scoring.Rule) -> list[Change]:
    """Per forecaster: points over the settlements not under ``rule`` yet, now and under it."""
    return _changes(session.execute(_TOTALS, {"competition_id": competition_id, **_params(rule)}))


@dataclass(frozen=True, kw_only=True)
class Applied:
    """What ``apply`` did: matches settled again, and each forecaster's points over them."""

    matches: int
    changes: list[Change]


def apply(
    session: Session, competition_id: int, rule: scoring.Rule, *, now: datetime, actor: str
) -> Applied:
    """Settle every settled match of the competition again under ``rule``: the same frozen set
    frozen anew under it, and a new revision whose scores carry the new points; the old snapshot
    and revision stay, superseded. The totals (as ``totals`` gives them) come from the same
    staged quotas, computed once."""
    params = {
        "competition_id": competition_id,
        "now": now,
        "actor": actor,
        "params": json.dumps(rule.params()),
        **_params(rule),
    }
    session.execute(_STAGE, params)
    count = session.execute(sa.text("SELECT count(*) FROM rescore_stale")).scalar_one()
    changes = _changes(session.execute(_STAGED_TOTALS, params))
    for statement in (*_SUPERSEDE, _FREEZE, _SETTLE, _SCORE, _SETTLED_AT):
        session.execute(statement, params)
    session.execute(sa.text("DROP TABLE rescore_stale"))
    return Applied(matches=int(count), changes=changes)
