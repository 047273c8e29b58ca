"""Disclosure periods, credit repair and what a record does to its department: eligibility
for honours (荣誉评选资格) and the credit standing, on the days where they change."""

import csv
import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from core.exceptions import WorkflowConflict
from core.models import Department
from credit_records import selectors, services
from credit_records.models import (
    CreditRepairApplication,
    DishonestyRecord,
    RecordEvent,
    Rectification,
    ReviewStatus,
)

from ..builders.core import DepartmentFactory
from ..builders.records import RecordFactory, make_record

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date


@pytest.fixture
def on(time_machine):
    """``on(date)``: from now on "today" is ``date`` (noon in Shanghai, the clock stopped)."""

    def _move(date: datetime.date) -> None:
        time_machine.move_to(
            datetime.datetime.combine(date, datetime.time(12), tzinfo=SHANGHAI), tick=False
        )
        assert timezone.localdate() == date

    return _move


def eligibility(department: Department) -> tuple[bool, bool]:
    """What the department page says and what the lists and exports say, in that order."""
    annotated = selectors.with_honours_eligibility(Department.objects.filter(pk=department.pk))
    return selectors.honours_status(department).eligible, annotated.get().honours_eligible


# --- Disclosure windows -------------------------------------------------------------------------

MONTHS = {"minor": (0, 3), "general": (3, 12), "serious": (12, 36)}


@pytest.mark.parametrize(
    ("severity", "decided", "repair_from", "disclosed_until"),
    [
        ("minor", D(2025, 1, 31), D(2025, 1, 31), D(2025, 4, 30)),
        ("general", D(2025, 1, 31), D(2025, 4, 30), D(2026, 1, 31)),
        ("serious", D(2025, 1, 31), D(2026, 1, 31), D(2028, 1, 31)),
        ("minor", D(2024, 2, 29), D(2024, 2, 29), D(2024, 5, 29)),
        ("general", D(2024, 2, 29), D(2024, 5, 29), D(2025, 2, 28)),
        ("serious", D(2024, 2, 29), D(2025, 2, 28), D(2027, 2, 28)),
        ("general", D(2025, 11, 30), D(2026, 2, 28), D(2026, 11, 30)),
        ("serious", D(2025, 8, 31), D(2026, 8, 31), D(2028, 8, 31)),
        ("general", D(2026, 3, 31), D(2026, 6, 30), D(2027, 3, 31)),
    ],
)
def test_a_new_record_is_disclosed_for_its_severitys_period_from_the_decision_date(
    nanjing_department, severity, decided, repair_from, disclosed_until
):
    minimum, maximum = MONTHS[severity]
    # The table above, worked out by hand, agrees with calendar-month arithmetic.
    assert (decided + relativedelta(months=minimum), decided + relativedelta(months=maximum)) == (
        repair_from,
        disclosed_until,
    )

    record = RecordFactory(department=nanjing_department, severity=severity, decision_date=decided)

    record.refresh_from_db()
    assert (record.minimum_period_ends, record.disclosure_ends) == (repair_from, disclosed_until)


def test_editing_a_drafts_severity_and_date_moves_its_window(
    nanjing_department, nanjing_supervisor
):
    record = RecordFactory(department=nanjing_department, severity="minor")

    services.record_update(
        record=record,
        actor=nanjing_supervisor,
        severity="serious",
        decision_date=D(2024, 2, 29),
    )

    record.refresh_from_db()
    assert (record.minimum_period_ends, record.disclosure_ends) == (
        D(2025, 2, 28),
        D(2027, 2, 28),
    )


# --- Credit repair ------------------------------------------------------------------------------


@pytest.fixture
def rectified_record(on, nanjing_department, nanjing_supervisor, nanjing_liaison):
    """A general record decided on 2025-11-30 (a month end) and rectified within days."""
    on(D(2025, 12, 1))
    return make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        liaison=nanjing_liaison,
        state="verified",
        severity="general",
        decision_date=D(2025, 11, 30),
    )


def apply_for_repair(record, actor):
    return services.credit_repair_apply(
        record=record,
        actor=actor,
        commitment_text="本单位承诺今后依法按期支付中小企业款项",
        statement="欠款已全部付清，付款制度已修订",
    )


def test_repair_is_refused_the_day_before_the_minimum_period_ends_and_allowed_on_that_day(
    on, rectified_record, nanjing_liaison
):
    repair_from = rectified_record.decision_date + relativedelta(months=3)
    assert repair_from == D(2026, 2, 28)

    on(repair_from - datetime.timedelta(days=1))
    assert "apply-credit-repair" not in selectors.available_actions(
        rectified_record, nanjing_liaison
    )
    with pytest.raises(WorkflowConflict) as refused:
        apply_for_repair(rectified_record, nanjing_liaison)
    assert repair_from.isoformat() in refused.value.message
    assert not CreditRepairApplication.objects.exists()
    assert not RecordEvent.objects.filter(action="repair_applied").exists()

    on(repair_from)
    assert "apply-credit-repair" in selectors.available_actions(rectified_record, nanjing_liaison)
    application = apply_for_repair(rectified_record, nanjing_liaison)

    assert application.status == ReviewStatus.PENDING
    assert application.filed_by == nanjing_liaison
    # Ten working days after Saturday 28 February: Monday 2 March to Friday 13 March.
    assert application.review_due == D(2026, 3, 13)
    assert RecordEvent.objects.filter(record=rectified_record, action="repair_applied").exists()


