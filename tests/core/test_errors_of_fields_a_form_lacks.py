"""An error the model's ``clean()`` raises for a field the form does not show is shown above
the form, and nothing is saved. Django's ModelForm refuses such an error with a ValueError:
the contract form of a project without an award was a 500."""

import importlib

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext

from core.forms import ModelForm
from credit_records.models import Commendation
from procurement.models import Contract, ProcurementProject

from ..builders.core import DepartmentFactory
from ..builders.procurement import make_contract, make_project
from ..builders.records import OfficialFactory

CONTRACT = {
    "number": "HT-2026-01",
    "signed_date": "2026-03-20",
    "amount": "90000",
    "supplementary_amount": "0",
    "payment_term_days": "30",
    "payment_after_acceptance": "on",
    "filed_date": "2026-03-21",
}


@pytest.fixture(autouse=True)
def fixed_today(time_machine):
    time_machine.move_to("2026-11-20 10:00:00+08:00", tick=False)


def test_the_contract_form_of_a_project_without_an_award_shows_why_and_saves_nothing(
    login, nanjing_supervisor, nanjing_department
):
    project = make_project(nanjing_department, award_date=None)
    client = login(nanjing_supervisor)

    response = client.post(f"/workspace/procurement/projects/{project.pk}/contract/", CONTRACT)

    assert response.status_code == 200
    form = response.context["form"]
    message = gettext("Record the award before the contract.")
    assert form.errors[NON_FIELD_ERRORS] == [message]
    assert message in response.content.decode()
    assert not Contract.objects.exists()


def test_the_admin_contract_form_shows_the_projects_error_above_the_form(
    login, province_supervisor, nanjing_department
):
    contract = make_contract(make_project(nanjing_department))
    # The award withdrawn later (the project is read-only on the contract's admin page).
    ProcurementProject.objects.filter(pk=contract.project_id).update(
        award_date=None, supplier=None, award_amount=None
    )
    client = login(province_supervisor)

    response = client.post(
        f"/admin/procurement/contract/{contract.pk}/change/", {**CONTRACT, "number": "改"}
    )

    assert response.status_code == 200
    message = gettext("Record the award before the contract.")
    assert message in response.context["adminform"].form.non_field_errors()
    contract.refresh_from_db()
    assert contract.number != "改"


class CommendationOfDepartmentForm(ModelForm):
    """A form that leaves out ``official``, which ``Commendation.clean()`` names."""

    class Meta:
        model = Commendation
        fields = ["title", "level", "issuing_authority", "date", "department"]


def test_any_form_on_the_base_puts_an_error_of_a_missing_field_above_the_form(
    nanjing_department,
):
    other = DepartmentFactory(region=nanjing_department.region)
    # An official's commendation, being moved to another department without its official.
    commendation = Commendation(
        title="诚信建设先进个人",
        level="city",
        issuing_authority="南京市人民政府",
        department=nanjing_department,
        official=OfficialFactory(department=nanjing_department),
    )
    form = CommendationOfDepartmentForm(
        {
            "title": commendation.title,
            "level": commendation.level,
            "issuing_authority": commendation.issuing_authority,
            "date": "2026-01-05",
            "department": other.pk,
        },
        instance=commendation,
    )

    assert not form.is_valid()
    message = gettext("The official must belong to the department honoured.")
    assert form.errors == {NON_FIELD_ERRORS: [message]}


WORKSPACE_FORM_MODULES = [
    "credit_records.forms",
    "procurement.forms",
    "debt.forms",
    "evaluations.forms",
]


def test_every_workspace_model_form_is_built_on_the_shared_base():
    model_forms = [
        value
        for module in map(importlib.import_module, WORKSPACE_FORM_MODULES)
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, forms.ModelForm)
        and value.__module__ == module.__name__
    ]

    assert len(model_forms) >= 8
    assert [form for form in model_forms if not issubclass(form, ModelForm)] == []
