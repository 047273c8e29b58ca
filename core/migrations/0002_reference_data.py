"""Reference data every installation needs: Jiangsu's administrative divisions (GB/T 2260) and
the weekends of the working-day calendar as explicit rows (so an administrator can turn one
into a 调休 working day)."""

import datetime

from django.db import migrations


def load_regions(apps, schema_editor):
    from core.reference import load_jiangsu_regions

    load_jiangsu_regions(apps.get_model("core", "Region"))


def seed_weekends(apps, schema_editor):
    calendar_day = apps.get_model("core", "CalendarDay")
    day = datetime.date(2024, 1, 1)
    rows = []
    while day.year <= 2030:
        if day.weekday() >= 5:
            rows.append(calendar_day(date=day, is_working_day=False, note="周末"))
        day += datetime.timedelta(days=1)
    calendar_day.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(load_regions, migrations.RunPython.noop),
        migrations.RunPython(seed_weekends, migrations.RunPython.noop),
    ]
