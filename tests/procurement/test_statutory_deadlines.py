"""Procurement deadlines that end on a rest day move to the next working day (Civil Code art.
203): the 30-day signing deadline (政府采购法 art. 46), the acceptance period and the SME
payment term. No red flag is raised on the day the deadline moved to; one is the day after.
A 调休 working weekend is a working day: a deadline ending on it does not move."""

import datetime

import pytest

from procurement import rules, services
from procurement.models import FlagRule, RedFlag

from ..builders.clock import at
from ..builders.procurement import make_acceptance, make_contract, make_payment, make_project

pytestmark = pytest.mark.django_db

D = datetime.date

# (award date, day 30 after it, the last day to sign, why)
SIGNING = [
    (D(2026, 4, 16), D(2026, 5, 16), D(2026, 5, 18), "day 30 is a Saturday: Monday"),
    (D(2026, 9, 1), D(2026, 10, 1), D(2026, 10, 8), "day 30 is National Day: 8 October"),
    (D(2026, 8, 21), D(2026, 9, 20), D(2026, 9, 20), "day 30 is a Sunday worked instead"),
    (D(2026, 3, 2), D(2026, 4, 1), D(2026, 4, 1), "day 30 is an ordinary Wednesday"),
]


def flags(project, rule):
    return RedFlag.objects.filter(project=project, rule=rule).exclude(status="dismissed")


@pytest.mark.parametrize(("award", "day_30", "last_day", "why"), SIGNING)
def test_the_signing_deadline_moves_past_rest_days(award, day_30, last_day, why):
    assert award + datetime.timedelta(days=30) == day_30
    assert rules.signing_deadline(award) == last_day, why


@pytest.mark.parametrize(("award", "day_30", "last_day", "why"), SIGNING)
def test_a_contract_signed_on_the_last_day_raises_no_flag_and_a_day_later_does(
    purchaser, award, day_30, last_day, why
):
    on_time = make_project(purchaser, award_date=award)
    make_contract(on_time, signed_after=(last_day - award).days)
    late = make_project(purchaser, award_date=award)
    make_contract(late, signed_after=(last_day - award).days + 1)
    assert not flags(on_time, FlagRule.LATE_SIGNING).exists(), why
    flag = flags(late, FlagRule.LATE_SIGNING).get()
    assert flag.evidence["deadline"] == last_day.isoformat()


@pytest.mark.parametrize(("award", "day_30", "last_day", "why"), SIGNING)
def test_the_scan_flags_an_unsigned_award_the_day_after_the_last_day_and_not_before(
    purchaser, time_machine, award, day_30, last_day, why
):
    time_machine.move_to(at(award), tick=False)
    project = make_project(purchaser, award_date=award)
    day = day_30
    while day <= last_day:
        time_machine.move_to(at(day, 2), tick=False)
        services.scan()
        assert not flags(project, FlagRule.LATE_SIGNING).exists(), (day, why)
        day += datetime.timedelta(days=1)
    time_machine.move_to(at(last_day + datetime.timedelta(days=1), 2), tick=False)
    services.scan()
    flag = flags(project, FlagRule.LATE_SIGNING).get()
    assert flag.evidence["provisional"] is True


def test_the_scan_picks_an_overdue_award_from_the_database_without_a_recent_change(
    purchaser, time_machine
):
    """The scan's database filter (not only the recheck of recently changed projects) finds
    the award once its moved deadline has passed."""
    from procurement.models import ProcurementProject

    time_machine.move_to(at(D(2026, 9, 1)), tick=False)
    project = make_project(purchaser, award_date=D(2026, 9, 1))
    ProcurementProject.objects.filter(pk=project.pk).update(
        updated_at=at(D(2026, 1, 1))  # as if entered long ago
    )
    time_machine.move_to(at(D(2026, 10, 8), 2), tick=False)
    assert services.scan()["projects_checked"] == 0
    time_machine.move_to(at(D(2026, 10, 9), 2), tick=False)
    assert services.scan() == {"projects_checked": 1, "flags_raised": 1}


# --- the acceptance period ---------------------------------------------------------------------


def test_an_acceptance_period_ending_on_national_day_ends_on_8_october(purchaser):
    # Signed 11 Aug, delivered 1 Sep: the default 30 days end on 1 October.
    on_time = make_contract(make_project(purchaser, award_date=D(2026, 8, 1)), signed_after=10)
    make_acceptance(on_time, delivered_after=21, accepted_after=37)  # accepted 8 Oct
    late = make_contract(make_project(purchaser, award_date=D(2026, 8, 1)), signed_after=10)
    make_acceptance(late, delivered_after=21, accepted_after=38)  # accepted 9 Oct
    assert rules.acceptance_deadline(D(2026, 9, 1)) == D(2026, 10, 8)
    assert not flags(on_time.project, FlagRule.ACCEPTANCE_LATE).exists()
    flag = flags(late.project, FlagRule.ACCEPTANCE_LATE).get()
    assert flag.evidence["deadline"] == "2026-10-08"


# --- the payment term --------------------------------------------------------------------------


def test_no_late_payment_flag_on_the_monday_a_saturday_due_date_moved_to(purchaser, time_machine):
    time_machine.move_to(at(D(2026, 4, 16)), tick=False)
    contract = make_contract(make_project(purchaser))  # signed 12 Mar
    make_acceptance(contract, delivered_after=10, accepted_after=25)  # accepted Thu 16 Apr
    payment = make_payment(contract)
    # Day 30 after acceptance is Saturday 16 May: the term ends on Monday 18 May.
    assert payment.due_date == D(2026, 5, 18)

    time_machine.move_to(at(D(2026, 5, 18), 23, 30), tick=False)
    services.scan()
    assert not RedFlag.objects.filter(payment=payment).exists()

    time_machine.move_to(at(D(2026, 5, 19), 2), tick=False)
    services.scan()
    flag = RedFlag.objects.get(payment=payment, rule=FlagRule.SME_PAYMENT_LATE)
    # One day late on 100,000 yuan at 0.05% a day: 50 yuan.
    assert (flag.evidence["days_late"], flag.evidence["late_interest"]) == (1, "50.00")


def test_a_payment_made_on_the_moved_day_is_on_time_and_one_a_day_later_is_not(purchaser):
    contract = make_contract(make_project(purchaser))
    make_acceptance(contract, delivered_after=10, accepted_after=25)  # accepted 16 Apr
    on_time = make_payment(contract, amount="50000", paid=D(2026, 5, 18))
    late = make_payment(contract, amount="50000", paid=D(2026, 5, 19), sequence=2)
    assert (on_time.late_days, on_time.late_interest) == (0, 0)
    assert (late.late_days, str(late.late_interest)) == (1, "25.00")  # 50,000 × 0.05% × 1
    assert not RedFlag.objects.filter(payment=on_time).exists()
    assert RedFlag.objects.filter(payment=late, rule=FlagRule.SME_PAYMENT_LATE).exists()
