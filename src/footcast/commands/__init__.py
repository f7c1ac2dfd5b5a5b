"""Command groups of the `footcast` CLI, mounted by `footcast.cli`."""

from __future__ import annotations

from footcast.commands import db, forecasters, state

__all__ = ["db", "forecasters", "state"]
