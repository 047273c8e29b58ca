"""An official is identified by an employee number, never by a national ID number: a value
shaped like a resident identity card number is refused on every way in."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from core.validators import looks_like_resident_id
from credit_records import services
from credit_records.models import PublicOfficial

# Made-up numbers with the shape of real ones.
RESIDENT_IDS = [
    "11010519491231002X",  # birth date 1949-12-31 and a right check character
    "11010519491231002x",  # typed in lower case
    "320102 19900307 1234",  # real birth date, wrong check character, with spaces
    "110105999912310028",  # no real birth date, but a right check character
    "320102900307123",  # the old 15-digit number (born 1990-03-07)
]
EMPLOYEE_NUMBERS = [
    "E00001",
    "NJ-0042",
    "2026001",
    "110105999913310021",  # 18 digits, no real birth date, wrong check character
    "320102901307123",  # 15 digits, no real birth date
    "１１０１０５１９４９１２３１００２Ｘ",  # full-width: not what an ID card reader produces
]


@pytest.mark.parametrize("value", RESIDENT_IDS)
def test_values_shaped_like_a_resident_id_number_are_recognised(value):
    assert looks_like_resident_id(value)


@pytest.mark.parametrize("value", EMPLOYEE_NUMBERS)
def test_ordinary_employee_numbers_are_not_taken_for_id_numbers(value):
    assert not looks_like_resident_id(value)


def test_the_service_refuses_an_id_number_as_employee_number(
    nanjing_department, nanjing_supervisor
):
    official = PublicOfficial(
        name="王五", employee_number="11010519491231002X", department=nanjing_department
    )

    with pytest.raises(ValidationError) as refused:
        services.official_save(actor=nanjing_supervisor, official=official)

    assert "employee_number" in refused.value.message_dict
    assert not PublicOfficial.objects.exists()


def test_the_workspace_form_shows_the_error_next_to_the_field(
    login, nanjing_department, nanjing_supervisor
):
    response = login(nanjing_supervisor).post(
        "/workspace/officials/new/",
        {
            "name": "王五",
            "employee_number": "11010519491231002X",
            "department": nanjing_department.pk,
            "position": "处长",
            "active": "on",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["employee_number"]
    assert not PublicOfficial.objects.exists()


def test_the_api_answers_400_on_the_employee_number(nanjing_department, nanjing_supervisor):
    client = APIClient()
    client.force_authenticate(nanjing_supervisor)

    response = client.post(
        "/api/v1/officials/",
        {
            "name": "王五",
            "employee_number": "320102900307123",
            "department": nanjing_department.uscc,
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["employee_number"]
    assert not PublicOfficial.objects.exists()
