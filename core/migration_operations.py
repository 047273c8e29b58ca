"""Migration operations that are safe on a province-sized PostgreSQL database and do nothing
on the other databases the project runs on (SQLite, the embedded default).

* ``AddIndexConcurrentlyIfPostgres`` builds an index with ``CREATE INDEX CONCURRENTLY``: writes
  to the table go on while it is built (a plain ``CREATE INDEX`` holds a lock that blocks every
  insert, update and delete for as long as the build takes, minutes on millions of rows). The
  migration that uses it must say ``atomic = False``: PostgreSQL refuses a concurrent build
  inside a transaction. tests/core/test_migrations_large_tables.py makes every new migration
  that indexes a large table use it.
* ``AddIndexConcurrentlyOnPostgres``: the same for an index every database should have (a
  plain B-tree), built plainly on the others.
* ``CreateExtensionIfPostgres`` / ``TrigramExtensionIfPostgres``: ``CREATE EXTENSION IF NOT
  EXISTS``, which needs a superuser or the database's owner with a trusted extension
  (pg_trgm is trusted since PostgreSQL 13); docs/deployment.md says what to do without
  those rights.
* ``RunSQLIfPostgres``: raw SQL only PostgreSQL understands (a function an index uses).

On other databases the model state still changes (``makemigrations --check`` stays clean) but
nothing is executed: the indexes they add are PostgreSQL's (core.search.PostgresOnlyGinIndex).
"""

from django.contrib.postgres.operations import (
    AddIndexConcurrently,
    CreateExtension,
    RemoveIndexConcurrently,
)
from django.db import migrations


def is_postgres(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class AddIndexConcurrentlyIfPostgres(AddIndexConcurrently):
    """``AddIndexConcurrently`` on PostgreSQL; only the model state elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if is_postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if is_postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    """An index every database should have (a plain B-tree): ``CREATE INDEX CONCURRENTLY`` on
    PostgreSQL, a plain ``CREATE INDEX`` elsewhere (SQLite has no concurrent build, and its
    one writer at a time has nothing to keep going)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if is_postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if is_postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )


class RemoveIndexConcurrentlyIfPostgres(RemoveIndexConcurrently):
    """``RemoveIndexConcurrently`` on PostgreSQL; only the model state elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if is_postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if is_postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class CreateExtensionIfPostgres(CreateExtension):
    """``CREATE EXTENSION IF NOT EXISTS`` on PostgreSQL, skipped when the extension is there
    already (so a database user without the right to create it can migrate once a DBA has).
    Reversing keeps the extension: other database objects, or a DBA, may rely on it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if is_postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


class TrigramExtensionIfPostgres(CreateExtensionIfPostgres):
    def __init__(self):
        super().__init__("pg_trgm")

    def deconstruct(self):
        return self.__class__.__qualname__, [], {}


class RunSQLIfPostgres(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if is_postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if is_postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
