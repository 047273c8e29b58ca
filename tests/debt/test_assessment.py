"""Saving a debt profile computes its risk assessment, with the inputs and thresholds used;
crossing into a worse grade drafts one warning; a balance above its limit is flagged."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils.translation import gettext

from debt import services
from debt.models import DebtProfile, Grade, RiskAssessment, RiskWarning, WarningStatus

from ..builders.debt import make_profile

pytestmark = pytest.mark.django_db
D = Decimal


def test_saving_a_profile_computes_and_stores_its_assessment(regions, nanjing_supervisor):
    make_profile(regions["320100"], 2024, general_balance=D("60"), special_balance=D("65"))
    profile = make_profile(regions["320100"], 2025, actor=nanjing_supervisor)

    assessment = RiskAssessment.objects.get(profile=profile)
    assert assessment.debt_ratio == D("162.50")
    assert assessment.debt_service_ratio == D("15.00")
    assert assessment.new_debt_ratio == D("16.00")  # 20 / (60 + 65)
    assert assessment.grade == Grade.YELLOW
    # The inputs and thresholds it used are kept with it.
    assert assessment.total_balance == D("130")
    assert assessment.financial_capacity == D("80")
    assert assessment.previous_balance == D("125")
    assert (assessment.yellow_threshold, assessment.orange_threshold, assessment.red_threshold) == (
        D("120"),
        D("200"),
        D("300"),
    )
    assert assessment.computed_by == nanjing_supervisor
    assert assessment.history.count() == 1


def test_a_later_previous_year_recomputes_the_following_years_new_debt_ratio(regions):
    later = make_profile(regions["320100"], 2025)
    assert later.assessment.new_debt_ratio is None

    make_profile(regions["320100"], 2024, general_balance=D("100"), special_balance=D("0"))

    later.assessment.refresh_from_db()
    assert later.assessment.new_debt_ratio == D("20.00")


def test_a_balance_above_its_approved_limit_is_flagged(regions):
    profile = make_profile(regions["320500"], general_limit=D("49.99"))

    assert profile.assessment.general_limit_breached
    assert not profile.assessment.special_limit_breached
    assert profile.assessment.limit_breached


def test_crossing_into_a_worse_grade_drafts_one_warning(
    regions, nanjing_supervisor, province_supervisor
):
    nanjing = regions["320100"]
    make_profile(nanjing, 2024, ratio="110")
    assert not RiskWarning.objects.exists()

    profile = make_profile(nanjing, 2025, ratio="205")
    warning = RiskWarning.objects.get()
    assert warning.status == WarningStatus.DRAFT
    assert warning.automatic
    assert (warning.region, warning.profile, warning.grade) == (nanjing, profile, Grade.ORANGE)
    assert "205.00" in warning.reason
    # The office above the region, which issues it, is told a draft waits for it.
    assert province_supervisor.notifications.filter(url__contains=f"/{warning.pk}/").exists()
    assert not nanjing_supervisor.notifications.exists()

    # Recomputing (any number of times) drafts nothing more.
    services.assessment_compute(profile=profile, actor=None)
    services.assessment_compute(profile=profile, actor=None)
    assert RiskWarning.objects.count() == 1


def test_staying_in_the_same_grade_drafts_nothing(regions):
    make_profile(regions["320100"], 2024, ratio="130")
    RiskWarning.objects.all().delete()  # the first year's crossing from "not assessed"
    make_profile(regions["320100"], 2025, ratio="190")
    assert not RiskWarning.objects.exists()


def test_a_newer_years_draft_withdraws_the_regions_older_drafts_and_says_why(
    regions, province_supervisor
):
    nanjing = regions["320100"]
    make_profile(nanjing, 2023, ratio="130")  # yellow: drafted
    by_hand = services.warning_create(
        actor=province_supervisor, region=nanjing, title="约谈提示", reason="专项债券闲置"
    )
    suzhou_draft = make_profile(regions["320500"], 2023, ratio="130").warnings.get()

    newer = make_profile(nanjing, 2024, ratio="205")  # orange: a newer draft

    older = RiskWarning.objects.get(region=nanjing, profile__year=2023)
    current = RiskWarning.objects.get(profile=newer)
    assert older.status == WarningStatus.WITHDRAWN
    assert current.title in older.closing_note and older.closed_at is not None
    assert older.history.first().history_change_reason == gettext("Superseded by a newer draft")
    assert current.status == WarningStatus.DRAFT
    # A draft written by hand, and another region's draft, are not the assessment's to withdraw.
    by_hand.refresh_from_db()
    suzhou_draft.refresh_from_db()
    assert by_hand.status == suzhou_draft.status == WarningStatus.DRAFT


def test_an_unissued_draft_follows_the_newest_year_while_the_grade_persists(regions):
    nanjing = regions["320100"]
    make_profile(nanjing, 2024, ratio="130")
    make_profile(nanjing, 2025, ratio="150")  # still yellow, the 2024 draft never issued

    drafts = RiskWarning.objects.filter(region=nanjing, status=WarningStatus.DRAFT)
    assert [(w.profile.year, w.grade) for w in drafts] == [(2025, Grade.YELLOW)]
    assert RiskWarning.objects.get(profile__year=2024).status == WarningStatus.WITHDRAWN


def test_an_issued_warning_is_not_superseded_and_not_followed(regions, province_supervisor):
    nanjing = regions["320100"]
    issued = make_profile(nanjing, 2024, ratio="205").warnings.get()
    services.warning_issue(actor=province_supervisor, warning=issued, required_response="说明")

    make_profile(nanjing, 2025, ratio="210")  # still orange: the issued warning stands

    assert RiskWarning.objects.get().status == WarningStatus.ISSUED
    make_profile(nanjing, 2026, ratio="310")  # red: a new draft, the issued one untouched
    issued.refresh_from_db()
    assert issued.status == WarningStatus.ISSUED
    assert RiskWarning.objects.filter(status=WarningStatus.DRAFT).count() == 1


def test_an_earlier_year_entered_late_drafts_nothing_behind_a_newer_draft(regions):
    nanjing = regions["320100"]
    make_profile(nanjing, 2025, ratio="205")
    make_profile(nanjing, 2024, ratio="130")  # a crossing, but older than the 2025 draft

    assert [w.profile.year for w in RiskWarning.objects.all()] == [2025]
    assert RiskWarning.objects.get().status == WarningStatus.DRAFT


def test_a_green_region_gets_no_warning(regions):
    make_profile(regions["320500"], ratio="119.99")
    assert not RiskWarning.objects.exists()


def test_recomputing_after_a_correction_moves_the_grade(regions):
    profile = make_profile(regions["320100"], ratio="150")
    profile.general_balance = D("310")
    services.profile_save(actor=None, profile=profile)

    assert RiskAssessment.objects.get(profile=profile).grade == Grade.RED
    assert set(RiskWarning.objects.values_list("grade", flat=True)) == {"yellow", "red"}


@override_settings(CHENGXIN_DEBT_YELLOW_FROM="160")
def test_recomputing_applies_changed_thresholds(regions):
    profile = make_profile(regions["320100"], ratio="150")
    assert profile.assessment.grade == Grade.GREEN
    assert profile.assessment.yellow_threshold == D("160")


def test_one_profile_per_region_and_year(regions):
    make_profile(regions["320100"], 2025)
    with pytest.raises(ValidationError) as error:
        make_profile(regions["320100"], 2025)
    assert "year" in str(error.value) or "__all__" in error.value.message_dict


def test_the_database_refuses_negative_amounts_and_duplicates(regions):
    profile = make_profile(regions["320100"], 2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        DebtProfile.objects.filter(pk=profile.pk).update(overdue_amount=D("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        DebtProfile.objects.create(
            region=profile.region,
            year=2025,
            general_limit=0,
            special_limit=0,
            general_balance=0,
            special_balance=0,
            financial_capacity=1,
            principal_due=0,
            interest_due=0,
        )


def test_a_negative_amount_is_a_field_error(regions):
    with pytest.raises(ValidationError) as error:
        make_profile(regions["320100"], special_balance=D("-5"))
    assert "special_balance" in error.value.message_dict


def test_a_supervisor_cannot_save_another_regions_profile(regions, nanjing_supervisor):
    from django.http import Http404

    with pytest.raises(Http404):
        make_profile(regions["320500"], actor=nanjing_supervisor)
    assert not DebtProfile.objects.exists()


def test_an_auditor_cannot_save_a_profile(regions, auditor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        make_profile(regions["320100"], actor=auditor)


def test_past_years_loaded_at_once_leave_one_unread_notice_per_region(regions, province_supervisor):
    from core.models import Notification

    nanjing = regions["320100"]
    # Four past years, each in a warning grade: each drafts a warning that the next year's
    # draft supersedes, so only the newest waits to be issued, and only its notice is unread.
    for year, ratio in ((2021, "130"), (2022, "150"), (2023, "205"), (2024, "310")):
        make_profile(nanjing, year, ratio=ratio)

    drafts = RiskWarning.objects.filter(status=WarningStatus.DRAFT)
    assert [w.profile.year for w in drafts] == [2024]
    unread = Notification.objects.filter(recipient=province_supervisor, read_at__isnull=True)
    assert [n.url for n in unread] == [f"/workspace/debt/warnings/{drafts.get().pk}/"]
    # The superseded drafts' notices are still there, read, for the record.
    assert Notification.objects.filter(recipient=province_supervisor).count() == 4
