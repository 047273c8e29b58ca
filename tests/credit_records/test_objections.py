"""Objections to a record (异议申诉): who may file and decide, the time limits by the
working-day calendar, reminders and the escalation ladder, what the public sees while one is
pending or after its decision, corrections with history, withdrawal lifting the honours
restriction, and the rule against raising rejected grounds again."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from core.exceptions import OutOfScope, WorkflowConflict
from core.models import CalendarDay, Notification, NotificationKind
from credit_records import deadlines, selectors, services
from credit_records.models import (
    AccountabilityEntry,
    Objection,
    ObjectionOutcome,
    ObjectionStatus,
    RecordEvent,
    RecordStatus,
    Severity,
)
from credit_records.objection_deadlines import escalate_overdue_objections

from ..builders.clock import at
from ..builders.core import UserFactory
from ..builders.files import pdf_bytes
from ..builders.records import OfficialFactory, make_objection, make_record

pytestmark = pytest.mark.django_db

# Thursday 30 April 2026, the day before a Labour Day break. The calendar below is built for
# the test (its rows are what an administrator enters from the State Council's notice): 1–5
# May off, Saturday 9 May a working day (调休).
THURSDAY = datetime.date(2026, 4, 30)


@pytest.fixture
def labour_day_break(db):
    # Weekends are seeded already: the holiday's rows replace theirs.
    for day in range(1, 6):
        CalendarDay.objects.update_or_create(
            date=datetime.date(2026, 5, day), defaults={"is_working_day": False, "note": "劳动节"}
        )
    CalendarDay.objects.update_or_create(
        date=datetime.date(2026, 5, 9), defaults={"is_working_day": True, "note": "劳动节调休"}
    )


@pytest.fixture
def no_holidays(db):
    """The calendar as it would be without the State Council's notice (the migrations fill it
    from chinese-calendar): Monday to Friday working days, weekends off."""
    CalendarDay.objects.all().delete()


@pytest.fixture
def record(nanjing_department, nanjing_supervisor, nanjing_liaison):
    return make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        liaison=nanjing_liaison,
        state="confirmed",
        decision_number="宁财罚〔2026〕12号",
        decision_date=datetime.date(2026, 3, 2),
    )


def filed_on(time_machine, day, record, liaison, **kwargs):
    time_machine.move_to(at(day, 10), tick=False)
    return make_objection(record, actor=liaison, **kwargs)


# --- time limits ----------------------------------------------------------------------------


def test_the_time_limits_count_working_days_from_the_day_after_filing_across_a_holiday(
    time_machine, labour_day_break, record, nanjing_liaison
):
    objection = filed_on(time_machine, THURSDAY, record, nanjing_liaison)

    # Acknowledge within 2 working days: Fri 1 to Tue 5 May are off (holiday and weekend), so
    # the 1st working day is Wed 6 May and the 2nd Thu 7 May.
    assert objection.acknowledge_due == datetime.date(2026, 5, 7)
    # Decide within 10 working days: 6, 7, 8, Sat 9 (调休), 11, 12, 13, 14, 15 May are the
    # 1st to 9th; the weekend of 16–17 May is off; Mon 18 May is the 10th.
    assert objection.decide_due == datetime.date(2026, 5, 18)


def test_without_a_holiday_the_same_filing_is_due_after_two_and_ten_plain_working_days(
    no_holidays, time_machine, record, nanjing_liaison
):
    objection = filed_on(time_machine, THURSDAY, record, nanjing_liaison)

    # Fri 1 May, then Mon 4 May.
    assert objection.acknowledge_due == datetime.date(2026, 5, 4)
    # 1, 4, 5, 6, 7, 8, 11, 12, 13, 14 May.
    assert objection.decide_due == datetime.date(2026, 5, 14)


@override_settings(
    CHENGXIN_OBJECTION_ACKNOWLEDGE_WORKING_DAYS=1, CHENGXIN_OBJECTION_DECISION_WORKING_DAYS=3
)
def test_the_time_limits_are_settings(no_holidays, time_machine, record, nanjing_liaison):
    objection = filed_on(time_machine, THURSDAY, record, nanjing_liaison)

    assert objection.acknowledge_due == datetime.date(2026, 5, 1)
    assert objection.decide_due == datetime.date(2026, 5, 5)  # 1, 4, 5 May


def test_the_office_is_reminded_before_each_time_limit_and_not_after_acting(
    no_holidays, time_machine, record, nanjing_liaison, nanjing_supervisor
):
    objection = filed_on(time_machine, THURSDAY, record, nanjing_liaison)  # due 4 and 14 May
    Notification.objects.all().delete()

    time_machine.move_to(at(datetime.date(2026, 5, 1), 0, 30), tick=False)
    deadlines.run_scan()
    reminders = Notification.objects.filter(kind=NotificationKind.REMINDER)
    # Three days before the acknowledgement is due (the 3-day stage), to the office only.
    assert [(n.recipient.username, n.title) for n in reminders] == [
        ("nanjing", "宁财罚〔2026〕12号 的异议须还有 3 天确认受理"),
    ]
    services.objection_acknowledge(objection=objection, actor=nanjing_supervisor)
    time_machine.move_to(at(datetime.date(2026, 5, 3), 0, 30), tick=False)
    deadlines.run_scan()
    assert reminders.count() == 1  # acknowledged: no one-day reminder

    time_machine.move_to(at(datetime.date(2026, 5, 7), 0, 30), tick=False)
    deadlines.run_scan()
    assert reminders.latest("pk").title == "宁财罚〔2026〕12号 的异议须还有 7 天作出决定"


def test_an_undecided_objection_is_overdue_the_day_after_its_due_day_then_escalated(
    no_holidays, time_machine, record, nanjing_liaison, nanjing_supervisor, province_supervisor
):
    objection = filed_on(time_machine, THURSDAY, record, nanjing_liaison)  # decide by 14 May
    Notification.objects.all().delete()

    # Step 1 one day after the due day (CHENGXIN_OBJECTION_ESCALATION_DAYS = 1, 5): not on
    # 14 May itself, on 15 May; step 2 five days later, on 20 May, not on 19 May.
    assert escalate_overdue_objections(datetime.date(2026, 5, 14)) == 0
    assert escalate_overdue_objections(datetime.date(2026, 5, 15)) == 1
    assert escalate_overdue_objections(datetime.date(2026, 5, 15)) == 0  # once
    overdue = Notification.objects.filter(kind=NotificationKind.OVERDUE)
    assert {n.recipient.username for n in overdue} == {"nanjing", "liaison"}
    assert escalate_overdue_objections(datetime.date(2026, 5, 19)) == 0
    assert escalate_overdue_objections(datetime.date(2026, 5, 20)) == 1

    objection.refresh_from_db()
    assert objection.escalation_level == 2
    assert objection.escalated_to.code == "320000"
    escalated = Notification.objects.filter(kind=NotificationKind.ESCALATED)
    assert {n.recipient.username for n in escalated} == {"province", "liaison"}
    actions = list(
        record.events.filter(action__startswith="objection").values_list("action", flat=True)
    )
    assert actions == ["objection_filed", "objection_overdue", "objection_escalated"]
    with translation.override("zh-hans"):
        reasons = [e.display_reason for e in record.events.filter(action="objection_overdue")]
    assert reasons == ["异议应于 2026-05-14 前作出决定。"]


def test_a_decision_stops_the_ladder(time_machine, record, nanjing_liaison, nanjing_supervisor):
    objection = filed_on(time_machine, THURSDAY, record, nanjing_liaison)
    services.objection_decide(
        objection=objection, actor=nanjing_supervisor, uphold=False, reason="事实清楚，证据确凿"
    )

    assert escalate_overdue_objections(datetime.date(2026, 6, 30)) == 0


def test_a_scan_missed_for_days_takes_both_steps_at_once(time_machine, record, nanjing_liaison):
    filed_on(time_machine, THURSDAY, record, nanjing_liaison)

    assert escalate_overdue_objections(datetime.date(2026, 6, 1)) == 2


# --- filing -----------------------------------------------------------------------------------


def test_the_liaison_files_with_evidence_and_both_sides_are_told(
    record, nanjing_liaison, nanjing_supervisor, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    Notification.objects.all().delete()
    evidence = SimpleUploadedFile(
        "付款凭证.pdf", pdf_bytes(title="付款凭证"), content_type="application/pdf"
    )

    objection = make_objection(record, actor=nanjing_liaison, files=[evidence])

    assert objection.status == ObjectionStatus.PENDING
    assert objection.filed_on_behalf is False
    assert objection.attachments.get().original_name == "付款凭证.pdf"
    event = record.events.get(action="objection_filed")
    assert event.actor == nanjing_liaison
    assert event.reason.startswith("事实认定有误：")
    told = {n.recipient.username: n.title for n in Notification.objects.all()}
    assert told == {
        "nanjing": "待决定异议：宁财罚〔2026〕12号",
        "liaison": "异议已提交：宁财罚〔2026〕12号",
    }


def test_the_provincial_platform_files_on_the_departments_behalf(record, province_supervisor):
    objection = make_objection(record, actor=province_supervisor)

    assert objection.filed_on_behalf is True


def test_evidence_is_checked_by_its_content_and_a_bad_file_files_nothing(
    record, nanjing_liaison, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    with pytest.raises(ValidationError) as raised:
        make_objection(record, actor=nanjing_liaison, files=[fake])

    assert "files" in raised.value.message_dict
    assert not Objection.objects.exists()
    assert not record.events.filter(action="objection_filed").exists()


@pytest.mark.parametrize(
    ("grounds", "explanation", "field"),
    [("", "理由", "grounds"), ("made_up", "理由", "grounds"), ("facts_wrong", "  ", "explanation")],
)
def test_missing_or_unknown_input_is_refused_with_a_translated_error(
    record, nanjing_liaison, grounds, explanation, field
):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        make_objection(record, actor=nanjing_liaison, grounds=grounds, explanation=explanation)

    message = raised.value.message_dict[field][0]
    assert message in ("请选择异议理由。", "请说明记录错在何处。")
    assert not Objection.objects.exists()


def test_a_draft_or_exempted_record_cannot_be_objected_to(
    nanjing_department, nanjing_supervisor, nanjing_liaison
):
    draft = make_record(nanjing_department, state="draft")
    exempted = make_record(nanjing_department, actor=nanjing_supervisor, state="exempted")

    for record in (draft, exempted):
        with pytest.raises(WorkflowConflict):
            make_objection(record, actor=nanjing_liaison)


def test_a_closed_record_can_still_be_objected_to(nanjing_department, nanjing_liaison):
    record = make_record(nanjing_department, liaison=nanjing_liaison, state="closed")

    assert make_objection(record, actor=nanjing_liaison).is_pending


def test_one_objection_at_a_time(record, nanjing_liaison):
    make_objection(record, actor=nanjing_liaison)

    with pytest.raises(WorkflowConflict):
        make_objection(record, actor=nanjing_liaison, grounds="other")


def test_rejected_grounds_cannot_be_raised_again_but_other_grounds_can(
    record, nanjing_liaison, nanjing_supervisor
):
    first = make_objection(record, actor=nanjing_liaison, grounds="facts_wrong")
    services.objection_decide(
        objection=first, actor=nanjing_supervisor, uphold=False, reason="付款记录显示逾期"
    )

    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        make_objection(record, actor=nanjing_liaison, grounds="facts_wrong")
    assert "不得以相同理由再次提出" in raised.value.message_dict["grounds"][0]
    assert record.objections.count() == 1

    second = make_objection(record, actor=nanjing_liaison, grounds="fault_tolerance")
    assert second.is_pending


# --- scope and roles --------------------------------------------------------------------------


def test_another_departments_liaison_and_an_auditor_cannot_file(record, auditor, regions):
    other = UserFactory(
        username="other-liaison",
        role="Department liaison",
        department=make_record(state="draft").department,
    )

    with pytest.raises(OutOfScope):
        make_objection(record, actor=other)
    with pytest.raises(PermissionDenied):
        make_objection(record, actor=auditor)
    assert not Objection.objects.exists()


def test_only_the_office_in_scope_decides(
    record, nanjing_liaison, suzhou_supervisor, nanjing_supervisor
):
    objection = make_objection(record, actor=nanjing_liaison)

    with pytest.raises(OutOfScope):
        services.objection_decide(
            objection=objection, actor=suzhou_supervisor, uphold=False, reason="不属实"
        )
    with pytest.raises(PermissionDenied):
        services.objection_decide(
            objection=objection,
            actor=nanjing_liaison,
            uphold=True,
            reason="自己决定",
            outcome="withdrawn",
        )
    with pytest.raises(OutOfScope):
        services.objection_acknowledge(objection=objection, actor=suzhou_supervisor)
    objection.refresh_from_db()
    assert objection.is_pending
    assert not objection.acknowledged_at


def test_an_objection_is_decided_once(record, nanjing_liaison, nanjing_supervisor):
    objection = make_objection(record, actor=nanjing_liaison)
    services.objection_decide(
        objection=objection, actor=nanjing_supervisor, uphold=False, reason="证据不足"
    )

    with pytest.raises(WorkflowConflict):
        services.objection_decide(
            objection=objection,
            actor=nanjing_supervisor,
            uphold=True,
            reason="改判",
            outcome="withdrawn",
        )


# --- publication while pending ------------------------------------------------------------------


def public_ids():
    return set(selectors.published_records().values_list("pk", flat=True))


def test_a_pending_objection_is_shown_and_a_suspension_takes_the_record_off_until_the_decision(
    record, nanjing_liaison, nanjing_supervisor
):
    objection = make_objection(record, actor=nanjing_liaison)
    shown = selectors.public_record_queryset().get(pk=record.pk)
    assert shown.objection_pending is True

    services.objection_acknowledge(
        objection=objection, actor=nanjing_supervisor, suspend_disclosure=True, note="待核实"
    )
    assert record.pk not in public_ids()
    assert record.events.filter(action="disclosure_suspended").exists()

    services.objection_decide(
        objection=objection, actor=nanjing_supervisor, uphold=False, reason="事实清楚"
    )
    assert record.pk in public_ids()
    assert selectors.public_record_queryset().get(pk=record.pk).objection_pending is False


def test_suspending_twice_or_after_the_decision_is_a_conflict(
    record, nanjing_liaison, nanjing_supervisor
):
    objection = make_objection(record, actor=nanjing_liaison)
    services.objection_suspend_disclosure(
        objection=objection, actor=nanjing_supervisor, reason="核实期间暂停公示"
    )
    objection.refresh_from_db()
    assert objection.acknowledged_at is not None  # suspending acknowledges it too

    with pytest.raises(WorkflowConflict):
        services.objection_suspend_disclosure(
            objection=objection, actor=nanjing_supervisor, reason="再次"
        )


# --- decisions --------------------------------------------------------------------------------


def test_an_upheld_correction_changes_the_fields_with_history_and_the_timeline(
    record, nanjing_liaison, nanjing_supervisor
):
    objection = make_objection(record, actor=nanjing_liaison, grounds="severity_or_period")

    services.objection_decide(
        objection=objection,
        actor=nanjing_supervisor,
        uphold=True,
        outcome=ObjectionOutcome.CORRECTED,
        reason="情节较轻，应认定为轻微失信",
        corrections={"severity": Severity.MINOR, "issuing_authority": "南京市财政局"},
    )

    record.refresh_from_db()
    assert record.severity == Severity.MINOR
    assert record.issuing_authority == "南京市财政局"
    # A minor record is disclosed at most 3 months from its decision (2 March 2026).
    assert record.minimum_period_ends == datetime.date(2026, 3, 2)
    assert record.disclosure_ends == datetime.date(2026, 6, 2)
    assert record.status == RecordStatus.CONFIRMED
    latest = record.history.first()
    assert latest.history_user == nanjing_supervisor
    assert "情节较轻" in latest.history_change_reason
    assert latest.prev_record.severity == Severity.GENERAL
    objection.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.CORRECTED
    assert objection.corrections["severity"] == ["一般", "轻微"]
    event = record.events.get(action="objection_upheld")
    assert "严重程度：一般 → 轻微" in event.reason


def test_a_correction_the_record_refuses_changes_nothing(
    record, nanjing_liaison, nanjing_supervisor
):
    objection = make_objection(record, actor=nanjing_liaison)
    future = datetime.date.today() + datetime.timedelta(days=30)

    with pytest.raises(ValidationError):
        services.objection_decide(
            objection=objection,
            actor=nanjing_supervisor,
            uphold=True,
            outcome=ObjectionOutcome.CORRECTED,
            reason="更正决定日期",
            corrections={"decision_date": future},
        )
    with pytest.raises(ValidationError):
        services.objection_decide(
            objection=objection,
            actor=nanjing_supervisor,
            uphold=True,
            outcome=ObjectionOutcome.CORRECTED,
            reason="无实际更正",
            corrections={"severity": Severity.GENERAL},
        )

    objection.refresh_from_db()
    record.refresh_from_db()
    assert objection.is_pending
    assert record.decision_date == datetime.date(2026, 3, 2)
    assert not record.events.filter(action="objection_upheld").exists()


def test_upholding_needs_an_outcome_and_every_decision_needs_reasons(
    record, nanjing_liaison, nanjing_supervisor
):
    objection = make_objection(record, actor=nanjing_liaison)

    with pytest.raises(ValidationError) as raised:
        services.objection_decide(
            objection=objection, actor=nanjing_supervisor, uphold=True, reason="成立"
        )
    assert "outcome" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        services.objection_decide(
            objection=objection, actor=nanjing_supervisor, uphold=False, reason=" "
        )
    assert "reason" in raised.value.message_dict


def test_a_withdrawn_record_leaves_disclosure_and_lifts_the_honours_restriction(
    nanjing_department, nanjing_supervisor, nanjing_liaison
):
    official = OfficialFactory(department=nanjing_department, name="张晓明")
    record = make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        liaison=nanjing_liaison,
        state="rectification_required",
        officials=[official],
    )
    assert selectors.honours_status(nanjing_department).eligible is False
    assert record.pk in public_ids()
    objection = make_objection(record, actor=nanjing_liaison, grounds="not_attributable")
    Notification.objects.all().delete()

    services.objection_decide(
        objection=objection,
        actor=nanjing_supervisor,
        uphold=True,
        outcome=ObjectionOutcome.WITHDRAWN,
        reason="该行为系上级单位决定，不应归责于本部门",
    )

    record.refresh_from_db()
    assert record.status == RecordStatus.WITHDRAWN
    assert record.pk not in public_ids()
    assert selectors.honours_status(nanjing_department).eligible is True
    assert selectors.department_standing(nanjing_department).grade == "A"
    entry = AccountabilityEntry.objects.get(record=record)
    assert entry.exempted_at == Objection.objects.get().decided_at
    withdraw = record.events.get(action="withdraw")
    assert (withdraw.from_status, withdraw.to_status) == ("rectification_required", "withdrawn")
    told = sorted((n.recipient.username, n.title) for n in Notification.objects.all())
    title = f"异议成立，记录已撤销：{record.decision_number}"
    assert told == [("liaison", title), ("nanjing", title)]
    # The rectification's ladder and reminders stop: the record is no longer rectifying.
    assert deadlines.escalate_overdue(datetime.date.today() + datetime.timedelta(days=400)) == 0


def test_the_whole_exchange_is_on_the_records_timeline(record, nanjing_liaison, nanjing_supervisor):
    objection = make_objection(record, actor=nanjing_liaison)
    services.objection_acknowledge(objection=objection, actor=nanjing_supervisor, note="已受理")
    services.objection_decide(
        objection=objection, actor=nanjing_supervisor, uphold=False, reason="证据不足"
    )

    actions = list(
        RecordEvent.objects.filter(record=record)
        .exclude(action__in=["created", "confirm"])
        .values_list("action", "reason")
    )
    assert actions == [
        ("objection_filed", "事实认定有误：处罚决定认定的付款日期有误，实际已按期支付。"),
        ("objection_acknowledged", "已受理"),
        ("objection_rejected", "证据不足"),
    ]