def test_repair_is_refused_once_the_record_is_no_longer_disclosed(
    on, rectified_record, nanjing_liaison
):
    disclosed_until = rectified_record.decision_date + relativedelta(months=12)

    on(disclosed_until)
    with pytest.raises(WorkflowConflict):
        apply_for_repair(rectified_record, nanjing_liaison)
    assert "apply-credit-repair" not in selectors.available_actions(
        rectified_record, nanjing_liaison
    )

    on(disclosed_until - datetime.timedelta(days=1))
    apply_for_repair(rectified_record, nanjing_liaison)


def test_an_approved_repair_ends_the_disclosure_on_the_day_of_the_decision(
    on, rectified_record, nanjing_department, nanjing_liaison, nanjing_supervisor
):
    on(D(2026, 3, 2))
    application = apply_for_repair(rectified_record, nanjing_liaison)
    assert selectors.department_standing(nanjing_department).grade == "C"  # verified, not closed

    on(D(2026, 3, 9))
    services.credit_repair_decide(
        application=application, actor=nanjing_supervisor, approve=True, reason="已纠正失信行为"
    )

    record = DishonestyRecord.objects.get(pk=rectified_record.pk)
    assert record.disclosure_ended_early_on == D(2026, 3, 9)
    assert record.disclosure_ends == D(2026, 11, 30)  # the legal window itself is unchanged
    assert record.history.first().history_user == nanjing_supervisor
    event = RecordEvent.objects.filter(record=record).last()
    assert (event.action, event.actor, event.reason) == (
        "repair_approved",
        nanjing_supervisor,
        "已纠正失信行为",
    )
    # A repaired record no longer counts against the department's standing...
    assert selectors.department_standing(nanjing_department).grade == "A"
    # ...and cannot be repaired twice.
    assert "apply-credit-repair" not in selectors.available_actions(record, nanjing_liaison)
    with pytest.raises(WorkflowConflict):
        apply_for_repair(record, nanjing_liaison)


def test_a_rejected_repair_keeps_the_record_disclosed(
    on, rectified_record, nanjing_liaison, nanjing_supervisor
):
    on(D(2026, 3, 2))
    application = apply_for_repair(rectified_record, nanjing_liaison)

    services.credit_repair_decide(
        application=application, actor=nanjing_supervisor, approve=False, reason="证明材料不足"
    )

    record = DishonestyRecord.objects.get(pk=rectified_record.pk)
    assert record.disclosure_ended_early_on is None
    assert RecordEvent.objects.filter(record=record).last().action == "repair_rejected"
    # The department may apply again.
    assert "apply-credit-repair" in selectors.available_actions(record, nanjing_liaison)


# --- Eligibility for honours --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "eligible"),
    [
        ("draft", True),
        ("confirmed", False),
        ("rectification_required", False),
        ("in_progress", False),
        ("report_submitted", False),
        ("verified", False),
        ("closed", False),  # closed today: the minimum period after closing has not passed
        ("exempted", True),
    ],
)
def test_a_department_loses_its_eligibility_for_honours_while_a_record_counts_against_it(
    nanjing_department, suzhou_department, state, eligible
):
    record = make_record(nanjing_department, state=state)
    make_record(suzhou_department, state="confirmed")  # another department's record

    assert eligibility(nanjing_department) == (eligible, eligible)
    status = selectors.honours_status(nanjing_department)
    assert status.restricting_records == ([] if eligible else [record])


@pytest.mark.parametrize(
    ("severity", "closed_on"),
    [
        ("general", D(2026, 5, 15)),
        ("general", D(2025, 11, 30)),  # three months later has no 30th: 28 February
        ("general", D(2025, 8, 31)),
        ("serious", D(2024, 2, 29)),  # a year later has no 29 February
        ("serious", D(2025, 6, 10)),
    ],
)
def test_a_closed_record_keeps_the_department_ineligible_for_its_minimum_period_after_closing(
    on, nanjing_department, severity, closed_on
):
    months = MONTHS[severity][0]
    restored_on = closed_on + relativedelta(months=months)
    on(closed_on - datetime.timedelta(days=20))
    record = make_record(
        nanjing_department,
        state="verified",
        severity=severity,
        decision_date=closed_on - datetime.timedelta(days=30),
    )
    on(closed_on)
    services.record_close(record=record, actor=None, reason="整改完成")

    on(restored_on - datetime.timedelta(days=1))
    assert eligibility(nanjing_department) == (False, False)
    assert selectors.honours_status(nanjing_department).restored_on == restored_on

    on(restored_on)
    assert eligibility(nanjing_department) == (True, True)


