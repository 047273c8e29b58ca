"""The public procurement pages and the OCDS release of a project."""

import datetime

import pytest
from django.core.cache import cache

from procurement.models import RedFlag

from ..builders.procurement import make_acceptance, make_contract, make_payment, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(purchaser):
    project = make_project(purchaser, code="PUB-1", award_amount="90000.50")
    contract = make_contract(project, amount="90000.50", supplementary="5000")
    acceptance = make_acceptance(contract)
    make_payment(contract, amount="50000", paid=acceptance.acceptance_date, sequence=1)
    make_payment(
        contract,
        amount="45000.50",
        paid=acceptance.acceptance_date + datetime.timedelta(days=40),
        sequence=2,
    )
    return project


def test_the_ocds_release_has_buyer_tender_awards_contracts_and_transactions(client, project):
    response = client.get(f"/public/procurement/{project.pk}.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    package = response.json()
    assert package["version"] == "1.1"
    [release] = package["releases"]
    assert release["ocid"] == f"ocds-chengxin-{project.pk}"
    assert release["tag"] == ["tender", "award", "contract", "implementation"]
    buyer = release["buyer"]
    assert buyer == {"id": f"CN-SAMR-{project.purchaser.uscc}", "name": project.purchaser.name}
    roles = {party["id"]: party["roles"] for party in release["parties"]}
    assert "buyer" in roles[buyer["id"]]
    assert release["tender"]["procurementMethod"] == "open"
    assert release["tender"]["value"] == {"amount": 100000.0, "currency": "CNY"}
    [award] = release["awards"]
    assert award["value"]["amount"] == 90000.5
    assert award["suppliers"][0]["id"] == f"CN-SAMR-{project.supplier.uscc}"
    [contract] = release["contracts"]
    assert contract["awardID"] == award["id"]
    assert contract["value"]["amount"] == 95000.5  # with the supplementary contracts
    transactions = contract["implementation"]["transactions"]
    assert [t["value"]["amount"] for t in transactions] == [50000.0, 45000.5]
    assert transactions[0]["payer"] == buyer
    assert transactions[0]["payee"]["id"] == award["suppliers"][0]["id"]
    assert transactions[0]["date"].startswith(str(project.contract.acceptance.acceptance_date))


def test_a_project_only_noticed_has_a_tender_and_nothing_else(client, purchaser):
    noticed = make_project(purchaser, award_date=None)
    release = client.get(f"/public/procurement/{noticed.pk}.json").json()["releases"][0]
    assert release["tag"] == ["tender"]
    assert release["awards"] == [] and release["contracts"] == []


def test_public_pages_show_awards_and_the_on_time_rate_but_no_flags(client, project):
    purchaser = project.purchaser
    assert RedFlag.objects.filter(payment__contract__project=project).exists()
    page = client.get(f"/public/procurement/purchasers/{purchaser.uscc}/")
    assert page.status_code == 200
    assert page.context["punctuality"]["on_time_rate"] == 50  # one of two paid in time
    body = client.get(f"/public/procurement/projects/{project.pk}/").content.decode()
    assert "PUB-1" in body
    assert RedFlag.objects.first().describe() not in body
    index = client.get("/public/procurement/")
    assert index.status_code == 200
    assert purchaser.name in index.content.decode()
    # The public navigation's procurement slot is now a link.
    assert 'href="/public/procurement/"' in client.get("/public/").content.decode()


def test_a_department_without_procurement_has_no_public_purchaser_page(client, other_purchaser):
    assert client.get(f"/public/procurement/purchasers/{other_purchaser.uscc}/").status_code == 404


def test_the_release_changes_when_a_payment_is_recorded(client, purchaser, time_machine):
    project = make_project(purchaser)
    make_acceptance(make_contract(project))

    def release():
        cache.clear()  # the public cache is bumped on commit, which a test never reaches
        return client.get(f"/public/procurement/{project.pk}.json").json()["releases"][0]

    before = release()
    time_machine.move_to("2026-11-21 09:30:00+08:00", tick=False)
    make_payment(project.contract, amount="1000", paid=datetime.date(2026, 11, 21))
    after = release()
    assert after["id"] != before["id"]
    # Id and date are the same moment, in the portal's time zone (Asia/Shanghai).
    assert after["id"] == f"ocds-chengxin-{project.pk}-20261121093000"
    assert after["date"] == "2026-11-21T09:30:00+08:00"
