"""Yearly debt statistics arrive as spreadsheets keyed by (region code, year): any bad row
(unknown region, a figure that is not a number, the same region and year twice) is reported
with its row and column and nothing is saved; a good file recomputes the assessments."""

from decimal import Decimal

import pytest
import tablib
from django.utils import translation

from debt.models import DebtProfile, RiskAssessment
from debt.resources import DebtProfileResource

from ..builders.debt import make_profile

pytestmark = pytest.mark.django_db
D = Decimal

COLUMNS = [
    "region",
    "year",
    "general_limit",
    "special_limit",
    "general_balance",
    "special_balance",
    "financial_capacity",
    "principal_due",
    "interest_due",
    "overdue_amount",
    "new_debt",
]


def row(code="320100", year="2025", **values):
    figures = {
        "general_limit": "600",
        "special_limit": "900",
        "general_balance": "500",
        "special_balance": "700",
        "financial_capacity": "800",
        "principal_due": "90",
        "interest_due": "30",
        "overdue_amount": "",
        "new_debt": "120",
        **values,
    }
    return [code, year, *(figures[name] for name in COLUMNS[2:])]


def run_import(user, *rows, dry_run=False):
    resource = DebtProfileResource(user=user)
    headers = [str(resource.fields[name].column_name) for name in COLUMNS]
    dataset = tablib.Dataset(*rows, headers=headers)
    return resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        user=user,
    )


def errors_of(result) -> str:
    messages = [str(error.error) for _n, errors in result.row_errors() for error in errors]
    for invalid in result.invalid_rows:
        messages.extend(f"{invalid.number}: {m}" for m in invalid.error.messages)
        messages.extend(
            f"{invalid.number}:{field}:{m}" for field, ms in invalid.error_dict.items() for m in ms
        )
    return " | ".join(messages)


def test_a_good_file_creates_profiles_and_computes_their_assessments(province_supervisor):
    result = run_import(
        province_supervisor,
        row("320100", "2024", general_balance="450", special_balance="650"),
        row("320100", "2025"),
        row("320500", "2025", financial_capacity="1,500"),
    )
    assert not result.has_errors() and not result.has_validation_errors(), errors_of(result)
    assert DebtProfile.objects.count() == 3
    nanjing = RiskAssessment.objects.get(profile__region__code="320100", profile__year=2025)
    assert nanjing.debt_ratio == D("150.00")  # 1200 / 800
    assert nanjing.new_debt_ratio == D("10.91")  # 120 / 1100
    suzhou = RiskAssessment.objects.get(profile__region__code="320500")
    assert suzhou.debt_ratio == D("80.00")


def test_a_reimport_updates_the_figures_and_recomputes(province_supervisor, regions):
    profile = make_profile(regions["320100"], 2025, ratio="110")
    assert profile.assessment.grade == "green"

    result = run_import(province_supervisor, row("320100", "2025", general_balance="2000"))

    assert not result.has_validation_errors(), errors_of(result)
    profile.refresh_from_db()
    assert profile.general_balance == D("2000")
    assessment = RiskAssessment.objects.get(profile=profile)
    assert assessment.debt_ratio == D("337.50")
    assert assessment.grade == "red"


def test_an_unknown_region_code_is_a_row_error(province_supervisor):
    result = run_import(province_supervisor, row("320100"), row("329999"))
    assert result.has_validation_errors()
    assert "329999" in errors_of(result)
    assert not DebtProfile.objects.exists()


def test_bad_numbers_are_row_errors_naming_the_value(province_supervisor):
    result = run_import(
        province_supervisor,
        row("320100", general_limit="六百"),
        row("320500", "二〇二五"),
        row("320200", special_balance="-5"),
    )
    text = errors_of(result)
    assert "六百" in text
    assert "二〇二五" in text
    assert "special_balance" in text
    assert not DebtProfile.objects.exists()


def test_a_zero_financial_capacity_is_refused(province_supervisor):
    result = run_import(province_supervisor, row("320100", financial_capacity="0"))
    assert "financial_capacity" in errors_of(result)
    assert not DebtProfile.objects.exists()


def test_the_same_region_and_year_twice_is_refused(province_supervisor):
    result = run_import(province_supervisor, row("320100", "2025"), row("320100", "2025"))
    assert result.has_validation_errors()
    assert "320100" in errors_of(result)
    assert not DebtProfile.objects.exists()


def test_one_bad_row_saves_nothing_and_changes_nothing(province_supervisor, regions):
    profile = make_profile(regions["320100"], 2025, ratio="110")
    result = run_import(
        province_supervisor,
        row("320100", "2025", general_balance="999"),
        row("320200", "2025"),
        row("320300", "2025", interest_due="n/a"),
    )
    assert result.has_validation_errors()
    profile.refresh_from_db()
    assert profile.general_balance == D("110")
    assert DebtProfile.objects.count() == 1
    assert RiskAssessment.objects.get(profile=profile).debt_ratio == D("110.00")


def test_a_region_outside_the_importers_scope_is_unknown(nanjing_supervisor):
    result = run_import(nanjing_supervisor, row("320500"))
    assert "320500" in errors_of(result)
    assert not DebtProfile.objects.exists()


def test_the_admin_import_needs_the_import_permission(auditor, nanjing_supervisor, login):
    assert login(auditor).get("/admin/debt/debtprofile/import/").status_code == 403
    assert login(nanjing_supervisor).get("/admin/debt/debtprofile/import/").status_code == 200


def run_import_with_published(user, *cells):
    """One profile a row, each with the given cell in the "published" column."""
    resource = DebtProfileResource(user=user)
    headers = [str(resource.fields[name].column_name) for name in [*COLUMNS, "published"]]
    codes = ["320100", "320200", "320300", "320400", "320500", "320600", "320700", "320800"]
    rows = [[*row(code), cell] for code, cell in zip(codes, cells, strict=False)]
    return resource.import_data(
        tablib.Dataset(*rows, headers=headers),
        dry_run=False,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        user=user,
    )


def test_the_published_column_reads_yes_and_no_in_chinese_english_and_digits(
    province_supervisor,
):
    result = run_import_with_published(
        province_supervisor, "是", "否", "YES", "no", "True", "false", 1, 0
    )

    assert not result.has_validation_errors(), errors_of(result)
    published = dict(DebtProfile.objects.values_list("region__code", "published"))
    assert published == {
        "320100": True,
        "320200": False,
        "320300": True,
        "320400": False,
        "320500": True,
        "320600": False,
        "320700": True,
        "320800": False,
    }


def test_an_empty_published_cell_publishes_the_profile(province_supervisor):
    result = run_import_with_published(province_supervisor, "")
    assert not result.has_validation_errors(), errors_of(result)
    assert DebtProfile.objects.get().published is True


def test_a_published_cell_that_is_not_yes_or_no_is_a_row_error(province_supervisor):
    with translation.override("en"):
        result = run_import_with_published(province_supervisor, "是", "maybe")

    assert [invalid.number for invalid in result.invalid_rows] == [2]
    assert "“maybe” is not yes or no" in errors_of(result)
    assert not DebtProfile.objects.exists()
