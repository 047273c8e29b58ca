"""Search departments by any part of their name (issue 25): the pg_trgm extension, the
bigram function and two GIN indexes on UPPER(name) (core/search.py says why two).

Built CONCURRENTLY, so a province's department table keeps taking writes while they are
built; hence ``atomic = False``. On SQLite nothing runs: the indexes are PostgreSQL's.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models

import core.search
from core.migration_operations import (
    AddIndexConcurrentlyIfPostgres,
    RunSQLIfPostgres,
    TrigramExtensionIfPostgres,
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0010_all_counties"),
    ]

    operations = [
        # Needs the right to create the extension, or a DBA to have created it (docs/deployment.md).
        TrigramExtensionIfPostgres(),
        RunSQLIfPostgres(
            core.search.CREATE_BIGRAMS_FUNCTION, reverse_sql=core.search.DROP_BIGRAMS_FUNCTION
        ),
        AddIndexConcurrentlyIfPostgres(
            model_name="department",
            index=core.search.PostgresOnlyGinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("name"), name="gin_trgm_ops"
                ),
                name="department_name_trgm",
            ),
        ),
        AddIndexConcurrentlyIfPostgres(
            model_name="department",
            index=core.search.PostgresOnlyGinIndex(
                models.Func(
                    django.db.models.functions.text.Upper("name"),
                    function="core_name_bigrams",
                    output_field=django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), size=None
                    ),
                ),
                name="department_name_bigrams",
            ),
        ),
    ]
