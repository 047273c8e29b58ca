"""The debt lists' exports read their rows with one ``values_list()`` query (the fast path),
and the pages' tables, built from the same columns, still show the same values."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils.translation import gettext

from debt import views

from ..builders.debt import make_profile


def csv_rows(response) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize(
    "view",
    [
        views.ProfileListView,
        views.AssessmentListView,
        views.WarningListView,
        views.EmergencyListView,
        views.AuditListView,
        views.TermListView,
        views.BondListView,
        views.RatingListView,
    ],
)
def test_every_debt_list_exports_through_the_fast_path(view):
    assert all(column.source and column.value is None for column in view().export_columns())


def test_profile_and_assessment_exports_show_the_grade_and_the_limit_breach(
    login, auditor, regions
):
    make_profile(regions["320100"], ratio=250)  # orange
    make_profile(regions["320500"], general_balance=Decimal("700"))  # above its limit
    client = login(auditor)

    profiles = {
        row[gettext("Region")]: row
        for row in csv_rows(client.get("/workspace/debt/profiles/", {"export": "csv"}))
    }
    assessments = {
        row[gettext("Region")]: row
        for row in csv_rows(client.get("/workspace/debt/assessments/", {"export": "csv"}))
    }

    from debt.models import Grade

    assert profiles["南京市"][gettext("Grade")] == str(Grade.ORANGE.label)
    assert assessments["南京市"][gettext("Balance above limit")] == gettext("No")
    assert assessments["苏州市"][gettext("Balance above limit")] == gettext("Yes")
    page = client.get("/workspace/debt/assessments/").content.decode()
    assert gettext("Yes") in page and str(Grade.ORANGE.label) in page
