from django.db import migrations


def load_regions(apps, schema_editor):
    from credit_records.reference import load_jiangsu_regions

    load_jiangsu_regions(apps.get_model("credit_records", "Region"))


class Migration(migrations.Migration):
    dependencies = [("credit_records", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
