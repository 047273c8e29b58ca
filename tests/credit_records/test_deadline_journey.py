"""One rectification, day by day, from the record's entry to the last step of the ladder.

The scan runs every day of the journey (some days twice, once as beat would queue it), and
every effect a user would notice is counted at the end: each reminder stage, each step of the
ladder, each notification, email, timeline entry and audit row happens exactly once. A second,
shorter journey verifies the rectification after escalation: the ladder stops there."""

import datetime
from collections import Counter

import pytest
from django.core import mail
from django.utils import timezone

from core.models import Notification
from credit_records import deadlines, selectors, services, tasks
from credit_records.models import (
    AccountabilityEntry,
    AccountabilityKind,
    DishonestyRecord,
    RecordCategory,
    Rectification,
    Severity,
)

from ..builders.clock import at, each_day
from ..builders.core import UserFactory
from ..builders.records import OfficialFactory
from ..builders.tasks import celery_eager

pytestmark = pytest.mark.django_db

NUMBER = "宁江建罚〔2026〕21号"
ENTERED_ON = datetime.date(2026, 3, 2)
EXPLAINED_ON = datetime.date(2026, 3, 6)  # after the explanation's 7-day reminder
DEADLINE = datetime.date(2026, 3, 22)
HEAD_EMAIL = "head@jiangning.gov.cn"


def after(days: int) -> datetime.date:
    return DEADLINE + datetime.timedelta(days=days)


OVERDUE_ON, ESCALATED_ON, ACCOUNTABILITY_ON = after(1), after(16), after(46)
# Days the scan runs a second time, later in the day, as the Celery task: every reminder stage
# and every step of the ladder is among them.
SCANNED_TWICE = {
    datetime.date(2026, 3, 5),
    datetime.date(2026, 3, 15),
    datetime.date(2026, 3, 19),
    datetime.date(2026, 3, 21),
    DEADLINE,
    OVERDUE_ON,
    after(2),
    ESCALATED_ON,
    ACCOUNTABILITY_ON,
    after(47),
}


@pytest.fixture
def people(jiangning_department, regions, nanjing_supervisor, province_supervisor):
    """Jiangning (a county) with its liaison, its own credit office and a head who has no
    account; Nanjing's office above it; the province further up, which is never told."""
    jiangning_department.head_name = "王局长"
    jiangning_department.head_email = HEAD_EMAIL
    jiangning_department.save()
    nanjing_supervisor.email = "credit@nanjing.gov.cn"
    nanjing_supervisor.save()
    province_supervisor.email = "credit@jiangsu.gov.cn"
    province_supervisor.save()
    return {
        "department": jiangning_department,
        "liaison": UserFactory(
            username="jiangning-liaison",
            role="Department liaison",
            department=jiangning_department,
            email="liaison@jiangning.gov.cn",
        ),
        "office": UserFactory(
            username="jiangning-office",
            role="Supervisor",
            region=regions["320115"],
            email="credit@jiangning.gov.cn",
        ),
        "city": nanjing_supervisor,
        "province": province_supervisor,
        "officials": [
            OfficialFactory(name="张三", department=jiangning_department),
            OfficialFactory(name="李四", department=jiangning_department),
        ],
    }


@pytest.fixture
def journey(time_machine, people, django_capture_on_commit_callbacks):
    """``journey.act(day, callback)`` at 10:00 and ``journey.scan(day)`` (00:30, and again at
    09:00 through the Celery task on the days in SCANNED_TWICE), each committing as the real
    thing would: the emails queued after commit go out through the task, in-process."""

    class Journey:
        def act(self, day, callback):
            time_machine.move_to(at(day, 10), tick=False)
            with django_capture_on_commit_callbacks(execute=True):
                return callback()

        def scan(self, day):
            time_machine.move_to(at(day, 0, 30), tick=False)
            with django_capture_on_commit_callbacks(execute=True):
                deadlines.run_scan()
            if day in SCANNED_TWICE:
                time_machine.move_to(at(day, 9), tick=False)
                with django_capture_on_commit_callbacks(execute=True):
                    tasks.scan_deadlines()

    mail.outbox.clear()
    with celery_eager():
        yield Journey()


