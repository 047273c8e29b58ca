"""Every DecimalField of the portal gives back exactly what was saved, at the largest and the
smallest value it allows, on the database this run uses (SQLite keeps only 15 significant
digits of a decimal, so a field allowed more would come back changed; the system check
``core.E004`` refuses such a field, and this test proves the limit is enough).

Each field is copied into a scratch table of its own column type, so that no model's other
columns or constraints stand in the way of the largest value."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core import checks
from django.db import connection, models

pytestmark = pytest.mark.django_db(transaction=True)


def decimal_fields():
    seen = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DecimalField) and not model._meta.label.startswith(
                "django."
            ):
                seen.setdefault((field.max_digits, field.decimal_places), []).append(
                    f"{model._meta.label}.{field.name}"
                )
    return seen


def extremes(max_digits: int, decimal_places: int) -> list[Decimal]:
    whole = "9" * (max_digits - decimal_places) or "0"
    largest = Decimal(f"{whole}.{'9' * decimal_places}" if decimal_places else whole)
    smallest_step = Decimal(1).scaleb(-decimal_places)
    return [largest, -largest, smallest_step, Decimal(0)]


def forget(model):
    """Takes a model made by a test out of the app registry again."""
    apps.all_models[model._meta.app_label].pop(model._meta.model_name, None)
    apps.clear_cache()


def test_the_portal_has_decimal_fields_to_check():
    assert any("procurement.Payment.amount" in names for names in decimal_fields().values())


@pytest.mark.parametrize(("digits", "places"), sorted(decimal_fields()))
def test_every_decimal_field_keeps_its_largest_value_exactly(digits, places):
    probe = type(
        f"DecimalProbe{digits}x{places}",
        (models.Model,),
        {
            "__module__": __name__,
            "value": models.DecimalField(max_digits=digits, decimal_places=places),
            "Meta": type("Meta", (), {"app_label": "tests_probe"}),
        },
    )
    with connection.schema_editor() as editor:
        editor.create_model(probe)
    try:
        for value in extremes(digits, places):
            saved = probe.objects.create(value=value)
            assert probe.objects.get(pk=saved.pk).value == value, decimal_fields()[(digits, places)]
            total = probe.objects.filter(pk=saved.pk).aggregate(total=models.Sum("value"))
            assert total["total"] == value
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(probe)
        forget(probe)


def test_a_field_with_more_digits_than_a_database_keeps_is_refused_by_the_checks():
    class TooPrecise(models.Model):
        amount = models.DecimalField(max_digits=16, decimal_places=2)

        class Meta:
            # Of an installed app, so that the checks see it.
            app_label = "credit_records"
            managed = False

        def __str__(self):
            return str(self.amount)

    try:
        errors = checks.run_checks(tags=[checks.Tags.models])
        assert [e.id for e in errors if e.obj is TooPrecise._meta.get_field("amount")] == [
            "core.E004"
        ]
    finally:
        forget(TooPrecise)
