"""The default scheme: the five principles with equal weights (see ``evaluations.defaults``)."""

from django.db import migrations

from evaluations.defaults import create_default_scheme


def forwards(apps, schema_editor):
    create_default_scheme(
        apps.get_model("evaluations", "Scheme"),
        apps.get_model("evaluations", "Dimension"),
        apps.get_model("evaluations", "Indicator"),
    )


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