def enter_record(journey, people):
    """The county office enters the record, confirms it and requires rectification by
    DEADLINE, all through the services, on ENTERED_ON."""
    office = people["office"]

    def enter():
        record = services.record_create(
            actor=office,
            department=people["department"],
            category=RecordCategory.ADMINISTRATIVE_PENALTY,
            severity=Severity.GENERAL,
            decision_number=NUMBER,
            issuing_authority="南京市江宁区财政局",
            decision_date=ENTERED_ON - datetime.timedelta(days=10),
            facts="未按合同约定期限支付中小企业工程款。",
            officials=people["officials"],
        )
        services.record_confirm(record=record, actor=office)
        services.record_require_rectification(
            record=record, actor=office, deadline=DEADLINE, requirements="付清欠款并公开说明"
        )
        return record

    return journey.act(ENTERED_ON, enter)


def explain(journey, people, record):
    journey.act(
        EXPLAINED_ON,
        lambda: services.record_submit_explanation(
            record=record, actor=people["liaison"], explanation="合同审批环节过多导致逾期付款。"
        ),
    )


def escalations_panel(login, user) -> str:
    page = login(user).get("/workspace/").content.decode()
    return page.split('class="panel escalations"', 1)[1] if "panel escalations" in page else ""


def notifications_received(record):
    return Counter(Notification.objects.about(record).values_list("kind", "recipient__username"))


def timeline(record):
    return [
        (event.action, timezone.localtime(event.at).date())
        for event in record.events.order_by("at", "pk")
    ]


def emails_sent():
    return Counter(address for message in mail.outbox for address in message.to)


