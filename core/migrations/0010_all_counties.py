"""All 95 county-level divisions of Jiangsu (core/reference.py): the ones an installation
lacks are added, and 崇川区 takes the code it has had since the 2020 merger with 港闸区
(320613; it was loaded as 320602 before). Departments keep their region: only the region's
code and path change."""

from django.db import migrations


def load_counties(apps, schema_editor):
    from core.reference import load_jiangsu_regions

    Region = apps.get_model("core", "Region")
    old = Region.objects.filter(code="320602", name="崇川区").first()
    if old is not None and not Region.objects.filter(code="320613").exists():
        old.code = "320613"
        old.path = old.path.replace("/320602/", "/320613/")
        old.save(update_fields=["code", "path"])
    load_jiangsu_regions(Region)


class Migration(migrations.Migration):
    dependencies = [("core", "0009_events_and_transparency")]

    operations = [migrations.RunPython(load_counties, migrations.RunPython.noop)]
