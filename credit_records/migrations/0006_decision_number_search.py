"""Search records by any part of the decision number (core/search.py): a trigram and a bigram
index on UPPER(decision_number), built CONCURRENTLY so that a province's million records stay
writable while they build (PostgreSQL only; nothing on SQLite). The extension and the bigram
function come from core 0011."""

import core.search
import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.db import migrations, models

from core.migration_operations import AddIndexConcurrentlyIfPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0011_department_name_search"),
        ("credit_records", "0005_intake"),
    ]

    operations = [
        AddIndexConcurrentlyIfPostgres(
            model_name="dishonestyrecord",
            index=core.search.PostgresOnlyGinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("decision_number"), name="gin_trgm_ops"
                ),
                name="record_decision_number_trgm",
            ),
        ),
        AddIndexConcurrentlyIfPostgres(
            model_name="dishonestyrecord",
            index=core.search.PostgresOnlyGinIndex(
                models.Func(
                    django.db.models.functions.text.Upper("decision_number"),
                    function="core_name_bigrams",
                    output_field=django.contrib.postgres.fields.ArrayField(
                        base_field=models.TextField(), size=None
                    ),
                ),
                name="record_decision_number_bigrams",
            ),
        ),
    ]
