"""Procurement deadlines in the reminder scan: an unpaid payment's due date, an awarded
project's contract signing deadline (30 days after the award) and a signed contract's filing
deadline (7 working days after signing) are reminded at each stage (7, 3 and 1 days before
by default) to the purchaser's liaison and its supervising office, once, however often the
scan runs, and no longer once the payment, signature or filing is recorded."""

import datetime

import pytest
from django.test import override_settings

from core.models import CalendarDay, Notification, NotificationKind, ReminderLog
from credit_records import deadlines

from ..builders.clock import at, each_day
from ..builders.core import UserFactory
from ..builders.procurement import make_acceptance, make_contract, make_payment, make_project

pytestmark = pytest.mark.django_db

AWARD = datetime.date(2026, 3, 2)  # a Monday; the contract must be signed by 1 April
SIGNED = datetime.date(2026, 3, 12)  # a Thursday; filing is due on Monday 23 March


@pytest.fixture
def people(purchaser, nanjing_supervisor, province_supervisor):
    """The purchaser's liaison reads English, Nanjing's credit office (which supervises the
    purchaser) the portal's Chinese; the province is further up and is not told."""
    liaison = UserFactory(
        username="purchaser-liaison",
        role="Department liaison",
        department=purchaser,
        language="en",
    )
    return {"liaison": liaison, "supervisor": nanjing_supervisor}


def scan_each_day(time_machine, first, last, *, scans=2, before=None):
    """Run the whole deadline scan ``scans`` times a day (without telling it the date) and
    return (day, recipient, title) of every reminder sent, in order. ``before(day)`` acts
    first each day."""
    sent = []
    for day in each_day(first, last):
        time_machine.move_to(at(day), tick=False)
        if before is not None:
            before(day)
        for _ in range(scans):
            deadlines.run_scan()
        for notification in (
            Notification.objects.filter(kind=NotificationKind.REMINDER, created_at__date=day)
            .exclude(pk__in=[pk for *_, pk in sent])
            .select_related("recipient")
            .order_by("recipient__username")
        ):
            sent.append((day, notification.recipient.username, notification.title, notification.pk))
    return [(day, username, title) for day, username, title, _ in sent]


def unpaid_payment(purchaser, time_machine):
    """An SME contract accepted on 27 March 2026 with one unpaid instalment, due 30 days
    later: 26 April is a Sunday, so the term ends on Monday 27 April (Civil Code art. 203)."""
    time_machine.move_to(at(datetime.date(2026, 3, 27)), tick=False)
    project = make_project(purchaser, code="CG-PAY-1")
    contract = make_contract(project)
    make_acceptance(contract)
    payment = make_payment(contract)
    assert payment.due_date == datetime.date(2026, 4, 27)
    return payment


def test_an_unpaid_payment_is_reminded_at_each_stage_once_to_the_liaison_and_the_office(
    time_machine, purchaser, people, province_supervisor
):
    payment = unpaid_payment(purchaser, time_machine)

    sent = scan_each_day(time_machine, datetime.date(2026, 4, 10), datetime.date(2026, 4, 26))

    def title(days):
        return {
            "purchaser-liaison": f"Payment for CG-PAY-1 is due in {days} days"
            if days > 1
            else "Payment for CG-PAY-1 is due in 1 day",
            "nanjing": f"项目 CG-PAY-1 的款项还有 {days} 天到期",
        }

    assert sent == [
        (day, username, title(days)[username])
        for day, days in [
            (datetime.date(2026, 4, 20), 7),
            (datetime.date(2026, 4, 24), 3),
            (datetime.date(2026, 4, 26), 1),
        ]
        for username in ["nanjing", "purchaser-liaison"]
    ]
    assert not province_supervisor.notifications.exists()
    reminder = Notification.objects.filter(recipient=people["liaison"]).first()
    assert reminder.url == f"/workspace/procurement/projects/{payment.contract.project_id}/"
    assert "must pay 100,000.00 yuan" in reminder.message
    assert sorted(
        ReminderLog.objects.filter(kind="procurement_payment", object_id=payment.pk).values_list(
            "days_before", flat=True
        )
    ) == [1, 3, 7]


@override_settings(CHENGXIN_REMINDER_DAYS=[10, 2])
def test_payment_reminders_follow_the_configured_stages(time_machine, purchaser, people):
    unpaid_payment(purchaser, time_machine)

    sent = scan_each_day(time_machine, datetime.date(2026, 4, 10), datetime.date(2026, 4, 26))

    assert sorted({day for day, *_ in sent}) == [
        datetime.date(2026, 4, 17),
        datetime.date(2026, 4, 25),
    ]
    assert len(sent) == 4


def test_a_paid_payment_is_not_reminded_again(time_machine, purchaser, people):
    payment = unpaid_payment(purchaser, time_machine)

    def pay_on_the_twenty_first(day):
        if day == datetime.date(2026, 4, 21):
            from procurement import services

            payment.paid_date = day
            services.payment_save(actor=None, payment=payment)

    sent = scan_each_day(
        time_machine,
        datetime.date(2026, 4, 10),
        datetime.date(2026, 4, 30),
        before=pay_on_the_twenty_first,
    )

    # The seven-day stage went out before the payment; nothing after it.
    assert {day for day, *_ in sent} == {datetime.date(2026, 4, 20)}


def test_a_payment_paid_before_the_reminders_is_never_reminded(time_machine, purchaser, people):
    time_machine.move_to(at(datetime.date(2026, 4, 1)), tick=False)
    contract = make_contract(make_project(purchaser))
    make_acceptance(contract)
    make_payment(contract, paid=datetime.date(2026, 4, 1))

    assert scan_each_day(time_machine, datetime.date(2026, 4, 1), datetime.date(2026, 5, 5)) == []
    assert not ReminderLog.objects.filter(kind="procurement_payment").exists()


