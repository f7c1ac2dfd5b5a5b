"""Running the real `footcast` command in a subprocess, with no FOOTCAST_* leaking in."""

from __future__ import annotations

import os
import subprocess
import sys

__all__ = ["run"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("FOOTCAST_")}
    return subprocess.run(
        [sys.executable, "-m", "footcast.cli", *args],
        env={**base, "COLUMNS": "140", **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
