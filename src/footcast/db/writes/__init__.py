"""The facts footcast stores, written by the pipeline"s stages and by operators" actions."""

from __future__ import annotations

__all__: list[str] = []  # users import the modules: `from footcast.db.writes import ...`