def test_a_closed_minor_record_restores_eligibility_at_once(on, nanjing_department):
    on(D(2026, 9, 1))
    record = make_record(
        nanjing_department, state="verified", severity="minor", decision_date=D(2026, 8, 20)
    )
    assert eligibility(nanjing_department) == (False, False)

    services.record_close(record=record, actor=None, reason="整改完成")

    assert eligibility(nanjing_department) == (True, True)


def test_every_restricting_record_must_have_run_its_course(on, nanjing_department):
    """Two closed records: eligibility comes back when the later one's period ends."""
    on(D(2026, 1, 5))
    general = make_record(nanjing_department, state="verified", decision_date=D(2026, 1, 2))
    serious = make_record(
        nanjing_department, state="verified", severity="serious", decision_date=D(2026, 1, 2)
    )
    on(D(2026, 1, 10))
    services.record_close(record=general, actor=None, reason="整改完成")
    services.record_close(record=serious, actor=None, reason="整改完成")

    on(D(2026, 4, 10))
    assert eligibility(nanjing_department) == (False, False)
    assert selectors.honours_status(nanjing_department).restricting_records == [serious]
    assert selectors.honours_status(nanjing_department).restored_on == D(2027, 1, 10)
    on(D(2027, 1, 10))
    assert eligibility(nanjing_department) == (True, True)


def test_the_department_list_and_its_export_show_eligibility_for_honours(
    login, nanjing_supervisor, regions
):
    barred = DepartmentFactory(name="南京市财政局", region=regions["320100"])
    clean = DepartmentFactory(name="南京市审计局", region=regions["320100"])
    make_record(barred, state="rectification_required")
    client = login(nanjing_supervisor)

    page = client.get("/workspace/departments/")
    assert {d.name: d.honours_eligible for d in page.context["object_list"]} == {
        barred.name: False,
        clean.name: True,
    }
    html = page.content.decode()
    for department, badge in ((barred, "已取消"), (clean, "具备")):
        [row] = re.findall(rf"<tr>\s*<td><a [^>]*>{department.name}</a>.*?</tr>", html, re.S)
        assert badge in row

    export = client.get("/workspace/departments/", {"export": "csv"})
    assert export.status_code == 200
    header, *rows = csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")))
    column = header.index("荣誉评选资格")
    assert {row[0]: row[column] for row in rows} == {barred.name: "否", clean.name: "是"}


# --- Credit standing ----------------------------------------------------------------------------


def test_a_department_with_no_records_is_graded_a(nanjing_department):
    standing = selectors.department_standing(nanjing_department)
    assert standing.grade == "A"
    assert len(standing.reasons) == 1


@pytest.mark.parametrize("state", ["draft", "exempted"])
def test_drafts_and_exempted_records_do_not_count_against_the_standing(nanjing_department, state):
    make_record(nanjing_department, state=state, severity="serious")
    assert selectors.department_standing(nanjing_department).grade == "A"


@pytest.mark.parametrize(
    ("severity", "state", "grade"),
    [
        ("general", "confirmed", "C"),
        ("general", "in_progress", "C"),
        ("serious", "confirmed", "D"),
        ("serious", "report_submitted", "D"),
        ("general", "closed", "B"),  # closed, still inside its disclosure window
        ("minor", "confirmed", "B"),
    ],
)
def test_an_open_record_sets_the_grade_by_its_severity_with_its_decision_number_as_the_reason(
    nanjing_department, severity, state, grade
):
    record = make_record(nanjing_department, state=state, severity=severity)

    standing = selectors.department_standing(nanjing_department)

    assert standing.grade == grade
    [reason] = standing.reasons
    assert record.decision_number in reason


def test_an_overdue_rectification_grades_the_department_d(on, nanjing_department):
    on(D(2026, 6, 1))
    record = make_record(nanjing_department, state="in_progress", severity="general")
    deadline = Rectification.objects.get(record=record).deadline

    on(deadline)
    assert selectors.department_standing(nanjing_department).grade == "C"  # due today: not late

    on(deadline + datetime.timedelta(days=1))
    standing = selectors.department_standing(nanjing_department)
    assert standing.grade == "D"
    [reason] = standing.reasons
    assert record.decision_number in reason
    assert deadline.isoformat() in reason


def test_the_worst_record_decides_the_grade_and_every_record_gives_a_reason(nanjing_department):
    general = make_record(nanjing_department, state="confirmed", severity="general")
    serious = make_record(nanjing_department, state="confirmed", severity="serious")

    standing = selectors.department_standing(nanjing_department)

    assert standing.grade == "D"
    assert len(standing.reasons) == 2
    assert any(general.decision_number in reason for reason in standing.reasons)
    assert any(serious.decision_number in reason for reason in standing.reasons)
