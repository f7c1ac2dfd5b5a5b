"""Everything that talks SQL: engine and sessions, models, migrations, queries."""

from __future__ import annotations
