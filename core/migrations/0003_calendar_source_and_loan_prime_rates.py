"""Where each calendar day's status comes from (the library, the weekend default or an
administrator), and the one-year loan prime rates as reference data.

Rows already in the calendar: the weekends migration 0002 seeded (unchanged) become
"weekend" rows, which the post-migrate fill replaces by the State Council notice's days;
every other row was made or changed by an administrator and is kept as "manual"."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


def classify_calendar_rows(apps, schema_editor):
    calendar_day = apps.get_model("core", "CalendarDay")
    calendar_day.objects.filter(is_working_day=False, note="周末", date__week_day__in=[1, 7]).update(
        source="weekend"
    )


def load_rates(apps, schema_editor):
    from core.reference import load_loan_prime_rates

    load_loan_prime_rates(apps.get_model("core", "LoanPrimeRate"))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_reference_data'),
    ]

    operations = [
        migrations.CreateModel(
            name='LoanPrimeRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('effective_date', models.DateField(unique=True, verbose_name='in force from')),
                ('one_year_percent', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='one-year LPR (% a year)')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
            ],
            options={
                'verbose_name': 'loan prime rate',
                'verbose_name_plural': 'loan prime rates',
                'ordering': ['-effective_date'],
            },
        ),
        migrations.AddField(
            model_name='calendarday',
            name='source',
            field=models.CharField(choices=[('library', 'State Council notice (chinese-calendar)'), ('weekend', 'Weekend (no notice for the year yet)'), ('manual', 'Set by an administrator')], default='manual', help_text="Days set by an administrator are kept when the calendar is filled again from the State Council's notice.", max_length=10, verbose_name='source'),
        ),
        migrations.CreateModel(
            name='HistoricalLoanPrimeRate',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('effective_date', models.DateField(db_index=True, verbose_name='in force from')),
                ('one_year_percent', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='one-year LPR (% a year)')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical loan prime rate',
                'verbose_name_plural': 'historical loan prime rates',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(classify_calendar_rows, migrations.RunPython.noop),
        migrations.RunPython(load_rates, migrations.RunPython.noop),
    ]
