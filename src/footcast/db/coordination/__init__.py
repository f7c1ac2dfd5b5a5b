"""What processes share to work together: request gates and limits, forecaster pauses,
the job queue"s state and the replay"s shared clock."""

from __future__ import annotations

__all__: list[str] = []  # users import the modules: `from footcast.db.coordination import ...`
