"""Complaints' time limits at their boundaries, on a working-day calendar with a holiday week:
the MIIT rule for SME payment complaints (accept or reject within 10 working days of receipt),
the configurable calendar-day limits of the others (rolled to the next working day, Civil
Code art. 203), "handled on time", reminders, and the overdue / escalation ladder.

Every expected date is worked out here from the rule and the calendar below, not read from
the code."""

import datetime

import pytest

from core.deadlines import send_reminders
from core.models import CalendarDay, Notification, NotificationKind
from credit_records import complaint_rules, deadlines
from credit_records.models import ComplaintCategory, ComplaintEvent, ComplaintEventAction
from credit_records.services import complaints as services

from ..builders.clock import at
from ..builders.complaints import make_complaint
from ..builders.core import DepartmentFactory, UserFactory

D = datetime.date
pytestmark = pytest.mark.django_db

# A holiday week like National Day: Thursday 1 to Wednesday 7 October 2026 are rest days, and
# Saturday 10 October is worked instead (调休).
HOLIDAYS = [D(2026, 10, day) for day in range(1, 8)]
WORKED_SATURDAY = D(2026, 10, 10)


@pytest.fixture(autouse=True)
def calendar(db):
    for day in HOLIDAYS:
        CalendarDay.objects.update_or_create(date=day, defaults={"is_working_day": False})
    CalendarDay.objects.update_or_create(date=WORKED_SATURDAY, defaults={"is_working_day": True})


@pytest.fixture
def county(regions):
    """A department of 江宁区 (320115), whose office is the county's; 南京市 above it."""
    region = regions["320115"]
    return {
        "department": DepartmentFactory(name="南京市江宁区财政局", region=region),
        "office": UserFactory(username="jiangning", role="Supervisor", region=region),
        "city": UserFactory(username="nanjing", role="Supervisor", region=regions["320100"]),
    }


# --- The rules ---------------------------------------------------------------------------------


def test_an_sme_complaint_is_decided_within_ten_working_days_skipping_the_holiday_week():
    # Received Wednesday 30 September. Working days after it: Thu 8 (1), Fri 9 (2), the
    # worked Saturday 10 (3), Mon 12 – Fri 16 (4–8), Mon 19 (9), Tue 20 (10).
    assert complaint_rules.decision_due(ComplaintCategory.SME_ARREARS, D(2026, 9, 30)) == D(
        2026, 10, 20
    )


def test_an_sme_complaint_received_on_a_rest_day_counts_from_the_next_working_day():
    # Received Saturday 3 October (holiday): Thu 8 is working day 1, … Tue 20 is day 10, the
    # same as one received on the last working day before the holiday.
    assert complaint_rules.decision_due(ComplaintCategory.SME_ARREARS, D(2026, 10, 3)) == D(
        2026, 10, 20
    )


def test_without_holidays_ten_working_days_are_two_weeks():
    # Monday 2 November: Tue 3 … Fri 6 (4), Mon 9 … Fri 13 (9), Mon 16 (10).
    assert complaint_rules.decision_due(ComplaintCategory.SME_ARREARS, D(2026, 11, 2)) == D(
        2026, 11, 16
    )


def test_another_complaint_gets_fifteen_days_ending_on_a_working_day():
    # Monday 14 September + 15 days = Tuesday 29 September, a working day.
    assert complaint_rules.decision_due(ComplaintCategory.INACTION, D(2026, 9, 14)) == D(
        2026, 9, 29
    )
    # Wednesday 16 September + 15 days = Thursday 1 October, a holiday: the period ends on the
    # next working day, Thursday 8 October (民法典 art. 203).
    assert complaint_rules.decision_due(ComplaintCategory.INACTION, D(2026, 9, 16)) == D(
        2026, 10, 8
    )


def test_the_other_limits_follow_their_settings(settings):
    settings.CHENGXIN_COMPLAINT_DECISION_DAYS = 5
    settings.CHENGXIN_COMPLAINT_HANDLING_DAYS = 10
    # Monday 2 November + 5 = Saturday 7 November → Monday 9 November.
    assert complaint_rules.decision_due(ComplaintCategory.OTHER, D(2026, 11, 2)) == D(2026, 11, 9)
    # Monday 2 November + 10 = Thursday 12 November.
    assert complaint_rules.handling_due(ComplaintCategory.OTHER, D(2026, 11, 2)) == D(2026, 11, 12)


def test_handling_limits_are_thirty_days_for_sme_complaints_and_sixty_for_others():
    # Tuesday 1 September + 30 days = Thursday 1 October (holiday) → Thursday 8 October.
    assert complaint_rules.handling_due(ComplaintCategory.SME_ARREARS, D(2026, 9, 1)) == D(
        2026, 10, 8
    )
    # Friday 7 August + 60 days = Tuesday 6 October (holiday) → Thursday 8 October.
    assert complaint_rules.handling_due(ComplaintCategory.PROCUREMENT, D(2026, 8, 7)) == D(
        2026, 10, 8
    )
    # Monday 2 November + 30 = Wednesday 2 December, a working day.
    assert complaint_rules.handling_due(ComplaintCategory.SME_ARREARS, D(2026, 11, 2)) == D(
        2026, 12, 2
    )


