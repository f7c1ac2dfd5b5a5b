"""Read models: the questions the web surface, the CLI and the reconciler ask of the facts."""

from __future__ import annotations

__all__: list[str] = []  # users import the modules: `from footcast.db.reads import ...`
