"""Running the real `footcast` command in a subprocess, with no FOOTCAST_* leaking in."""

from __future__ import annotations

import os
import subprocess
import sys

__all__ = ["run"]


def run(
    *args: str, env: dict[str, str] | None = None, columns: int | None = 140
) -> subprocess.CompletedProcess[str]:
    """Run ``footcast args`` with its output piped; ``columns=None`` leaves ``COLUMNS`` unset,
    as in a pipe or a cron job (rich's default width there is 80)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")}
    base.pop("COLUMNS", None)
    if columns is not None:
        base["COLUMNS"] = str(columns)
    return subprocess.run(
        [sys.executable, "-m", "footcast.cli", *args],
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
