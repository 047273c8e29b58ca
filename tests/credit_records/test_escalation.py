"""The escalation ladder of an overdue rectification: overdue the day after the deadline,
escalated to the parent region's office 15 days later, accountability proposed 30 days after
that. Each step once, in order, recorded in the timeline and the audit history; verification
ends the ladder and a report awaiting verification pauses it."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from core.models import Department, Notification, NotificationKind
from credit_records import deadlines, selectors, services
from credit_records.models import (
    AccountabilityEntry,
    AccountabilityKind,
    DishonestyRecord,
    RecordEvent,
    Rectification,
    Severity,
)

from ..builders.clock import at, each_day
from ..builders.core import UserFactory
from ..builders.records import OfficialFactory, make_rectifying_record
from ..builders.tasks import celery_eager

pytestmark = pytest.mark.django_db

NUMBER = "宁江建罚〔2026〕9号"
REQUIRED_ON = datetime.date(2026, 3, 2)
DEADLINE = datetime.date(2026, 3, 22)
LADDER_EVENTS = ["overdue", "escalated", "accountability_proposed"]


@pytest.fixture
def county(jiangning_department, regions, nanjing_supervisor, province_supervisor):
    """Jiangning (county) with its liaison and its own credit office; Nanjing (city) above."""
    jiangning_department.head_name = "王局长"
    jiangning_department.head_email = "head@jiangning.gov.cn"
    jiangning_department.save()
    return {
        "department": jiangning_department,
        "liaison": UserFactory(
            username="jiangning-liaison",
            role="Department liaison",
            department=jiangning_department,
        ),
        "office": UserFactory(
            username="jiangning-office", role="Supervisor", region=regions["320115"]
        ),
        "city": nanjing_supervisor,
        "province": province_supervisor,
        "officials": [
            OfficialFactory(name="张三", department=jiangning_department),
            OfficialFactory(name="李四", department=jiangning_department),
        ],
    }


@pytest.fixture
def overdue_record(time_machine, county):
    """In progress, due on 22 March 2026, with two responsible officials."""
    time_machine.move_to(at(REQUIRED_ON), tick=False)
    record = make_rectifying_record(
        county["department"],
        deadline=DEADLINE,
        supervisor=county["office"],
        liaison=county["liaison"],
        decision_number=NUMBER,
        severity=Severity.GENERAL,
        officials=county["officials"],
    )
    Notification.objects.all().delete()  # the workflow's own, not the ladder's
    return record


def scan_on(time_machine, day, times=2):
    """Run the whole scan ``times`` over on ``day``; the scan reads the date itself."""
    time_machine.move_to(at(day, 3), tick=False)
    for _ in range(times):
        deadlines.run_scan()


def ladder(record):
    return list(
        RecordEvent.objects.filter(record=record, action__in=LADDER_EVENTS)
        .order_by("at", "pk")
        .values_list("action", "at__date")
    )


def told(kind):
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def level(record):
    return Rectification.objects.get(record=record).escalation_level


def after(days):
    return DEADLINE + datetime.timedelta(days=days)


def test_nothing_happens_on_the_deadline_day_itself(time_machine, overdue_record):
    for day in each_day(REQUIRED_ON, DEADLINE):
        scan_on(time_machine, day)

    assert level(overdue_record) == 0
    assert ladder(overdue_record) == []
    assert not Notification.objects.exclude(kind=NotificationKind.REMINDER).exists()


def test_the_day_after_the_deadline_the_rectification_becomes_overdue_once(
    time_machine, overdue_record, county, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        for day in each_day(after(1), after(15)):
            scan_on(time_machine, day)

    assert level(overdue_record) == 1
    assert ladder(overdue_record) == [("overdue", after(1))]
    # The liaison and the county's own office; the city hears nothing yet.
    assert told(NotificationKind.OVERDUE) == ["jiangning-liaison", "jiangning-office"]
    assert Notification.objects.exclude(kind=NotificationKind.OVERDUE).count() == 0
    overdue = Notification.objects.filter(kind=NotificationKind.OVERDUE).first()
    assert overdue.title == f"{NUMBER} 整改逾期"
    assert overdue.target == overdue_record
    # The department head has no account: told by email, once, in Chinese.
    to_head = [message for message in mail.outbox if message.to == ["head@jiangning.gov.cn"]]
    assert len(to_head) == 1
    assert to_head[0].subject == f"【诚信】{NUMBER} 整改逾期"
    assert "王局长" in to_head[0].body
    assert "2026-03-22" in to_head[0].body
    # The audit history has the step, with no user behind it.
    rows = Rectification.objects.get(record=overdue_record).history.filter(escalation_level=1)
    assert rows.count() == 1
    assert rows.get().history_user is None
    assert timezone.localtime(rows.get().history_date).date() == after(1)


def test_fifteen_days_later_it_is_escalated_to_the_parent_region_which_sees_it_on_its_home(
    time_machine, overdue_record, county, regions, login
):
    for day in each_day(after(1), after(15)):
        scan_on(time_machine, day)
    assert level(overdue_record) == 1

    for day in each_day(after(16), after(45)):
        scan_on(time_machine, day)

    rectification = Rectification.objects.get(record=overdue_record)
    assert rectification.escalation_level == 2
    assert rectification.escalated_to == regions["320100"]
    assert ladder(overdue_record) == [("overdue", after(1)), ("escalated", after(16))]
    # The city office it is escalated to, and the department: a warning before accountability.
    assert told(NotificationKind.ESCALATED) == ["jiangning-liaison", "nanjing"]
    assert rectification.history.filter(escalation_level=2, escalated_to=regions["320100"]).count()

    def escalations_panel(user):
        page = login(user).get("/workspace/").content.decode()
        return page.split('class="panel escalations"', 1)[1] if "panel escalations" in page else ""

    assert NUMBER in escalations_panel(county["city"])
    assert escalations_panel(county["office"]) == ""
    assert escalations_panel(county["province"]) == ""


def test_thirty_days_after_escalation_accountability_is_proposed_and_honours_stay_barred_longer(
    time_machine, overdue_record, county
):
    for day in each_day(after(1), after(50)):
        scan_on(time_machine, day)

    assert level(overdue_record) == 3
    assert ladder(overdue_record) == [
        ("overdue", after(1)),
        ("escalated", after(16)),
        ("accountability_proposed", after(46)),
    ]
    assert sorted(
        AccountabilityEntry.objects.filter(
            record=overdue_record, kind=AccountabilityKind.PROPOSAL
        ).values_list("official__name", flat=True)
    ) == ["张三", "李四"]
    # The entries from confirmation are still there beside the proposals.
    assert (
        AccountabilityEntry.objects.filter(
            record=overdue_record, kind=AccountabilityKind.RESPONSIBLE
        ).count()
        == 2
    )
    assert told(NotificationKind.ACCOUNTABILITY) == [
        "jiangning-liaison",
        "jiangning-office",
        "nanjing",
    ]
    record = DishonestyRecord.objects.get(pk=overdue_record.pk)
    assert record.honours_extended is True
    assert record.history.filter(honours_extended=True).count() == 1


@override_settings(CHENGXIN_HONOURS_EXTENSION_MONTHS=12)
def test_after_the_last_step_the_department_stays_barred_from_honours_fifteen_months_after_closing(
    time_machine, overdue_record, county
):
    for day in each_day(after(1), after(46)):
        scan_on(time_machine, day, times=1)
    closed_on = after(50)
    time_machine.move_to(at(closed_on), tick=False)
    services.record_submit_report(
        record=overdue_record, actor=county["liaison"], content="已付清全部欠款。"
    )
    services.record_verify(record=overdue_record, actor=county["office"], reason="凭证齐全")
    services.record_close(record=overdue_record, actor=county["office"], reason="整改完成")
    department = county["department"]

    def eligible(day):
        status = selectors.honours_status(department, today=day)
        annotated = selectors.with_honours_eligibility(
            Department.objects.filter(pk=department.pk), today=day
        ).get()
        assert annotated.honours_eligible is status.eligible
        return status.eligible

    # A general record bars honours for 3 months after closing; the ladder adds 12.
    assert not eligible(closed_on + relativedelta(months=3))
    assert not eligible(closed_on + relativedelta(months=15) - datetime.timedelta(days=1))
    assert eligible(closed_on + relativedelta(months=15))
    assert selectors.honours_status(
        department, today=closed_on + relativedelta(months=4)
    ).restored_on == closed_on + relativedelta(months=15)


def test_a_ladder_missed_for_weeks_takes_every_due_step_in_order_in_one_scan_and_only_once(
    time_machine, overdue_record, county
):
    time_machine.move_to(at(after(60), 3), tick=False)

    assert deadlines.escalate_overdue() == 3
    assert deadlines.escalate_overdue() == 0
    for _ in range(3):
        deadlines.run_scan()

    assert level(overdue_record) == 3
    assert [action for action, _day in ladder(overdue_record)] == LADDER_EVENTS
    assert told(NotificationKind.OVERDUE) == ["jiangning-liaison", "jiangning-office"]
    assert told(NotificationKind.ESCALATED) == ["jiangning-liaison", "nanjing"]
    assert told(NotificationKind.ACCOUNTABILITY) == [
        "jiangning-liaison",
        "jiangning-office",
        "nanjing",
    ]
    assert AccountabilityEntry.objects.filter(kind=AccountabilityKind.PROPOSAL).count() == len(
        county["officials"]
    )
    history = Rectification.objects.get(record=overdue_record).history.order_by("history_id")
    assert [row.escalation_level for row in history if row.escalation_level] == [1, 2, 3]


def test_a_scan_told_the_date_takes_the_steps_due_by_that_date(overdue_record):
    assert deadlines.run_scan(today=after(16))["escalation_steps"] == 2
    assert deadlines.run_scan(today=after(45))["escalation_steps"] == 0
    assert deadlines.run_scan(today=after(46))["escalation_steps"] == 1
    assert [action for action, _day in ladder(overdue_record)] == LADDER_EVENTS


def test_verification_in_the_meantime_ends_the_ladder(time_machine, overdue_record, county):
    scan_on(time_machine, after(1))
    time_machine.move_to(at(after(5)), tick=False)
    services.record_submit_report(
        record=overdue_record, actor=county["liaison"], content="已付清全部欠款。"
    )
    services.record_verify(record=overdue_record, actor=county["office"], reason="凭证齐全")

    for day in each_day(after(5), after(60)):
        scan_on(time_machine, day, times=1)

    rectification = Rectification.objects.get(record=overdue_record)
    assert rectification.escalation_level == 1
    assert rectification.escalated_to is None
    assert ladder(overdue_record) == [("overdue", after(1))]
    assert not AccountabilityEntry.objects.filter(kind=AccountabilityKind.PROPOSAL).exists()
    assert DishonestyRecord.objects.get(pk=overdue_record.pk).honours_extended is False


def test_a_report_awaiting_verification_pauses_the_ladder_and_a_returned_report_resumes_it(
    time_machine, overdue_record, county
):
    """Each step waits its days after the previous one, not counting the days paused: 9 days
    ran before the report, 21 stood paused, so escalation comes 6 days after the return and
    accountability 30 days after escalation (not the same day, as when the steps were counted
    from the deadline)."""
    scan_on(time_machine, after(1))
    time_machine.move_to(at(after(10)), tick=False)
    services.record_submit_report(
        record=overdue_record, actor=county["liaison"], content="已付清部分欠款。"
    )

    for day in each_day(after(10), after(30)):
        scan_on(time_machine, day, times=1)
    assert level(overdue_record) == 1

    time_machine.move_to(at(after(31)), tick=False)
    services.record_return(record=overdue_record, actor=county["office"], reason="尚未付清")
    for day in each_day(after(31), after(70)):
        scan_on(time_machine, day, times=1)

    assert ladder(overdue_record) == [
        ("overdue", after(1)),
        ("escalated", after(37)),
        ("accountability_proposed", after(67)),
    ]


def test_days_paused_after_escalation_do_not_count_towards_accountability(
    time_machine, overdue_record, county
):
    deadlines.run_scan(today=after(16))
    assert level(overdue_record) == 2
    time_machine.move_to(at(after(20)), tick=False)
    services.record_submit_report(
        record=overdue_record, actor=county["liaison"], content="已付清部分欠款。"
    )
    time_machine.move_to(at(after(40)), tick=False)
    services.record_return(record=overdue_record, actor=county["office"], reason="尚未付清")

    # 30 days after escalation (day 16) would be day 46; the 20 days paused push it to day 66.
    for day in (after(46), after(65)):
        scan_on(time_machine, day)
        assert level(overdue_record) == 2
    scan_on(time_machine, after(66))
    assert ladder(overdue_record)[-1] == ("accountability_proposed", after(66))
    # The pause is in the audit history, with the official who returned the report.
    row = Rectification.objects.get(record=overdue_record).history.filter(ladder_paused_days=20)
    assert row.get().history_user == county["office"]


def test_a_report_pending_over_the_deadline_delays_the_overdue_step_by_the_days_paused(
    time_machine, overdue_record, county
):
    time_machine.move_to(at(DEADLINE - datetime.timedelta(days=2)), tick=False)
    services.record_submit_report(
        record=overdue_record, actor=county["liaison"], content="已付清部分欠款。"
    )
    time_machine.move_to(at(after(10)), tick=False)
    services.record_return(record=overdue_record, actor=county["office"], reason="尚未付清")

    for day in each_day(after(10), after(26)):
        scan_on(time_machine, day, times=1)

    # Ten days paused after the deadline: overdue on day 11, escalated 15 days after that.
    assert ladder(overdue_record) == [("overdue", after(11)), ("escalated", after(26))]


# --- Extensions --------------------------------------------------------------------------------


def test_extending_an_escalated_rectification_restarts_the_ladder_and_tells_everyone_concerned(
    time_machine, overdue_record, county, login
):
    for day in each_day(after(1), after(20)):
        scan_on(time_machine, day, times=1)
    assert level(overdue_record) == 2
    Notification.objects.all().delete()

    services.rectification_extend(
        record=overdue_record,
        actor=county["province"],
        new_deadline=after(40),
        reason="涉及跨年度预算调整",
    )

    rectification = Rectification.objects.get(record=overdue_record)
    assert (rectification.escalation_level, rectification.escalated_to) == (0, None)
    assert not rectification.is_overdue
    # The steps taken stay in the timeline; the extension says the ladder was withdrawn.
    assert ladder(overdue_record) == [("overdue", after(1)), ("escalated", after(16))]
    extension = RecordEvent.objects.filter(record=overdue_record, action="extend_deadline").get()
    assert "涉及跨年度预算调整" in extension.reason
    assert rectification.history.latest().escalation_level == 0
    # The department, its office and the office it was escalated to hear of the new deadline.
    assert told(NotificationKind.WORKFLOW) == ["jiangning-liaison", "jiangning-office", "nanjing"]
    assert all(
        after(40).isoformat() in message
        for message in Notification.objects.values_list("message", flat=True)
    )
    # The city office no longer has it on its home page.
    page = login(county["city"]).get("/workspace/").content.decode()
    assert "panel escalations" not in page


def test_a_missed_extended_deadline_starts_the_ladder_again_from_its_first_step(
    time_machine, overdue_record, county
):
    for day in each_day(after(1), after(20)):
        scan_on(time_machine, day, times=1)
    new_deadline = after(40)
    services.rectification_extend(
        record=overdue_record, actor=county["office"], new_deadline=new_deadline, reason="延期"
    )
    Notification.objects.all().delete()

    for day in each_day(after(21), new_deadline):
        scan_on(time_machine, day, times=1)
    assert level(overdue_record) == 0
    for day in each_day(new_deadline + datetime.timedelta(days=1), after(56)):
        scan_on(time_machine, day, times=1)

    assert ladder(overdue_record) == [
        ("overdue", after(1)),
        ("escalated", after(16)),
        ("overdue", after(41)),
        ("escalated", after(56)),
    ]
    assert told(NotificationKind.OVERDUE) == ["jiangning-liaison", "jiangning-office"]
    assert "nanjing" in told(NotificationKind.ESCALATED)


def test_an_extension_to_a_day_already_past_leaves_the_ladder_where_it_is(
    time_machine, overdue_record, county
):
    for day in each_day(after(1), after(20)):
        scan_on(time_machine, day, times=1)

    services.rectification_extend(
        record=overdue_record, actor=county["office"], new_deadline=after(5), reason="补记"
    )

    rectification = Rectification.objects.get(record=overdue_record)
    assert rectification.escalation_level == 2
    assert rectification.escalated_to is not None
    assert rectification.is_overdue


def test_the_escalations_panel_marks_as_overdue_only_what_is_overdue(
    time_machine, overdue_record, county, regions, login
):
    """A rectification escalated before extensions restarted the ladder, now due in future."""
    time_machine.move_to(at(after(20)), tick=False)
    Rectification.objects.filter(record=overdue_record).update(
        escalation_level=2, escalated_to=regions["320100"], deadline=after(30)
    )
    client = login(county["city"])

    def panel():
        page = client.get("/workspace/").content.decode()
        return page.split('class="panel escalations"', 1)[1].split("</section>", 1)[0]

    assert NUMBER in panel()
    assert 'class="badge bad"' not in panel()
    Rectification.objects.filter(record=overdue_record).update(deadline=after(10))
    assert 'class="badge bad"' in panel()


@override_settings(CHENGXIN_ESCALATION_DAYS=[3, 5, 7])
def test_the_delay_of_each_step_is_configurable(time_machine, overdue_record):
    levels = {}
    for day in each_day(DEADLINE, after(20)):
        scan_on(time_machine, day, times=1)
        levels[day] = level(overdue_record)

    # Step 1 three days after the deadline, step 2 five days later, step 3 seven after that.
    assert [levels[after(n)] for n in (0, 2, 3, 7, 8, 14, 15, 20)] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_a_department_at_the_top_of_the_tree_is_escalated_to_its_own_region(
    time_machine, regions, province_supervisor
):
    from ..builders.core import DepartmentFactory

    department = DepartmentFactory(name="江苏省财政厅", region=regions["320000"])
    time_machine.move_to(at(REQUIRED_ON), tick=False)
    record = make_rectifying_record(
        department,
        deadline=DEADLINE,
        liaison=UserFactory(username="sheng", role="Department liaison", department=department),
        decision_number=NUMBER,
    )

    deadlines.run_scan(today=after(16))

    rectification = Rectification.objects.get(record=record)
    assert (rectification.escalation_level, rectification.escalated_to) == (2, regions["320000"])
    assert told(NotificationKind.ESCALATED) == ["province", "sheng"]


# --- Escalations on the workspace home and in the record list -----------------------------------


def test_the_escalations_panel_shows_the_first_few_and_links_to_all_of_them_in_the_record_list(
    time_machine, overdue_record, county, nanjing_department, login, monkeypatch
):
    """The home panel is cut short; "See all (N)" opens the record list filtered to the
    records escalated to the user's own office, with the same rule as the panel."""
    from django.conf import settings

    from credit_records.views import WorkspaceHomeView

    monkeypatch.setattr(WorkspaceHomeView, "escalations_shown", 2)
    make = {"supervisor": county["office"], "liaison": county["liaison"]}
    escalated = [overdue_record.decision_number] + [
        make_rectifying_record(
            county["department"], deadline=DEADLINE, decision_number=number, **make
        ).decision_number
        for number in ("宁江建罚〔2026〕10号", "宁江建罚〔2026〕11号")
    ]
    # Overdue in the city's scope but not escalated to it: due later (only overdue so far),
    # and a city department's record, escalated to the province.
    make_rectifying_record(
        county["department"], deadline=after(10), decision_number="宁江建罚〔2026〕12号", **make
    )
    make_rectifying_record(
        nanjing_department,
        deadline=DEADLINE,
        supervisor=county["city"],
        explained=False,
        decision_number="宁财罚〔2026〕3号",
    )
    deadlines.run_scan(today=after(16))

    city = login(county["city"])
    city.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    panel = city.get("/workspace/").content.decode().split('class="panel escalations"', 1)[1]
    panel = panel.split("</section>", 1)[0]
    assert panel.count("<tr><td>") == 2
    assert '<a href="/workspace/records/?escalated=true">See all (3) →</a>' in panel

    listed = city.get("/workspace/records/?escalated=true").context["object_list"]
    assert sorted(record.decision_number for record in listed) == sorted(escalated)
    not_escalated = city.get("/workspace/records/?escalated=false").context["object_list"]
    assert {record.decision_number for record in not_escalated} == {
        "宁江建罚〔2026〕12号",
        "宁财罚〔2026〕3号",
    }
    # The province's office has the city department's record, and the API filters alike.
    province = login(county["province"])
    assert [
        row["decision_number"]
        for row in province.get("/api/v1/records/?escalated=true").json()["results"]
    ] == ["宁财罚〔2026〕3号"]
    assert [
        record.decision_number
        for record in province.get("/workspace/records/?escalated=true").context["object_list"]
    ] == ["宁财罚〔2026〕3号"]


def test_a_liaison_is_not_offered_the_escalated_filter(login, county):
    page = login(county["liaison"]).get("/workspace/records/")
    assert "escalated" not in page.context["filter"].form.fields
    assert "overdue" in page.context["filter"].form.fields
