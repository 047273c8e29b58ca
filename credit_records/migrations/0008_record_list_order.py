from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit_records", "0007_export_jobs"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dishonestyrecord",
            index=models.Index(fields=["-decision_date", "-id"], name="record_list_order"),
        ),
    ]
