"""Everything that talks SQL, by role.

* ``engine``, ``tables``, ``migrate``, ``embedded``: the connection, the schema and its server;
* ``writes``: the facts footcast stores (matches, predictions, settlements, the failure ledger,
  the audit log), written by the pipeline's stages and by operators' actions;
* ``reads``: read models, the questions the web surface, the CLI and the reconciler ask
  (leaderboard, browse, monitoring, metrics, the owed pairs, the reconciler's plan);
* ``coordination``: what processes share to work together (request gates and limits, forecaster
  pauses, the job queue's state, the replay's shared clock).

Only ``db`` holds SQL; database errors become footcast errors here (``_errors``).
"""

from __future__ import annotations

from footcast.db.engine import Database, connect, open_database

__all__ = ["Database", "connect", "open_database"]
