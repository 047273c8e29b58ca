"""The largest amount a procurement field allows (9,999,999,999,999.99 yuan: 15 significant
digits) goes in and comes out to the cent through every way in and out: the workspace form,
the spreadsheet import, the API, the exports and the open data. One cent more is refused with
a clear error everywhere and saves nothing."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.utils.translation import gettext

from procurement.models import Contract, ProcurementProject
from procurement.resources import ProjectResource

from ..builders.procurement import make_contract, make_project, make_supplier
from .test_import import errors_by_row, project_row, run

pytestmark = pytest.mark.django_db

LARGEST = "9999999999999.99"
TOO_LARGE = "10000000000000.00"


def stored_budget(code):
    return ProcurementProject.objects.values_list("budget", flat=True).get(code=code)


def form_data(purchaser, code, budget):
    return {
        "purchaser": purchaser.pk,
        "code": code,
        "title": "最大金额",
        "method": "open_tender",
        "budget": budget,
        "notice_date": "2026-05-01",
    }


def test_the_workspace_form_keeps_the_largest_budget_and_refuses_one_cent_more(
    login, nanjing_supervisor, purchaser
):
    client = login(nanjing_supervisor)
    response = client.post(
        "/workspace/procurement/projects/new/", form_data(purchaser, "MAX-F", LARGEST)
    )
    assert response.status_code == 302, response.context["form"].errors
    assert stored_budget("MAX-F") == Decimal(LARGEST)

    response = client.post(
        "/workspace/procurement/projects/new/", form_data(purchaser, "BIG-F", TOO_LARGE)
    )
    assert response.status_code == 200
    assert "budget" in response.context["form"].errors
    assert not ProcurementProject.objects.filter(code="BIG-F").exists()


def test_an_import_keeps_the_largest_amount_and_refuses_one_cent_more(
    nanjing_supervisor, purchaser
):
    supplier = make_supplier()
    rows = [project_row(purchaser, supplier, code="MAX-I", budget=LARGEST, award_amount=LARGEST)]
    result = run(ProjectResource(user=nanjing_supervisor), rows, nanjing_supervisor)
    assert not result.has_errors() and not result.has_validation_errors()
    project = ProcurementProject.objects.get(code="MAX-I")
    assert (project.budget, project.award_amount) == (Decimal(LARGEST), Decimal(LARGEST))

    rows = [
        project_row(purchaser, supplier, code="OK-I"),
        project_row(purchaser, supplier, code="BIG-I", budget=TOO_LARGE),
    ]
    result = run(ProjectResource(user=nanjing_supervisor), rows, nanjing_supervisor)
    assert set(errors_by_row(result)) == {2}
    assert "budget" in errors_by_row(result)[2]
    assert not ProcurementProject.objects.filter(code__in=["OK-I", "BIG-I"]).exists()


def test_the_api_takes_and_returns_the_largest_budget_and_refuses_one_cent_more(
    login, nanjing_supervisor, purchaser
):
    client = login(nanjing_supervisor)
    data = {
        "purchaser": purchaser.uscc,
        "code": "MAX-A",
        "title": "接口项目",
        "method": "inquiry",
        "budget": LARGEST,
        "notice_date": "2026-11-01",
    }
    created = client.post("/api/v1/procurement/projects/", data, content_type="application/json")
    assert created.status_code == 201, created.content
    assert stored_budget("MAX-A") == Decimal(LARGEST)
    read = client.get(f"/api/v1/procurement/projects/{created.json()['id']}/")
    assert Decimal(str(read.json()["budget"])) == Decimal(LARGEST)

    data.update(code="BIG-A", budget=TOO_LARGE)
    refused = client.post("/api/v1/procurement/projects/", data, content_type="application/json")
    assert refused.status_code == 400
    assert "budget" in refused.json()
    assert not ProcurementProject.objects.filter(code="BIG-A").exists()


def test_the_workspace_export_writes_the_largest_contract_amount_to_the_cent(
    login, auditor, purchaser
):
    project = make_project(purchaser, code="MAX-E", budget=LARGEST, award_amount=LARGEST)
    make_contract(project, amount=LARGEST)
    response = login(auditor).get("/workspace/procurement/contracts/", {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = [r for r in csv.DictReader(io.StringIO(text)) if r[gettext("Project code")] == "MAX-E"]
    assert row[str(Contract._meta.get_field("amount").verbose_name)] == LARGEST


def test_the_open_data_release_gives_the_largest_amount_exactly(client, purchaser):
    noticed = make_project(purchaser, budget=LARGEST, award_date=None)
    body = client.get(f"/public/procurement/{noticed.pk}.json").content.decode()
    assert f'"amount": {LARGEST},' in body
    value = json.loads(body, parse_float=Decimal)["releases"][0]["tender"]["value"]
    assert value == {"amount": Decimal(LARGEST), "currency": "CNY"}