# --- Through the services, on the clock --------------------------------------------------------


def file_on(time_machine, day, department, **kwargs):
    time_machine.move_to(at(day), tick=False)
    return make_complaint(department, **kwargs)[0]


def test_a_complaint_rejected_on_its_last_day_is_handled_on_time(time_machine, county):
    complaint = file_on(time_machine, D(2026, 9, 30), county["department"])
    assert complaint.decision_due == D(2026, 10, 20)
    time_machine.move_to(at(D(2026, 10, 20), 17), tick=False)
    services.complaint_reject(
        complaint=complaint, actor=county["office"], reason="不属于受理范围。"
    )
    complaint.refresh_from_db()
    assert complaint.handled_on_time is True


def test_a_complaint_rejected_the_day_after_its_limit_is_late(time_machine, county):
    complaint = file_on(time_machine, D(2026, 9, 30), county["department"])
    time_machine.move_to(at(D(2026, 10, 21), 9), tick=False)
    services.complaint_reject(
        complaint=complaint, actor=county["office"], reason="不属于受理范围。"
    )
    complaint.refresh_from_db()
    assert complaint.handled_on_time is False


def test_closing_on_the_handling_limit_is_on_time_and_a_day_later_is_not(time_machine, county):
    office = county["office"]
    on_time = file_on(time_machine, D(2026, 9, 1), county["department"])
    late = file_on(time_machine, D(2026, 9, 1), county["department"])
    for complaint in (on_time, late):
        services.complaint_accept(complaint=complaint, actor=office)
        services.complaint_assign(complaint=complaint, actor=office, assignee=office)
    on_time.refresh_from_db()
    # Accepted Tuesday 1 September: 30 days → Thursday 1 October (holiday) → 8 October.
    assert on_time.handling_due == D(2026, 10, 8)
    time_machine.move_to(at(D(2026, 10, 8), 16), tick=False)
    services.complaint_close(
        complaint=on_time, actor=office, outcome="no_finding", reason="已付清。"
    )
    time_machine.move_to(at(D(2026, 10, 9), 9), tick=False)
    services.complaint_close(complaint=late, actor=office, outcome="no_finding", reason="已付清。")
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert (on_time.handled_on_time, late.handled_on_time) == (True, False)


def test_reminders_go_to_the_handling_office_before_the_limit(time_machine, county):
    complaint = file_on(time_machine, D(2026, 9, 30), county["department"])
    Notification.objects.all().delete()
    # 3 days before Tuesday 20 October: Saturday 17 October.
    sent = send_reminders(D(2026, 10, 17))
    assert sent == 1
    reminder = Notification.objects.get(kind=NotificationKind.REMINDER)
    assert reminder.recipient == county["office"]
    assert complaint.tracking_number in reminder.title
    # Once per stage however often the scan runs.
    assert send_reminders(D(2026, 10, 17)) == 0


def ladder(complaint):
    return list(
        ComplaintEvent.objects.filter(
            complaint=complaint,
            action__in=[ComplaintEventAction.OVERDUE, ComplaintEventAction.ESCALATED],
        ).values_list("action", flat=True)
    )


def test_an_unanswered_complaint_is_overdue_the_day_after_and_escalated_fifteen_days_later(
    time_machine, county
):
    complaint = file_on(time_machine, D(2026, 9, 30), county["department"])
    due = D(2026, 10, 20)

    def scan(day):
        time_machine.move_to(at(day, 3), tick=False)
        deadlines.run_scan()
        deadlines.run_scan()
        complaint.refresh_from_db()

    scan(due)
    assert ladder(complaint) == []
    scan(due + datetime.timedelta(days=1))
    assert ladder(complaint) == ["overdue"]
    assert complaint.escalation_level == 1
    scan(due + datetime.timedelta(days=15))
    assert ladder(complaint) == ["overdue"]
    scan(due + datetime.timedelta(days=16))
    assert ladder(complaint) == ["overdue", "escalated"]
    # Escalated from 江宁区's office to 南京市's, who are told.
    assert complaint.escalated_to.code == "320100"
    assert Notification.objects.filter(
        kind=NotificationKind.ESCALATED, recipient=county["city"]
    ).exists()


def test_accepting_starts_a_new_limit_and_a_new_ladder(time_machine, county):
    complaint = file_on(time_machine, D(2026, 9, 30), county["department"])
    time_machine.move_to(at(D(2026, 10, 22), 3), tick=False)
    deadlines.run_scan()
    complaint.refresh_from_db()
    assert complaint.escalation_level == 1
    time_machine.move_to(at(D(2026, 10, 22), 10), tick=False)
    services.complaint_accept(complaint=complaint, actor=county["office"])
    complaint.refresh_from_db()
    # Thursday 22 October + 30 days = Saturday 21 November → Monday 23 November.
    assert (complaint.escalation_level, complaint.handling_due) == (0, D(2026, 11, 23))
    time_machine.move_to(at(D(2026, 11, 23), 3), tick=False)
    deadlines.run_scan()
    complaint.refresh_from_db()
    assert complaint.escalation_level == 0
    time_machine.move_to(at(D(2026, 11, 24), 3), tick=False)
    deadlines.run_scan()
    complaint.refresh_from_db()
    assert complaint.escalation_level == 1
