"""Fault-tolerance claims share core's Review fields: their reviewed_by/reviewed_at/
review_reason columns are renamed decided_by/decided_at/decision_reason in place (no data is
copied), as credit repair applications already name them, and take their labels."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit_records", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("faulttoleranceclaim", "reviewed_by", "decided_by"),
        migrations.RenameField("faulttoleranceclaim", "reviewed_at", "decided_at"),
        migrations.RenameField("faulttoleranceclaim", "review_reason", "decision_reason"),
        migrations.RenameField("historicalfaulttoleranceclaim", "reviewed_by", "decided_by"),
        migrations.RenameField("historicalfaulttoleranceclaim", "reviewed_at", "decided_at"),
        migrations.RenameField("historicalfaulttoleranceclaim", "review_reason", "decision_reason"),
        # The shared fields' labels ("decided by", "decision reasons") replace "reviewed …".
        migrations.AlterField(
            model_name="faulttoleranceclaim",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AlterField(
            model_name="faulttoleranceclaim",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AlterField(
            model_name="faulttoleranceclaim",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="decision reasons"),
        ),
        migrations.AlterField(
            model_name="historicalfaulttoleranceclaim",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AlterField(
            model_name="historicalfaulttoleranceclaim",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AlterField(
            model_name="historicalfaulttoleranceclaim",
            name="decision_reason",
            field=models.TextField(blank=True, verbose_name="decision reasons"),
        ),
    ]
