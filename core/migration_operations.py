"""Index operations for migrations that must not stop check-ins on a live database.

A plain ``AddIndex`` on PostgreSQL takes a lock that blocks every INSERT into the table while
the index is built (16 s for ``checkin_point_time_out`` on 11 M check-ins, docs/benchmarks.md):
at a market gate that is a queue of visitors whose check-in hangs. These build and drop the
index ``CONCURRENTLY`` on PostgreSQL (writes continue; the migration must say
``atomic = False``) and fall back to the plain operation elsewhere (the embedded SQLite).

If a concurrent build fails (e.g. a duplicate in a unique index), PostgreSQL leaves an INVALID
index behind: drop it (``DROP INDEX CONCURRENTLY name``) before running the migration again.
"""

from typing import Any

from django.contrib.postgres import operations as postgres
from django.db.migrations.operations import AddIndex, RemoveIndex


class _Portable:
    """The concurrent operation on PostgreSQL, ``plain`` on other databases."""

    plain: Any

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)  # type: ignore[misc]
        else:
            self.plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)  # type: ignore[misc]
        else:
            self.plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexConcurrently(_Portable, postgres.AddIndexConcurrently):
    plain = AddIndex


class RemoveIndexConcurrently(_Portable, postgres.RemoveIndexConcurrently):
    plain = RemoveIndex
