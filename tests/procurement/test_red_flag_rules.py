"""Every red-flag rule at its boundary, and the payment arithmetic, in Decimal."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from core.models import CalendarDay
from procurement import rules, services
from procurement.models import FlagRule, ProcurementMethod, RedFlag

from ..builders.procurement import (
    AWARD,
    make_acceptance,
    make_contract,
    make_paid_project,
    make_payment,
    make_project,
)

pytestmark = pytest.mark.django_db


def rules_raised(project=None, **filters):
    """Rules flagged and standing. (Entering a project's past step by step first raises
    "not signed yet" flags that the contract then withdraws: those are not counted.)"""
    queryset = RedFlag.objects.exclude(status="dismissed").filter(**filters)
    if project is not None:
        queryset = queryset.filter(project=project)
    return sorted(queryset.values_list("rule", flat=True))


# --- signing within 30 days of the award -----------------------------------------------------


def test_a_contract_signed_on_day_30_raises_no_flag(purchaser):
    project = make_project(purchaser)
    make_contract(project, signed_after=30)
    assert FlagRule.LATE_SIGNING not in rules_raised(project)


def test_a_contract_signed_on_day_31_raises_a_late_signing_flag(purchaser):
    project = make_project(purchaser)
    make_contract(project, signed_after=31)
    flag = RedFlag.objects.get(project=project, rule=FlagRule.LATE_SIGNING)
    assert flag.evidence["days"] == 31
    assert "31" in flag.describe()


def test_an_award_left_unsigned_is_flagged_by_the_scan_and_withdrawn_if_signed_in_time(
    purchaser, time_machine
):
    time_machine.move_to(AWARD + datetime.timedelta(days=31), tick=False)
    project = make_project(purchaser)
    flag = RedFlag.objects.get(project=project, rule=FlagRule.LATE_SIGNING)
    assert flag.evidence["provisional"] is True
    # The paper contract turns out to have been signed on day 29: the flag is withdrawn.
    make_contract(project, signed_after=29)
    flag.refresh_from_db()
    assert flag.status == "dismissed"
    assert flag.reason


# --- supplementary contracts at most 10% -----------------------------------------------------


def test_supplementary_contracts_of_exactly_10_percent_are_allowed(purchaser):
    project = make_project(purchaser)
    make_contract(project, amount="123456.70", supplementary="12345.67")
    assert FlagRule.SUPPLEMENTARY_OVER_CAP not in rules_raised(project)


def test_a_cent_above_10_percent_raises_a_flag(purchaser):
    project = make_project(purchaser)
    make_contract(project, amount="123456.70", supplementary="12345.68")
    flag = RedFlag.objects.get(project=project, rule=FlagRule.SUPPLEMENTARY_OVER_CAP)
    assert flag.evidence["cap_percent"] == "10"


# --- SME payment: 30 days, or the agreed term up to 60 -----------------------------------------


def test_an_sme_paid_on_day_30_after_acceptance_is_on_time(purchaser):
    payment = make_paid_project(purchaser, paid_days_after_acceptance=30)
    assert payment.late_days == 0
    assert payment.late_interest == Decimal("0.00")
    assert FlagRule.SME_PAYMENT_LATE not in rules_raised(payment=payment)


def test_an_sme_paid_on_day_31_is_late_with_interest(purchaser):
    # Accepted Wednesday 2026-03-25: day 30 is Friday 2026-04-24, a working day.
    payment = make_paid_project(purchaser, paid_days_after_acceptance=31, accepted_after=3)
    assert payment.late_days == 1
    assert payment.late_interest == Decimal("50.00")  # 100,000 × 0.05% × 1
    flag = RedFlag.objects.get(rule=FlagRule.SME_PAYMENT_LATE, payment=payment)
    assert flag.evidence["late_interest"] == "50.00"


def test_an_agreed_term_above_60_days_counts_as_60_for_an_sme(purchaser):
    on_time = make_paid_project(purchaser, paid_days_after_acceptance=60, term=90)
    late = make_paid_project(purchaser, paid_days_after_acceptance=61, term=90)
    assert on_time.late_days == 0
    assert late.late_days == 1
    assert rules_raised(payment=late) == [FlagRule.SME_PAYMENT_LATE]
    assert rules_raised(payment=on_time) == []


def test_a_shorter_agreed_term_is_kept(purchaser):
    # Accepted Wednesday 2026-03-25: day 15 is Thursday 2026-04-09, a working day.
    payment = make_paid_project(purchaser, paid_days_after_acceptance=16, term=15, accepted_after=3)
    assert payment.late_days == 1


def test_a_large_company_keeps_its_longer_term_and_raises_no_sme_flag(purchaser):
    payment = make_paid_project(purchaser, paid_days_after_acceptance=80, term=90, sme=False)
    assert payment.late_days == 0
    late = make_paid_project(purchaser, paid_days_after_acceptance=95, term=90, sme=False)
    assert late.late_days == 5  # interest is still owed
    assert FlagRule.SME_PAYMENT_LATE not in rules_raised()


def test_the_term_runs_from_delivery_when_payment_does_not_depend_on_acceptance(purchaser):
    project = make_project(purchaser)
    contract = make_contract(project, after_acceptance=False)
    acceptance = make_acceptance(contract, accepted_after=20)
    payment = make_payment(contract, paid=acceptance.delivery_date + datetime.timedelta(days=31))
    assert payment.due_date == acceptance.delivery_date + datetime.timedelta(days=30)
    assert payment.late_days == 1


def test_an_unpaid_overdue_sme_payment_is_flagged_by_the_scan_once(purchaser, time_machine):
    project = make_project(purchaser)
    contract = make_contract(project)
    acceptance = make_acceptance(contract)
    payment = make_payment(contract)
    # Accepted Friday 2026-03-27: day 30 is Sunday 2026-04-26, so the term ends on Monday.
    assert payment.due_date == acceptance.acceptance_date + datetime.timedelta(days=31)
    RedFlag.objects.all().delete()
    time_machine.move_to(payment.due_date, tick=False)
    services.scan()
    assert not RedFlag.objects.filter(rule=FlagRule.SME_PAYMENT_LATE).exists()
    time_machine.move_to(payment.due_date + datetime.timedelta(days=1), tick=False)
    services.scan()
    services.scan()
    assert RedFlag.objects.filter(rule=FlagRule.SME_PAYMENT_LATE).count() == 1


def test_due_dates_follow_a_later_acceptance(purchaser):
    project = make_project(purchaser)
    contract = make_contract(project)
    acceptance = make_acceptance(contract)
    payment = make_payment(contract)
    acceptance.acceptance_date += datetime.timedelta(days=3)
    services.acceptance_save(actor=None, acceptance=acceptance)
    payment.refresh_from_db()
    assert payment.due_date == acceptance.acceptance_date + datetime.timedelta(days=30)


# --- late interest arithmetic ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "days", "expected"),
    [
        ("100000.00", 45, "2250.00"),
        ("575000.00", 45, "12937.50"),
        ("333.33", 1, "0.17"),  # 0.166665 rounds half up
        ("0.01", 1, "0.00"),
        ("123456.78", 0, "0.00"),
        ("99999999999999.99", 365, "18250000000000.00"),  # …99.998175,
    ],
)
def test_late_interest_is_decimal_and_rounded_to_the_cent(amount, days, expected):
    interest = rules.late_interest(Decimal(amount), days)
    assert isinstance(interest, Decimal)
    assert interest == Decimal(expected)
    assert interest.as_tuple().exponent == -2


@override_settings(CHENGXIN_PROCUREMENT_LATE_INTEREST_DAILY_RATE="0.0003")
def test_the_daily_rate_is_a_setting():
    assert rules.late_interest(Decimal("10000"), 10) == Decimal("30.00")


# --- filing within 7 working days --------------------------------------------------------------


def test_filing_on_the_seventh_working_day_is_in_time_and_the_eighth_is_late(purchaser):
    # Signed Monday 2 March + 10 days = Thursday 12 March; 7 working days → Monday 23 March.
    assert rules.filing_deadline(datetime.date(2026, 3, 12)) == datetime.date(2026, 3, 23)
    in_time = make_project(purchaser)
    make_contract(in_time, signed_after=10, filed_after=11)
    late = make_project(purchaser)
    make_contract(late, signed_after=10, filed_after=12)
    assert FlagRule.FILING_LATE not in rules_raised(in_time)
    assert FlagRule.FILING_LATE in rules_raised(late)


def test_holidays_in_the_calendar_extend_the_filing_period():
    CalendarDay.objects.create(date=datetime.date(2026, 3, 16), is_working_day=False, note="假日")
    assert rules.filing_deadline(datetime.date(2026, 3, 12)) == datetime.date(2026, 3, 24)


# --- acceptance, budget, single source ---------------------------------------------------------


@override_settings(CHENGXIN_PROCUREMENT_ACCEPTANCE_DAYS=30)
def test_acceptance_on_day_30_after_delivery_is_in_time_and_day_31_is_late(purchaser):
    in_time = make_project(purchaser)
    make_acceptance(make_contract(in_time), accepted_after=30)
    late = make_project(purchaser)
    make_acceptance(make_contract(late), accepted_after=31)
    assert FlagRule.ACCEPTANCE_LATE not in rules_raised(in_time)
    assert FlagRule.ACCEPTANCE_LATE in rules_raised(late)


def test_an_award_equal_to_the_budget_is_fine_and_above_it_is_flagged(purchaser):
    equal = make_project(purchaser, budget="100000", award_amount="100000")
    above = make_project(purchaser, budget="100000", award_amount="100000.01")
    # (An award left unsigned is also flagged; only the budget rule matters here.)
    assert FlagRule.AWARD_OVER_BUDGET not in rules_raised(equal)
    assert FlagRule.AWARD_OVER_BUDGET in rules_raised(above)


@override_settings(
    CHENGXIN_PROCUREMENT_SINGLE_SOURCE_SHARE="0.30",
    CHENGXIN_PROCUREMENT_SINGLE_SOURCE_MIN_PROJECTS=3,
)
def test_a_single_source_share_above_the_threshold_is_flagged_once_per_year(purchaser):
    make_project(
        purchaser, method=ProcurementMethod.SINGLE_SOURCE, award_amount="30000", budget="30000"
    )
    make_project(purchaser, award_amount="35000", budget="35000")
    assert not RedFlag.objects.filter(rule=FlagRule.SINGLE_SOURCE_SHARE).exists()  # 2 projects
    make_project(purchaser, award_amount="35000", budget="35000")
    # 30,000 of 100,000 is exactly 30%: not above the threshold.
    assert not RedFlag.objects.filter(rule=FlagRule.SINGLE_SOURCE_SHARE).exists()
    make_project(purchaser, method=ProcurementMethod.SINGLE_SOURCE, award_amount="1", budget="1")
    flag = RedFlag.objects.get(rule=FlagRule.SINGLE_SOURCE_SHARE)
    assert flag.object_key == f"purchaser:{purchaser.pk}:2026"
    assert flag.project is None
    services.scan()
    assert RedFlag.objects.filter(rule=FlagRule.SINGLE_SOURCE_SHARE).count() == 1
