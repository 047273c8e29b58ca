"""Every workspace list sorts by its headings: each column it offers, both ways, answers
with the list (and its export) in that order, the sorted heading says so, and an unknown
column is a clear error beside the "Sort by" field, never a server error. The API keeps its
own ``ordering`` parameter and does not take the pages' ``o``."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.builders.debt import make_profile
from tests.builders.procurement import make_project
from tests.builders.records import make_record

pytestmark = pytest.mark.django_db

LISTS = [
    "workspace:department_list",
    "workspace:record_list",
    "workspace:official_list",
    "workspace:commendation_list",
    "workspace:commitment_list",
    "workspace:objection_list",
    "workspace:complaint_list",
    "procurement:project_list",
    "procurement:contract_list",
    "procurement:payment_list",
    "procurement:flag_list",
    "procurement:violation_list",
    "debt:profile_list",
    "debt:assessment_list",
    "debt:warning_list",
    "debt:emergency_list",
    "debt:audit_list",
    "debt:term_list",
    "debt:bond_list",
    "debt:rating_list",
    "evaluations:round_list",
]


@pytest.fixture
def some_rows(nanjing_department, nanjing_supervisor, regions):
    make_record(nanjing_department, actor=nanjing_supervisor)
    make_project(purchaser=nanjing_department)
    make_profile(regions["320100"])


@pytest.mark.parametrize("name", LISTS)
def test_each_offered_column_sorts_both_ways(login, administrator, some_rows, name):
    client = login(administrator)
    url = reverse(name)
    first = client.get(url)
    assert first.status_code == 200
    choices = [value for value, _label in first.context["filter"].form.fields["o"].choices]
    params = [value for value in choices if value and not value.startswith("-")]
    assert params, f"{name} offers no sortable column"

    for param in params:
        for value in (param, f"-{param}"):
            response = client.get(url, {"o": value})
            assert response.status_code == 200, (name, value)
            assert not response.context["filter"].errors, (name, value)
            if not list(response.context["object_list"]):
                continue  # an empty list shows no headings
            page = response.content.decode()
            state = "descending" if value.startswith("-") else "ascending"
            assert f'aria-sort="{state}"' in page, (name, value)


@pytest.mark.parametrize("name", LISTS)
def test_an_unknown_column_is_an_error_beside_the_sort_field(login, administrator, name):
    response = login(administrator).get(reverse(name), {"o": "no_such_column"})

    assert response.status_code == 200
    assert "o" in response.context["filter"].errors


def test_the_export_follows_the_chosen_order(login, administrator, regions):
    from tests.builders.core import DepartmentFactory

    nanjing = regions["320100"]
    for name in ("乙局", "甲局", "丙局"):
        DepartmentFactory(name=name, region=nanjing)
    client = login(administrator)

    response = client.get(reverse("workspace:department_list"), {"o": "-name", "export": "csv"})

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    names = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert names == sorted(names, reverse=True)


def test_the_api_keeps_its_own_ordering_and_refuses_the_pages_o(administrator):
    client = APIClient()
    client.force_authenticate(administrator)

    assert client.get("/api/v1/records/", {"ordering": "-decision_date"}).status_code == 200
    refused = client.get("/api/v1/records/", {"o": "date"})
    assert refused.status_code == 400
    assert "o" in refused.json()
