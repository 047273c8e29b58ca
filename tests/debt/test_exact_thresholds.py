"""Thresholds decided on exact values, on every path: the grade of a debt ratio that reads
120.00 but is 119.995 % is green on the pages, in the API, in the export and for the warning
drafter; and a balance above its approved limit drafts a warning on that ground whatever the
grade (地方政府债务余额不得突破批准的限额: 预算法 art. 35, 财预〔2015〕225号)."""

import csv
import io
from decimal import Decimal

import pytest

from debt import services
from debt.models import Grade, RiskWarning, WarningGround, WarningKind, WarningStatus

from ..builders.debt import make_profile

pytestmark = pytest.mark.django_db
D = Decimal


# --- 119.995 % reads 120.00 and is green ------------------------------------------------------


@pytest.fixture
def just_below(regions):
    """Nanjing 2025: balance 119.995 on a capacity of 100, a debt ratio of 119.995 % (below the
    default 120 % line), after a green 2024."""
    make_profile(regions["320100"], 2024, ratio="100")
    return make_profile(regions["320100"], 2025, ratio="119.995")


def test_a_ratio_just_below_the_line_is_stored_rounded_and_graded_green(just_below):
    assert just_below.assessment.debt_ratio == D("120.00")
    assert just_below.assessment.grade == Grade.GREEN
    # Green is no crossing: nothing is drafted.
    assert not RiskWarning.objects.exists()


def test_a_ratio_just_above_the_line_that_reads_the_same_is_yellow_and_drafts(regions):
    make_profile(regions["320100"], 2024, ratio="100")
    profile = make_profile(regions["320100"], 2025, ratio="120.004")
    assert (profile.assessment.debt_ratio, profile.assessment.grade) == (D("120.00"), Grade.YELLOW)
    warning = RiskWarning.objects.get()
    assert (warning.ground, warning.grade) == (WarningGround.RISK_GRADE, Grade.YELLOW)


def test_the_api_shows_the_rounded_ratio_with_the_exact_grade(
    login, nanjing_supervisor, just_below
):
    response = login(nanjing_supervisor).get(f"/api/v1/debt/profiles/{just_below.pk}/")
    assert response.status_code == 200
    assessment = response.json()["assessment"]
    assert (assessment["debt_ratio"], assessment["grade"]) == ("120.00", "green")


def test_the_region_page_shows_the_rounded_ratio_as_green(login, nanjing_supervisor, just_below):
    response = login(nanjing_supervisor).get("/workspace/debt/regions/320100/")
    assert response.status_code == 200
    latest = response.context["latest"]
    assert (latest.assessment.debt_ratio, latest.assessment.grade) == (D("120.00"), "green")


def test_the_assessment_export_has_the_rounded_ratio_and_the_green_grade(
    login, nanjing_supervisor, just_below
):
    response = login(nanjing_supervisor).get(
        "/workspace/debt/assessments/", {"export": "csv", "year": "2025"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, [row] = rows[0], rows[1:]
    [ratio_column] = [name for name in header if name.startswith("债务率")]
    assert row[header.index(ratio_column)] == "120.00"
    assert row[header.index("等级")] == "绿色"


# --- A balance above its approved limit -------------------------------------------------------


def test_a_green_region_above_its_limit_gets_a_draft_warning_on_that_ground(
    regions, province_supervisor
):
    # Ratio 50 % (green); general balance 50 on a general limit of 49.99.
    profile = make_profile(
        regions["320100"], 2025, ratio="50", general_limit=D("49.99"), special_limit=D("10")
    )
    assert profile.assessment.grade == Grade.GREEN

    warning = RiskWarning.objects.get()
    assert warning.ground == WarningGround.LIMIT_EXCEEDED
    assert (warning.status, warning.automatic, warning.kind) == (
        WarningStatus.DRAFT,
        True,
        WarningKind.WARNING,
    )
    assert warning.profile == profile and warning.grade == Grade.GREEN
    assert "49.99" in warning.reason
    assert warning.get_ground_display()  # a translated label
    # The office above, which issues it, is told.
    assert province_supervisor.notifications.filter(url__contains=f"/{warning.pk}/").exists()

    # However often it is recomputed, one draft.
    services.assessment_compute(profile=profile, actor=None)
    assert RiskWarning.objects.count() == 1


def test_a_balance_equal_to_its_limit_drafts_nothing(regions):
    make_profile(regions["320100"], 2025, ratio="50", general_limit=D("50"), special_limit=D("0"))
    assert not RiskWarning.objects.exists()


def test_a_special_balance_above_its_limit_is_named(regions):
    make_profile(
        regions["320100"],
        2025,
        general_balance=D("7.77"),
        general_limit=D("8.88"),
        special_balance=D("20.0001"),
        special_limit=D("20"),
        financial_capacity=D("1000"),  # a ratio of 2.78 %, no figure like the general ones
    )
    warning = RiskWarning.objects.get(ground=WarningGround.LIMIT_EXCEEDED)
    assert "20.0001" in warning.reason
    # The general balance is within its limit: it is not named.
    assert "7.77" not in warning.reason and "8.88" not in warning.reason


def test_a_grade_crossing_and_a_limit_breach_draft_one_warning_each(regions):
    make_profile(regions["320100"], 2024, ratio="100")
    profile = make_profile(regions["320100"], 2025, ratio="205", general_limit=D("200"))

    drafts = RiskWarning.objects.filter(profile=profile)
    assert sorted(drafts.values_list("ground", "grade")) == [
        (WarningGround.RISK_GRADE, Grade.ORANGE),
        (WarningGround.LIMIT_EXCEEDED, Grade.ORANGE),
    ]


def test_a_newer_years_limit_draft_withdraws_only_the_older_limit_draft(regions):
    nanjing = regions["320100"]
    make_profile(nanjing, 2024, ratio="130", general_limit=D("100"))  # yellow and above limit
    make_profile(nanjing, 2025, ratio="50", general_limit=D("40"))  # green, still above limit

    older_limit = RiskWarning.objects.get(profile__year=2024, ground=WarningGround.LIMIT_EXCEEDED)
    older_grade = RiskWarning.objects.get(profile__year=2024, ground=WarningGround.RISK_GRADE)
    newer_limit = RiskWarning.objects.get(profile__year=2025, ground=WarningGround.LIMIT_EXCEEDED)
    assert older_limit.status == WarningStatus.WITHDRAWN
    assert newer_limit.title in older_limit.closing_note
    # The 2024 grade draft is another ground: the 2025 limit draft does not speak for it.
    assert older_grade.status == WarningStatus.DRAFT
    assert newer_limit.status == WarningStatus.DRAFT
