"""Writing hostile text into every free-text field of every domain model (XSS payloads,
spreadsheet formulas), so a test covers new models and fields without being told of them."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Cast, Concat, Mod
from django.db.models.lookups import Exact

DOMAIN_APPS = ("core", "credit_records", "procurement", "debt", "evaluations")
# Never overwritten: the password hash (the administrator must stay signed in).
SKIPPED_FIELDS = {("core", "user", "password")}


def text_fields(model):
    """Editable CharFields and TextFields without choices."""
    for field in model._meta.get_fields():
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if field.choices or not field.editable or field.primary_key:
            continue
        if (model._meta.app_label, model._meta.model_name, field.name) in SKIPPED_FIELDS:
            continue
        yield field


def acceptable(field, values: list[str]) -> list[str]:
    """The values the field can hold: short enough (with room for a row number) and
    accepted by its validators (a credit code's, a region code's…)."""
    accepted = []
    for value in values:
        if field.max_length and len(value) + 6 > field.max_length:
            continue
        try:
            field.run_validators(value)
        except ValidationError:
            continue
        accepted.append(value)
    return accepted


def poison_text_fields(values: list[str]) -> dict[str, list[str]]:
    """Writes ``values`` into every eligible field of every row of every domain model (row
    by row in turn; a unique field gets the row's id appended). Returns the fields set, by
    model label. A field a database constraint needs real content in is left alone."""
    poisoned: dict[str, list[str]] = {}
    for model in apps.get_models():
        if model._meta.app_label not in DOMAIN_APPS or model.__name__.startswith("Historical"):
            continue
        for field in text_fields(model):
            usable = acceptable(field, values)
            if not usable:
                continue
            value = Case(
                *(
                    When(Exact(Mod(F("pk"), len(usable)), index), then=Value(text))
                    for index, text in enumerate(usable)
                ),
                output_field=CharField(),
            )
            if field.unique:
                value = Concat(value, Cast("pk", CharField()), output_field=CharField())
            try:
                with transaction.atomic():
                    model._default_manager.update(**{field.name: value})
            except IntegrityError:
                continue
            poisoned.setdefault(model._meta.label, []).append(field.name)
    return poisoned
