"""The checks of a benchmark: each figure against the target its script states, printed as met
or missed; a benchmark exits 1 when any check missed (``Checks.exit``), so it can not pass by
accident."""

from __future__ import annotations

import sys

__all__ = ["Checks"]


class Checks:
    def __init__(self) -> None:
        self.missed: list[str] = []

    def check(self, name: str, figure: str, target: str, ok: bool) -> bool:
        """Print ``name: figure (target: …, met|missed)`` and remember a miss."""
        print(f"check {name}: {figure} (target {target}: {'met' if ok else 'MISSED'})")
        if not ok:
            self.missed.append(name)
        return ok

    def exit(self) -> None:
        """Exit 1 naming the missed checks, or print that every check was met."""
        if self.missed:
            print(f"FAILED: {len(self.missed)} check(s) missed: {', '.join(self.missed)}")
            sys.exit(1)
        print("all checks met")
