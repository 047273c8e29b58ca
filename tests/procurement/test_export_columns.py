"""The procurement lists' exports read their rows with one ``values_list()`` query (the fast
path) and still show what the pages show: money with two decimals, labels, Yes/No."""

import csv
import io

import pytest
from django.utils.translation import gettext

from core.exports import Column
from procurement import views
from procurement.models import AcceptanceResult, Contract, Payment

from ..builders.procurement import make_acceptance, make_contract, make_payment, make_project


def label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def csv_rows(response) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize(
    "view", [views.ContractListView, views.PaymentListView, views.ViolationListView]
)
def test_the_converted_lists_export_through_the_fast_path(view):
    columns: list[Column] = view().export_columns()
    assert all(column.source and column.value is None for column in columns)


def test_contract_and_payment_exports_keep_their_cells(login, auditor, purchaser):
    accepted = make_contract(make_project(purchaser, code="NJ-A"), amount="120000.5")
    make_acceptance(accepted)
    make_payment(accepted, amount="60000")
    unaccepted = make_contract(make_project(purchaser, code="NJ-B", sme=False))
    make_payment(unaccepted, amount="1000")
    client = login(auditor)

    contracts = {
        row[gettext("Project code")]: row
        for row in csv_rows(client.get("/workspace/procurement/contracts/", {"export": "csv"}))
    }
    assert contracts["NJ-A"][gettext("Acceptance")] == str(AcceptanceResult.PASSED.label)
    assert contracts["NJ-B"][gettext("Acceptance")] == ""
    assert contracts["NJ-A"][label(Contract, "amount")] == "120000.50"

    payments = {
        row[gettext("Project code")]: row
        for row in csv_rows(client.get("/workspace/procurement/payments/", {"export": "csv"}))
    }
    assert payments["NJ-A"][gettext("SME")] == gettext("Yes")
    assert payments["NJ-B"][gettext("SME")] == gettext("No")
    assert payments["NJ-A"][label(Payment, "amount")] == "60000.00"
    assert payments["NJ-B"][gettext("Supplier")].startswith("测试供应商")