def test_one_rectification_goes_through_every_reminder_and_every_step_each_exactly_once(
    journey, people, login
):
    record = enter_record(journey, people)
    city, office = people["city"], people["office"]

    for day in each_day(ENTERED_ON, after(60)):
        if day == EXPLAINED_ON:
            explain(journey, people, record)
        journey.scan(day)
        if day == after(15):
            assert escalations_panel(login, city) == ""
        if day == ESCALATED_ON:
            # Flagged on the home page of the office it was escalated to, and only there.
            assert NUMBER in escalations_panel(login, city)
            assert escalations_panel(login, office) == ""
            assert escalations_panel(login, people["province"]) == ""

    # Every notification of the journey, by kind and recipient, each exactly once: the
    # workflow's own, the explanation's 7-day reminder (explained before the 3-day one), the
    # rectification's 7-, 3- and 1-day reminders, then the ladder's three steps.
    liaison, county, nanjing = "jiangning-liaison", "jiangning-office", "nanjing"
    assert notifications_received(record) == Counter(
        {
            ("workflow", liaison): 1,  # rectification required
            ("workflow", county): 1,  # written explanation to review
            ("reminder", liaison): 4,
            ("reminder", county): 4,
            ("overdue", liaison): 1,
            ("overdue", county): 1,
            ("escalated", nanjing): 1,
            ("escalated", liaison): 1,
            ("accountability", liaison): 1,
            ("accountability", county): 1,
            ("accountability", nanjing): 1,
        }
    )
    assert not Notification.objects.exclude(pk__in=Notification.objects.about(record)).exists()
    reminder_days = sorted(
        (timezone.localtime(created).date(), title)
        for created, title in Notification.objects.filter(
            kind="reminder", recipient__username=liaison
        ).values_list("created_at", "title")
    )
    assert reminder_days == [
        (datetime.date(2026, 3, 5), f"{NUMBER} 的书面说明：还有 7 天到期"),
        (datetime.date(2026, 3, 15), f"{NUMBER} 的整改期限：还有 7 天到期"),
        (datetime.date(2026, 3, 19), f"{NUMBER} 的整改期限：还有 3 天到期"),
        (datetime.date(2026, 3, 21), f"{NUMBER} 的整改期限：还有 1 天到期"),
    ]

    # One email per notification (everyone has an address), and the head's on the overdue day.
    assert emails_sent() == Counter(
        {
            "liaison@jiangning.gov.cn": 8,
            "credit@jiangning.gov.cn": 7,
            "credit@nanjing.gov.cn": 2,
            HEAD_EMAIL: 1,
        }
    )
    assert Notification.objects.filter(email_sent_at__isnull=True).count() == 0

    # The timeline: the users' steps and the ladder's, each once, on the day it fell due.
    assert timeline(record) == [
        ("created", ENTERED_ON),
        ("confirm", ENTERED_ON),
        ("require_rectification", ENTERED_ON),
        ("submit_explanation", EXPLAINED_ON),
        ("overdue", OVERDUE_ON),
        ("escalated", ESCALATED_ON),
        ("accountability_proposed", ACCOUNTABILITY_ON),
    ]

    # The audit history of the ladder: one row per step, by no user, dated the step's day,
    # the escalation's naming the city it went to.
    rectification = Rectification.objects.get(record=record)
    assert (rectification.escalation_level, rectification.escalated_to) == (3, city.region)
    steps = rectification.history.filter(escalation_level__gt=0).order_by("history_date")
    assert [
        (
            row.escalation_level,
            row.escalated_to_id,
            timezone.localtime(row.history_date).date(),
            row.history_user_id,
            row.history_change_reason,
        )
        for row in steps
    ] == [
        (1, None, OVERDUE_ON, None, "整改逾期"),
        (2, city.region_id, ESCALATED_ON, None, "提级至上级地区信用办督办"),
        (3, city.region_id, ACCOUNTABILITY_ON, None, "建议问责"),
    ]

    # The accountability proposal: one per responsible official, and honours barred longer.
    assert sorted(
        AccountabilityEntry.objects.filter(
            record=record, kind=AccountabilityKind.PROPOSAL
        ).values_list("official__name", flat=True)
    ) == ["张三", "李四"]
    record = DishonestyRecord.objects.get(pk=record.pk)
    assert record.honours_extended is True
    extended = record.history.filter(honours_extended=True)
    assert extended.count() == 1
    assert timezone.localtime(extended.get().history_date).date() == ACCOUNTABILITY_ON
    assert extended.get().history_user is None
    assert not selectors.honours_status(people["department"], today=after(60)).eligible


def test_a_rectification_verified_after_escalation_takes_no_further_step(journey, people, login):
    record = enter_record(journey, people)
    verified_on = after(20)

    def report_and_verify():
        services.record_submit_report(
            record=record, actor=people["liaison"], content="已付清全部欠款并公开说明。"
        )
        services.record_verify(record=record, actor=people["office"], reason="凭证齐全")

    for day in each_day(ENTERED_ON, after(80)):
        if day == EXPLAINED_ON:
            explain(journey, people, record)
        if day == verified_on:
            journey.act(day, report_and_verify)
        journey.scan(day)

    assert [action for action, _day in timeline(record)] == [
        "created",
        "confirm",
        "require_rectification",
        "submit_explanation",
        "overdue",
        "escalated",
        "submit_report",
        "verify",
    ]
    rectification = Rectification.objects.get(record=record)
    assert rectification.escalation_level == 2
    assert not rectification.history.filter(escalation_level=3).exists()
    kinds = Counter(Notification.objects.about(record).values_list("kind", flat=True))
    assert kinds["accountability"] == 0
    assert (kinds["overdue"], kinds["escalated"]) == (2, 2)
    assert not AccountabilityEntry.objects.filter(kind=AccountabilityKind.PROPOSAL).exists()
    assert DishonestyRecord.objects.get(pk=record.pk).honours_extended is False
    # A verified rectification is no longer flagged on the city's home page.
    assert escalations_panel(login, people["city"]) == ""
