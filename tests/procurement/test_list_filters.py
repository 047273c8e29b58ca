"""The workspace lists' filters (stage, open red flags, late payments, region), as an
official uses them: the page and its export list the same rows."""

import csv
import datetime
import io

import pytest

from procurement.models import FlagStatus, RedFlag

from ..builders.clock import at
from ..builders.procurement import make_acceptance, make_contract, make_payment, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(purchaser, suzhou_purchaser, jiangning_department):
    """One project at each stage (today is 20 November 2026, the awards were in March):

    * NOTICED: no award yet.
    * AWARDED: awarded, no contract: flagged (still not signed).
    * CONTRACTED: signed and filed in time, not accepted.
    * ACCEPTED: accepted, its payment (to a large company, so no SME flag) unpaid and
      overdue.
    * PAID: paid on time.
    * PAID-LATE: an SME paid 45 days after acceptance: flagged and late.
    * JN-1 (a county below Nanjing) and SZ-1 (Suzhou): noticed only.
    """
    make_project(purchaser, code="NOTICED", award_date=None)
    make_project(purchaser, code="AWARDED")
    make_contract(make_project(purchaser, code="CONTRACTED"))
    accepted = make_contract(make_project(purchaser, code="ACCEPTED", sme=False))
    make_acceptance(accepted)
    make_payment(accepted)
    paid(purchaser, "PAID", days_after_acceptance=10)
    paid(purchaser, "PAID-LATE", days_after_acceptance=45)
    make_project(jiangning_department, code="JN-1", award_date=None)
    make_project(suzhou_purchaser, code="SZ-1", award_date=None)


def paid(purchaser, code, *, days_after_acceptance):
    contract = make_contract(make_project(purchaser, code=code))
    acceptance = make_acceptance(contract)
    make_payment(
        contract,
        paid=acceptance.acceptance_date + datetime.timedelta(days=days_after_acceptance),
    )


def exported_codes(client, url, column=0):
    response = client.get(url + ("&" if "?" in url else "?") + "export=csv")
    assert response.status_code == 200, url
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return sorted(row[column] for row in list(csv.reader(io.StringIO(text)))[1:])


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return sorted(project.code for project in response.context["object_list"])


@pytest.mark.parametrize(
    ("stage", "codes"),
    [
        ("noticed", ["JN-1", "NOTICED"]),
        ("awarded", ["AWARDED"]),
        ("contracted", ["CONTRACTED"]),
        ("accepted", ["ACCEPTED"]),
        ("paid", ["PAID", "PAID-LATE"]),
    ],
)
def test_the_project_list_filters_by_stage(login, nanjing_supervisor, projects, stage, codes):
    client = login(nanjing_supervisor)
    url = f"/workspace/procurement/projects/?stage={stage}"
    assert listed(client, url) == codes
    assert exported_codes(client, url) == codes


def test_the_project_list_filters_by_open_red_flags(login, nanjing_supervisor, projects):
    client = login(nanjing_supervisor)
    assert listed(client, "/workspace/procurement/projects/?flagged=true") == [
        "AWARDED",
        "PAID-LATE",
    ]
    # A decided flag no longer counts as open.
    flag = RedFlag.objects.get(project__code="AWARDED")
    flag.status = FlagStatus.DISMISSED
    flag.reason = "合同已线下签订，补录中"
    flag.save()
    assert listed(client, "/workspace/procurement/projects/?flagged=true") == ["PAID-LATE"]
    assert "AWARDED" in listed(client, "/workspace/procurement/projects/?flagged=false")


def test_the_payment_list_filters_late_payments(login, nanjing_supervisor, projects):
    client = login(nanjing_supervisor)
    # Late: paid after its due date, or unpaid and past it today.
    assert exported_codes(client, "/workspace/procurement/payments/?late=true") == [
        "ACCEPTED",
        "PAID-LATE",
    ]
    assert exported_codes(client, "/workspace/procurement/payments/?late=false") == ["PAID"]


def test_an_unpaid_payment_not_yet_due_is_not_late(
    login, nanjing_supervisor, purchaser, time_machine
):
    contract = make_contract(make_project(purchaser, code="NOT-DUE"))
    acceptance = make_acceptance(contract)
    make_payment(contract)
    # The last day to pay: due today, not late yet.
    time_machine.move_to(at(acceptance.acceptance_date + datetime.timedelta(days=30)), tick=False)
    client = login(nanjing_supervisor)
    assert exported_codes(client, "/workspace/procurement/payments/?late=true") == []
    assert exported_codes(client, "/workspace/procurement/payments/?late=false") == ["NOT-DUE"]


def test_the_region_filter_includes_the_regions_below(
    login, province_supervisor, regions, projects
):
    client = login(province_supervisor)
    nanjing = regions["320100"].pk
    suzhou = regions["320500"].pk
    jiangning = regions["320115"].pk
    assert "JN-1" in listed(client, f"/workspace/procurement/projects/?region={nanjing}")
    assert "SZ-1" not in listed(client, f"/workspace/procurement/projects/?region={nanjing}")
    assert listed(client, f"/workspace/procurement/projects/?region={suzhou}") == ["SZ-1"]
    assert exported_codes(client, f"/workspace/procurement/projects/?region={jiangning}") == [
        "JN-1"
    ]
    assert exported_codes(
        client, f"/workspace/procurement/contracts/?region={nanjing}", column=0
    ) == ["ACCEPTED", "CONTRACTED", "PAID", "PAID-LATE"]
    assert exported_codes(client, f"/workspace/procurement/contracts/?region={suzhou}") == []


def test_a_supervisor_cannot_filter_by_a_region_outside_their_scope(
    login, nanjing_supervisor, regions, projects
):
    response = login(nanjing_supervisor).get(
        f"/workspace/procurement/projects/?region={regions['320500'].pk}"
    )
    # Not offered, so not a valid choice: the form says so and nothing of Suzhou shows.
    assert response.context["filter"].form.errors["region"]
    assert "SZ-1" not in response.content.decode()
