"""Government agreements: an obligation's due date (agreed, or once its condition is met),
fulfilment, the overdue flag on the day after the due date, its confirmation into a violation
and a draft dishonesty record, the reminders before it falls due, and the 新官不理旧账 marking
when the department's head changed before it fell overdue."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.deadlines import SOURCES
from credit_records.models import RecordCategory, RecordStatus
from procurement import agreement_rules as ar
from procurement import services
from procurement.models import (
    FlagRule,
    FlagStatus,
    ObligationEvent,
    RedFlag,
    ViolationKind,
)

from ..builders.agreements import SIGNED, make_agreement, make_obligation, record_payment

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 6, 30)  # a Tuesday


def flags_of(obligation):
    return RedFlag.objects.filter(rule=FlagRule.OBLIGATION_OVERDUE, obligation=obligation)


# --- due dates -------------------------------------------------------------------------------


def test_an_obligation_with_an_agreed_date_is_due_on_that_date(purchaser):
    obligation = make_obligation(make_agreement(purchaser), due=DUE)
    assert obligation.due_date == DUE


def test_an_obligation_on_a_condition_has_no_due_date_until_the_condition_is_met(purchaser):
    obligation = make_obligation(
        make_agreement(purchaser), condition="企业竣工投产", days_after_condition=30
    )
    assert obligation.due_date is None
    assert ar.obligation_status(due_date=None, fulfilled_on=None, as_of=DUE) == "awaiting"
    # Met on Wednesday 2026-07-01: 30 days later is Friday 2026-07-31, a working day.
    services.obligation_condition_met(
        actor=None, obligation=obligation, met_on=datetime.date(2026, 7, 1)
    )
    obligation.refresh_from_db()
    assert obligation.due_date == datetime.date(2026, 7, 31)


def test_a_period_after_the_condition_ending_on_a_sunday_ends_on_the_monday():
    # Met on Wednesday 2026-07-01; 32 days end on Sunday 2026-08-02, so Monday 08-03.
    assert ar.condition_due_date(datetime.date(2026, 7, 1), 32) == datetime.date(2026, 8, 3)
    assert ar.condition_due_date(datetime.date(2026, 7, 1), 0) == datetime.date(2026, 7, 1)


def test_an_obligation_needs_a_date_or_a_condition(purchaser):
    with pytest.raises(ValidationError):
        make_obligation(make_agreement(purchaser), due=None, condition="")


def test_a_condition_cannot_be_met_in_the_future_or_before_signing(purchaser):
    obligation = make_obligation(make_agreement(purchaser), condition="企业投产")
    for day in (datetime.date(2026, 11, 21), SIGNED - datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            services.obligation_condition_met(actor=None, obligation=obligation, met_on=day)
        assert "met_on" in error.value.message_dict
    obligation.refresh_from_db()
    assert obligation.condition_met_on is None


# --- fulfilment and payments -----------------------------------------------------------------


def test_an_obligation_is_fulfilled_on_the_day_its_amount_is_paid_in_full(purchaser):
    obligation = make_obligation(make_agreement(purchaser), due=DUE, amount="500000")
    record_payment(obligation, date=datetime.date(2026, 6, 1), amount="200000")
    obligation.refresh_from_db()
    assert obligation.fulfilled_on is None
    record_payment(obligation, date=datetime.date(2026, 6, 30), amount="300000")
    obligation.refresh_from_db()
    assert obligation.fulfilled_on == DUE
    assert obligation.paid_total() == Decimal("500000.00")


def test_payments_cannot_exceed_the_obligation_by_a_cent(purchaser):
    obligation = make_obligation(make_agreement(purchaser), due=DUE, amount="500000")
    record_payment(obligation, date=datetime.date(2026, 6, 1), amount="499999.99")
    with pytest.raises(ValidationError) as error:
        record_payment(obligation, date=datetime.date(2026, 6, 2), amount="0.02")
    assert "amount" in error.value.message_dict
    assert obligation.events.count() == 1


def test_a_thing_to_do_is_fulfilled_by_an_event_that_completes_it(purchaser):
    obligation = make_obligation(
        make_agreement(purchaser), due=DUE, amount=None, description="交付项目用地"
    )
    services.obligation_event_record(
        actor=None,
        event=ObligationEvent(
            obligation=obligation,
            date=datetime.date(2026, 7, 2),
            description="土地交付",
            completes=True,
        ),
    )
    obligation.refresh_from_db()
    assert obligation.fulfilled_on == datetime.date(2026, 7, 2)
    assert (
        ar.obligation_status(due_date=DUE, fulfilled_on=obligation.fulfilled_on, as_of=DUE)
        == "kept_late"
    )


# --- overdue, at its boundary ----------------------------------------------------------------


def test_on_the_due_day_an_unfulfilled_obligation_is_not_overdue(purchaser):
    obligation = make_obligation(make_agreement(purchaser), due=DUE)
    services.obligations_scan(DUE)
    assert not flags_of(obligation).exists()
    assert ar.obligation_status(due_date=DUE, fulfilled_on=None, as_of=DUE) == "not_due"
    assert ar.days_overdue(DUE, DUE) == 0


def test_one_day_after_the_due_day_the_obligation_is_flagged_once(purchaser):
    obligation = make_obligation(make_agreement(purchaser), due=DUE)
    next_day = DUE + datetime.timedelta(days=1)
    services.obligations_scan(next_day)
    services.obligations_scan(next_day)
    flag = flags_of(obligation).get()
    assert flag.evidence["days_overdue"] == 1
    assert flag.purchaser == purchaser
    assert "1" in flag.describe()
    # The open flag's figures follow the days.
    services.obligations_scan(DUE + datetime.timedelta(days=10))
    flag.refresh_from_db()
    assert flag.evidence["days_overdue"] == 10
    assert flags_of(obligation).count() == 1


def test_an_obligation_fulfilled_on_its_due_day_is_never_flagged(purchaser):
    obligation = make_obligation(make_agreement(purchaser), due=DUE, amount="1000")
    record_payment(obligation, date=DUE, amount="1000")
    services.obligations_scan(datetime.date(2026, 11, 20))
    assert not flags_of(obligation).exists()


def test_an_obligation_fulfilled_a_day_late_is_flagged_with_its_fulfilment(purchaser):
    obligation = make_obligation(make_agreement(purchaser), due=DUE, amount="1000")
    record_payment(obligation, date=DUE + datetime.timedelta(days=1), amount="1000")
    services.obligations_scan(datetime.date(2026, 11, 20))
    flag = flags_of(obligation).get()
    assert flag.evidence["days_overdue"] == 1
    assert flag.evidence["provisional"] is False


# --- flag -> violation -> dishonesty record --------------------------------------------------


def test_a_confirmed_overdue_obligation_becomes_a_violation_and_a_draft_record(
    purchaser, nanjing_supervisor
):
    obligation = make_obligation(make_agreement(purchaser), due=DUE)
    services.obligations_scan(DUE + datetime.timedelta(days=40))
    flag = flags_of(obligation).get()
    violation = services.flag_confirm(
        actor=nanjing_supervisor,
        flag=flag,
        severity="serious",
        decision_number="宁信办〔2026〕12号",
        issuing_authority="南京市信用办",
    )
    assert violation.kind == ViolationKind.AGREEMENT_BREACH
    assert violation.record.category == RecordCategory.BROKEN_COMMITMENT
    assert violation.record.status == RecordStatus.DRAFT
    assert violation.record.department == purchaser
    assert "40" in violation.facts
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CONFIRMED


def test_an_overdue_obligation_can_be_dismissed_with_reasons_only(purchaser, nanjing_supervisor):
    obligation = make_obligation(make_agreement(purchaser), due=DUE)
    services.obligations_scan(DUE + datetime.timedelta(days=2))
    flag = flags_of(obligation).get()
    with pytest.raises(ValidationError):
        services.flag_dismiss(actor=nanjing_supervisor, flag=flag, reason=" ")
    services.flag_dismiss(actor=nanjing_supervisor, flag=flag, reason="企业未达到约定投产条件")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.DISMISSED
    # A dismissed flag is not raised again, however often the scan runs.
    services.obligations_scan(DUE + datetime.timedelta(days=30))
    assert flags_of(obligation).count() == 1


# --- a change of head ------------------------------------------------------------------------


def _change_head(department, name, since):
    department.head_name = name
    department.head_since = since
    department.save()


def test_a_change_of_head_leaves_the_obligation_as_it_was(purchaser):
    obligation = make_obligation(make_agreement(purchaser), due=DUE, amount="500000")
    _change_head(purchaser, "新局长", datetime.date(2026, 3, 1))
    obligation.refresh_from_db()
    assert (obligation.due_date, obligation.amount, obligation.fulfilled_on) == (
        DUE,
        Decimal("500000.00"),
        None,
    )
    assert obligation.agreement.department == purchaser


def test_an_obligation_overdue_after_a_change_of_head_is_marked(purchaser):
    _change_head(purchaser, "老局长", datetime.date(2024, 1, 1))
    obligation = make_obligation(make_agreement(purchaser, signed=SIGNED), due=DUE)
    _change_head(purchaser, "新局长", datetime.date(2026, 3, 1))
    services.obligations_scan(DUE + datetime.timedelta(days=1))
    obligation.refresh_from_db()
    assert obligation.head_changed_on == datetime.date(2026, 3, 1)
    flag = flags_of(obligation).get()
    assert flag.evidence["head_changed_on"] == "2026-03-01"
    assert "新官不理旧账" in flag.describe()


@pytest.mark.parametrize(
    "change, marked",
    [
        (SIGNED, False),  # on the signing day: the head who signed
        (SIGNED + datetime.timedelta(days=1), True),
        (DUE + datetime.timedelta(days=1), True),  # on the first overdue day
        (DUE + datetime.timedelta(days=2), False),  # after it fell overdue
    ],
)
def test_the_change_of_head_counts_after_signing_up_to_the_first_overdue_day(change, marked):
    found = ar.head_change_before_overdue(signed_date=SIGNED, due_date=DUE, head_changes=[change])
    assert (found == change) is marked


def test_head_changes_are_read_from_the_department_history(purchaser):
    _change_head(purchaser, "甲", datetime.date(2025, 1, 1))
    _change_head(purchaser, "乙", datetime.date(2026, 2, 1))
    assert services.head_changes(purchaser) == [
        datetime.date(2025, 1, 1),
        datetime.date(2026, 2, 1),
    ]


# --- reminders and scope ---------------------------------------------------------------------


def test_an_unfulfilled_obligation_is_a_deadline_with_reminders(purchaser):
    obligation = make_obligation(make_agreement(purchaser), due=DUE)
    items = list(SOURCES["agreement_obligation"].items(DUE, DUE))
    assert [item.object_id for item in items] == [obligation.pk]
    title, _message = items[0].describe(3)
    assert obligation.agreement.number in title
    record_payment(obligation, date=datetime.date(2026, 6, 1), amount="500000")
    assert list(SOURCES["agreement_obligation"].items(DUE, DUE)) == []


def test_a_city_supervisor_cannot_write_another_citys_agreement(
    suzhou_purchaser, nanjing_supervisor
):
    from core.exceptions import OutOfScope

    agreement = make_agreement(suzhou_purchaser)
    with pytest.raises(OutOfScope):
        make_obligation(agreement, due=DUE, actor=nanjing_supervisor)


def test_an_individual_business_is_recognised_by_its_credit_code(purchaser):
    assert make_agreement(purchaser, individual=True).counterparty_is_individual
    assert not make_agreement(purchaser).counterparty_is_individual
