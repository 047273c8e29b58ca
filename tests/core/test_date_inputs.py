"""Date and number inputs write what the browser accepts, in every language: a date as
``YYYY-MM-DD`` (``<input type="date">`` drops ``2026/11/25``, the Chinese format Django
would use), a moment as ``YYYY-MM-DDTHH:MM``, a number without thousands separators."""

import datetime
import importlib
import inspect
from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from core.forms import DateInput, DateTimeInput

WORKSPACE_FORM_MODULES = [
    "credit_records.forms",
    "procurement.forms",
    "debt.forms",
    "evaluations.forms",
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_input_writes_the_iso_date_whatever_the_language(language):
    with translation.override(language):
        html = DateInput().render("date", datetime.date(2026, 11, 25))
    assert 'type="date"' in html
    assert 'value="2026-11-25"' in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_time_input_writes_the_iso_local_moment(language):
    with translation.override(language):
        html = DateTimeInput().render("at", datetime.datetime(2026, 11, 25, 9, 5))
    assert 'type="datetime-local"' in html
    assert 'value="2026-11-25T09:05"' in html


def test_a_number_input_writes_no_thousands_separator_in_chinese():
    field = forms.DecimalField(max_digits=14, decimal_places=2)
    with translation.override("zh-hans"):
        html = field.widget.render("amount", field.prepare_value(Decimal("1234567.50")))
    assert 'value="1234567.50"' in html


def workspace_form_classes():
    for name in WORKSPACE_FORM_MODULES:
        module = importlib.import_module(name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == name:
                yield cls


def test_every_date_field_of_every_workspace_form_uses_the_iso_date_input():
    date_fields = []
    for cls in workspace_form_classes():
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.DateTimeField):
                assert isinstance(field.widget, DateTimeInput), f"{cls.__name__}.{name}"
                date_fields.append(name)
            elif isinstance(field, forms.DateField):
                assert isinstance(field.widget, DateInput), f"{cls.__name__}.{name}"
                date_fields.append(name)
            elif isinstance(field, forms.DecimalField | forms.IntegerField):
                assert not field.localize, f"{cls.__name__}.{name} is localised"
    # The project, contract, acceptance, payment, record, commendation, commitment, round...
    assert len(date_fields) >= 12


@pytest.mark.django_db
def test_an_edit_form_shows_a_stored_date_as_the_browser_reads_it(regions):
    from procurement.forms import ProjectForm
    from procurement.models import ProcurementProject

    project = ProcurementProject(
        notice_date=datetime.date(2026, 11, 25),
        award_date=datetime.date(2026, 12, 1),
        budget=Decimal("1234567.50"),
    )
    with translation.override("zh-hans"):
        html = str(ProjectForm(instance=project, user=None)["notice_date"])
        budget = str(ProjectForm(instance=project, user=None)["budget"])
    assert 'value="2026-11-25"' in html
    assert 'value="1234567.50"' in budget
