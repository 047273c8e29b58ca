"""Debt spreadsheets as officials really send them: .xlsx files whose empty cells openpyxl
reads as None, uploaded through the admin's import form, and the admin's own export
imported back unchanged."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile

from debt import resources
from debt.models import BondIssue, CreditRating, DebtProfile
from debt.resources import BondIssueResource, CreditRatingResource, DebtProfileResource

from ..builders.debt import make_profile

pytestmark = pytest.mark.django_db
D = Decimal
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_file(resource, rows, name="data.xlsx"):
    """An .xlsx with the resource's column headers; None leaves a cell empty."""
    book = openpyxl.Workbook()
    sheet = book.active
    names = list(rows[0])
    sheet.append([str(resource.fields[name].column_name) for name in names])
    for row in rows:
        sheet.append([row[name] for name in names])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), XLSX_TYPE)


def format_index(model, title, *, export=False):
    model_admin = admin.site._registry[model]
    formats = model_admin.get_export_formats() if export else model_admin.get_import_formats()
    return str([file_format().get_title() for file_format in formats].index(title))


def admin_import(client, model, upload):
    """Upload (the dry-run preview), then confirm it as the rendered form has it."""
    url = f"/admin/debt/{model._meta.model_name}/"
    preview = client.post(
        f"{url}import/",
        {"resource": "0", "format": format_index(model, "xlsx"), "import_file": upload},
    )
    assert preview.status_code == 200
    result = preview.context.get("result")
    assert result is not None, preview.content[:2000]
    errors = [str(e.error) for _n, row in result.row_errors() for e in row]
    errors += [str(row.error) for row in result.invalid_rows]
    assert not errors, errors
    form = preview.context["confirm_form"]
    response = client.post(
        f"{url}process_import/", {name: form.initial[name] for name in form.fields}
    )
    assert response.status_code == 302, response.content[:2000]
    return response


def admin_export_xlsx(client, model, resource_class):
    url = f"/admin/debt/{model._meta.model_name}/export/"
    prefix = resource_class.__name__.lower()
    data = {"format": format_index(model, "xlsx", export=True), "resource": "0"}
    data.update({f"{prefix}_{name}": "on" for name in resource_class().fields})
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return SimpleUploadedFile("export.xlsx", response.content, XLSX_TYPE)


PROFILE = {
    "region": "320100",
    "year": 2025,
    "general_limit": 600,
    "special_limit": 900,
    "general_balance": 500,
    "special_balance": 700,
    "financial_capacity": 800,
    "principal_due": 90,
    "interest_due": 30,
    "overdue_amount": None,
    "new_debt": 120,
    "published": None,
    "notes": None,
}


def test_an_xlsx_profile_with_empty_optional_cells_imports_through_the_admin(
    login, province_supervisor
):
    upload = xlsx_file(DebtProfileResource(), [PROFILE, {**PROFILE, "region": "320500"}])

    admin_import(login(province_supervisor), DebtProfile, upload)

    profile = DebtProfile.objects.get(region__code="320100", year=2025)
    assert profile.notes == ""
    assert profile.overdue_amount == D("0")
    assert profile.published is True
    assert DebtProfile.objects.count() == 2


def test_an_xlsx_bond_without_purpose_or_project_imports_through_the_admin(
    login, province_supervisor
):
    bond = {
        "code": "2025JS0001",
        "region": "320100",
        "name": "2025年江苏省政府一般债券（一期）",
        "bond_type": "general",
        "amount": 12.5,
        "rate": 2.1,
        "issue_date": date(2025, 3, 1),
        "maturity_date": date(2035, 3, 1),
        "purpose": None,
        "project": None,
    }
    admin_import(login(province_supervisor), BondIssue, xlsx_file(BondIssueResource(), [bond]))

    saved = BondIssue.objects.get(code="2025JS0001")
    assert (saved.purpose, saved.project) == ("", "")


def test_an_xlsx_rating_without_notes_imports_through_the_admin(login, province_supervisor):
    rating = {
        "region": "320100",
        "agency": "中诚信国际",
        "rating": "AAA",
        "outlook": "stable",
        "rated_on": date(2025, 6, 1),
        "notes": None,
    }
    upload = xlsx_file(CreditRatingResource(), [rating])
    admin_import(login(province_supervisor), CreditRating, upload)

    assert CreditRating.objects.get(agency="中诚信国际").notes == ""


def test_the_admins_own_xlsx_export_imports_back_unchanged(login, province_supervisor, regions):
    make_profile(regions["320100"], 2024, notes="")
    make_profile(regions["320500"], 2025, notes="已核对", published=False)
    CreditRating.objects.create(
        region=regions["320100"], agency="联合资信", rating="AA+", rated_on=date(2025, 5, 1)
    )
    client = login(province_supervisor)
    profiles = admin_export_xlsx(client, DebtProfile, DebtProfileResource)
    ratings = admin_export_xlsx(client, CreditRating, CreditRatingResource)
    before = list(DebtProfile.objects.order_by("pk").values())

    admin_import(client, DebtProfile, profiles)
    admin_import(client, CreditRating, ratings)

    assert list(DebtProfile.objects.order_by("pk").values()) == before
    assert CreditRating.objects.get().notes == ""


@pytest.mark.parametrize(
    "resource_class",
    [
        DebtProfileResource,
        BondIssueResource,
        CreditRatingResource,
        resources.EmergencyEventResource,
        resources.DebtAuditResource,
        resources.TermAssessmentResource,
    ],
)
def test_every_optional_text_column_reads_an_empty_cell_as_empty_text(resource_class):
    """Covers the columns no test above fills in (actions taken, accountability, comments)."""
    model = resource_class._meta.model
    for field in resource_class().get_import_fields():
        if field.readonly:
            continue
        model_field = model._meta.get_field(field.attribute)
        if model_field.get_internal_type() in ("CharField", "TextField") and model_field.blank:
            assert field.clean({field.column_name: None}) == "", field.attribute