# --- contract signing: 30 days after the award --------------------------------------------------


def signing_title(days):
    return f"The contract of CG-SIGN-1 must be signed in {days} day{'s' if days > 1 else ''}"


def test_an_unsigned_contract_is_reminded_before_the_signing_deadline(
    time_machine, purchaser, people
):
    people["supervisor"].language = "en"
    people["supervisor"].save()
    time_machine.move_to(at(AWARD), tick=False)
    project = make_project(purchaser, code="CG-SIGN-1", award_date=AWARD)

    sent = scan_each_day(time_machine, AWARD, datetime.date(2026, 4, 3))

    assert sent == [
        (day, username, signing_title(days))
        for day, days in [
            (datetime.date(2026, 3, 25), 7),
            (datetime.date(2026, 3, 29), 3),
            (datetime.date(2026, 3, 31), 1),
        ]
        for username in ["nanjing", "purchaser-liaison"]
    ]
    reminder = Notification.objects.filter(recipient=people["liaison"]).first()
    assert reminder.url == f"/workspace/procurement/projects/{project.pk}/"
    assert "must sign the contract" in reminder.message
    assert "by 2026-04-01" in reminder.message


def test_signing_the_contract_stops_the_signing_reminders(time_machine, purchaser, people):
    time_machine.move_to(at(AWARD), tick=False)
    project = make_project(purchaser, code="CG-SIGN-1", award_date=AWARD)

    def sign_on_the_twenty_sixth(day):
        if day == datetime.date(2026, 3, 26):
            make_contract(project, signed_after=24)

    sent = scan_each_day(
        time_machine, AWARD, datetime.date(2026, 4, 3), before=sign_on_the_twenty_sixth
    )

    assert {day for day, *_ in sent} == {datetime.date(2026, 3, 25)}


def test_a_project_not_yet_awarded_has_no_signing_reminder(time_machine, purchaser, people):
    time_machine.move_to(at(AWARD), tick=False)
    make_project(purchaser, award_date=None)

    assert scan_each_day(time_machine, AWARD, datetime.date(2026, 5, 1), scans=1) == []


# --- contract filing: 7 working days after signing ----------------------------------------------


def filing_reminder_days(sent, username="purchaser-liaison"):
    # Each reader gets the title in their own language.
    return [
        day
        for day, name, title in sent
        if name == username and ("must be filed" in title or "合同备案期限" in title)
    ]


def test_an_unfiled_contract_is_reminded_before_the_filing_deadline(
    time_machine, purchaser, people
):
    time_machine.move_to(at(SIGNED), tick=False)
    project = make_project(purchaser, code="CG-FILE-1", award_date=AWARD)
    make_contract(project, signed_after=(SIGNED - AWARD).days, filed_after=None)

    sent = scan_each_day(time_machine, SIGNED, datetime.date(2026, 3, 25))

    assert filing_reminder_days(sent) == [
        datetime.date(2026, 3, 16),
        datetime.date(2026, 3, 20),
        datetime.date(2026, 3, 22),
    ]
    assert [title for day, username, title in sent if username == "purchaser-liaison"] == [
        "The contract of CG-FILE-1 must be filed in 7 days",
        "The contract of CG-FILE-1 must be filed in 3 days",
        "The contract of CG-FILE-1 must be filed in 1 day",
    ]
    # The supervising office is reminded on the same days (in Chinese).
    assert [day for day, username, _ in sent if username == "nanjing"] == [
        datetime.date(2026, 3, 16),
        datetime.date(2026, 3, 20),
        datetime.date(2026, 3, 22),
    ]
    reminder = Notification.objects.filter(recipient=people["liaison"]).first()
    assert "signed the contract of CG-FILE-1 on 2026-03-12" in reminder.message
    assert "by 2026-03-23" in reminder.message


def test_a_holiday_in_the_calendar_moves_the_filing_reminders(time_machine, purchaser, people):
    CalendarDay.objects.create(date=datetime.date(2026, 3, 16), is_working_day=False, note="假日")
    time_machine.move_to(at(SIGNED), tick=False)
    project = make_project(purchaser, code="CG-FILE-1", award_date=AWARD)
    make_contract(project, signed_after=(SIGNED - AWARD).days, filed_after=None)

    sent = scan_each_day(time_machine, SIGNED, datetime.date(2026, 3, 25))

    assert filing_reminder_days(sent) == [
        datetime.date(2026, 3, 17),
        datetime.date(2026, 3, 21),
        datetime.date(2026, 3, 23),
    ]


def test_a_filed_contract_is_not_reminded_again(time_machine, purchaser, people):
    time_machine.move_to(at(SIGNED), tick=False)
    project = make_project(purchaser, code="CG-FILE-1", award_date=AWARD)
    contract = make_contract(project, signed_after=(SIGNED - AWARD).days, filed_after=None)

    def file_on_the_seventeenth(day):
        if day == datetime.date(2026, 3, 17):
            from procurement import services

            contract.filed_date = day
            services.contract_save(actor=None, contract=contract)

    sent = scan_each_day(
        time_machine, SIGNED, datetime.date(2026, 3, 25), before=file_on_the_seventeenth
    )

    # The seven-day stage went out before the filing; nothing after it.
    assert filing_reminder_days(sent) == [datetime.date(2026, 3, 16)]
    assert filing_reminder_days(sent, "nanjing") == [datetime.date(2026, 3, 16)]
