"""An unpaid instalment past its due date shows its days late and the late interest so far
(to today) everywhere it is listed: the payment list, its CSV/XLSX export and the API. A paid
one keeps the figures stored when it was paid."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils.translation import gettext

from procurement.models import Payment

from ..builders.procurement import (
    make_acceptance,
    make_contract,
    make_paid_project,
    make_payment,
    make_project,
)

pytestmark = pytest.mark.django_db

# Accepted 2026-03-27, SME: 30 days end on Sunday 2026-04-26, so on Monday the 27th (Civil
# Code art. 203).
DUE = datetime.date(2026, 4, 27)


@pytest.fixture
def unpaid(purchaser):
    contract = make_contract(make_project(purchaser, code="NJ-UNPAID"))
    make_acceptance(contract)
    payment = make_payment(contract, amount="100000")
    assert payment.due_date == DUE
    return payment


@pytest.fixture
def paid(purchaser):
    # Paid 2026-05-12, 15 days after the rolled due date.
    payment = make_paid_project(purchaser, paid_days_after_acceptance=46)
    assert (payment.late_days, str(payment.late_interest)) == (15, "750.00")
    return payment


def label(name: str) -> str:
    return str(Payment._meta.get_field(name).verbose_name)


def exported(client, fmt="csv") -> dict[str, dict[str, str]]:
    response = client.get("/workspace/procurement/payments/", {"export": fmt})
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
    else:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
        rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    return {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_an_overdue_unpaid_payment_shows_its_days_and_interest_so_far(
    login, auditor, unpaid, paid, time_machine
):
    time_machine.move_to("2026-05-07 09:00:00+08:00", tick=False)  # 10 days after due
    client = login(auditor)
    paid_code = paid.contract.project.code

    page = client.get("/workspace/procurement/payments/")
    shown = {p.pk: p for p in page.context["object_list"]}
    assert (shown[unpaid.pk].days_so_far, str(shown[unpaid.pk].interest_so_far)) == (10, "500.00")
    assert "500.00" in page.content.decode()

    # CSV holds text; XLSX numbers an auditor can sum (days whole, interest in yuan).
    expected = {"csv": ("10", "500.00", "15", "750.00"), "xlsx": (10, 500, 15, 750)}
    for fmt, (days, interest, paid_days, paid_interest) in expected.items():
        rows = exported(client, fmt)
        assert rows["NJ-UNPAID"][label("late_days")] == days, fmt
        assert rows["NJ-UNPAID"][label("late_interest")] == interest, fmt
        assert rows[paid_code][label("late_days")] == paid_days, fmt
        assert rows[paid_code][label("late_interest")] == paid_interest, fmt

    api = client.get(f"/api/v1/procurement/payments/{unpaid.pk}/").json()
    assert (api["late_days"], api["late_interest"]) == (10, "500.00")
    assert client.get(f"/api/v1/procurement/payments/{paid.pk}/").json()["late_days"] == 15

    # A day later, a day more (0.05% of 100,000 yuan: 50 yuan).
    time_machine.move_to("2026-05-08 09:00:00+08:00", tick=False)
    client = login(auditor)  # a new day's session
    assert exported(client)["NJ-UNPAID"][label("late_interest")] == "550.00"
    api = client.get(f"/api/v1/procurement/payments/{unpaid.pk}/").json()
    assert (api["late_days"], api["late_interest"]) == (11, "550.00")

    # Nothing was written: the stored figures wait for the payment.
    unpaid.refresh_from_db()
    assert (unpaid.late_days, str(unpaid.late_interest)) == (0, "0.00")


def test_a_payment_not_yet_due_shows_nothing_late(login, auditor, unpaid, time_machine):
    time_machine.move_to("2026-04-27 09:00:00+08:00", tick=False)  # the due date itself
    client = login(auditor)
    row = exported(client)["NJ-UNPAID"]
    assert (row[label("late_days")], row[label("late_interest")]) == ("0", "0.00")
    body = client.get("/workspace/procurement/payments/").content.decode()
    assert gettext("so far") not in body
