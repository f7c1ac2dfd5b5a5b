"""The question an LLM forecaster is asked: the point-in-time snapshot as plain text.

Only the snapshot goes in, so the prompt holds nothing a forecaster could not have known at the
snapshot's ``as_of``; the same snapshot always gives the same prompt.
"""

from __future__ import annotations

from footcast.domain.analysis import Snapshot

__all__ = ["TABLE_ROWS", "TOKEN_BUDGET", "build"]

TABLE_ROWS = 20  # the table is shown whole for a league of up to 20 teams
# the most tokens a prompt (system message included) may take: the fullest snapshot (a 20-team
# table, form, head-to-head, odds, 15 injuries, both elevens) is measured against it with a real
# tokenizer (SmolLM2's) in tests/integration/forecasters/test_local_llm.py; it leaves room in a
# 2,048-token context for an answer, the repair request and its answer
TOKEN_BUDGET = 1500  # measured: 1,380


def build(snapshot: Snapshot) -> str:
    """The user message for ``snapshot``."""
    s = snapshot
    lines = [
        f"Match: {s.home} (home) v {s.away} (away)",
        f"Competition: {s.competition}" + (f", season {s.season}" if s.season else ""),
        f"Kickoff: {s.kickoff:%Y-%m-%d %H:%M} UTC; facts as of {s.as_of:%Y-%m-%d %H:%M} UTC",
        "",
        f"Form (last results, oldest first): {s.home} {s.form(s.home) or 'none'};"
        f" {s.away} {s.form(s.away) or 'none'}",
    ]
    table = s.table()
    if any(row.played for row in table):
        lines += ["", "Table: pos team played W D L goals points"]
        lines += [
            f"{n}. {r.team} {r.played} {r.won} {r.drawn} {r.lost}"
            f" {r.goals_for}:{r.goals_against} {r.points}"
            for n, r in enumerate(table[:TABLE_ROWS], start=1)
        ]
    meetings = s.head_to_head()
    if meetings:
        lines += ["", "Head-to-head (oldest first):"]
        lines += [
            f"{m.kickoff:%Y-%m-%d} {m.home} {m.home_goals}-{m.away_goals} {m.away}"
            for m in meetings
        ]
    if s.odds is not None:
        lines += [
            "",
            f"Pre-match odds (decimal{', ' + s.odds.bookmaker if s.odds.bookmaker else ''}):"
            f" home {s.odds.home:.2f}, draw {s.odds.draw:.2f}, away {s.odds.away:.2f}",
        ]
    if s.injuries:
        lines += ["", "Injuries and doubts:"]
        lines += [f"{i.team}: {i.player} ({i.kind}: {i.reason})" for i in s.injuries]
    if s.lineups is not None:
        lines += [
            "",
            f"{s.home} starting XI: {', '.join(s.lineups.home)}",
            f"{s.away} starting XI: {', '.join(s.lineups.away)}",
        ]
    lines += ["", "Predict the 90-minute score and the probabilities of home win, draw, away win."]
    return "\n".join(lines)
