"""XLSX exports keep numbers as numbers, so an auditor can sum and sort amounts, while codes
that only look like numbers (credit codes, region codes, employee numbers) stay text. CSV has
no types and is unchanged."""

import io
from decimal import Decimal

import openpyxl
import pytest

from core.exports import numeric_columns
from core.models import Department
from debt.models import DebtProfile

from ..builders.core import DepartmentFactory
from ..builders.debt import make_profile

pytestmark = pytest.mark.django_db


def sheet_of(response):
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows()]


def test_an_xlsx_export_holds_amounts_and_years_as_numbers_and_codes_as_text(
    regions, auditor, login
):
    make_profile(regions["320100"], year=2025, general_balance=Decimal("1234.56"))
    rows = sheet_of(login(auditor).get("/workspace/debt/profiles/?export=xlsx"))
    header = [cell.value for cell in rows[0]]
    data = {header[index]: cell for index, cell in enumerate(rows[1])}

    year = data[next(name for name in header if name in ("年度", "Year"))]
    assert year.data_type == "n" and year.value == 2025
    balance = next(cell for cell in rows[1] if cell.value == pytest.approx(1234.56))
    assert balance.data_type == "n"
    # Shown with the field's own decimal places (amounts are kept to 4, in 100 million yuan).
    places = DebtProfile._meta.get_field("general_balance").decimal_places
    assert balance.number_format == "#,##0." + "0" * places
    code = data[next(name for name in header if name in ("行政区划代码", "Region code"))]
    assert code.data_type == "s" and code.value == "320100"


def test_the_csv_export_of_the_same_list_is_unchanged_text(regions, auditor, login):
    make_profile(regions["320100"], year=2025, general_balance=Decimal("1234.56"))
    response = login(auditor).get("/workspace/debt/profiles/?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "1234.56" in text
    assert "320100" in text


def test_only_plain_numeric_fields_count_as_numbers(regions):
    from core.exports import Column

    DepartmentFactory(region=regions["320100"])
    columns = [
        Column.field("code", "uscc"),  # a text field, even when all digits
        Column.field("region", "region"),  # a foreign key
        Column.field("id", "id"),  # the primary key
        Column.field("kind", "kind"),  # a choice field
    ]
    assert numeric_columns(Department.objects.all(), columns) == {}
    profile_columns = [
        Column.field("year", "year"),
        Column.field("balance", "general_balance"),
        Column.field("balance, converted", "general_balance", convert=str),
        Column.field("region code", "region__code"),
    ]
    assert numeric_columns(DebtProfile.objects.all(), profile_columns) == {
        0: 0,
        1: DebtProfile._meta.get_field("general_balance").decimal_places,
    }
