"""The records of a department in the list's order (newest first), for a county's list, whose
departments core.scope names, and for a department's profile. Built CONCURRENTLY on
PostgreSQL, so that a province's million records stay writable while it builds (plainly on
SQLite)."""

from django.db import migrations, models

from core.migration_operations import AddIndexConcurrentlyOnPostgres


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("credit_records", "0006_decision_number_search"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="dishonestyrecord",
            index=models.Index(
                fields=["department", "-decision_date", "-id"], name="record_department_order"
            ),
        ),
    ]
