"""Reminders before a deadline: each stage (7, 3 and 1 days before by default) reaches the
department's liaison and its supervising office once, in their language, by inbox and email,
however often the scan runs; deadlines of every kind, and of other apps, go through it."""

import datetime

import pytest
from django.core import mail
from django.test import override_settings

from core import deadlines as engine
from core import notifications
from core.models import Notification, NotificationKind, ReminderLog
from credit_records import deadlines, services
from credit_records.models import Commitment, Severity

from ..builders.clock import at, each_day
from ..builders.core import UserFactory
from ..builders.records import OfficialFactory, make_record, make_rectifying_record
from ..builders.tasks import celery_eager

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 3, 2)
NUMBER = "宁江建罚〔2026〕7号"


@pytest.fixture
def jiangning_liaison(jiangning_department):
    return UserFactory(
        username="jiangning-liaison",
        role="Department liaison",
        department=jiangning_department,
        email="liaison@jiangning.gov.cn",
    )


@pytest.fixture
def people(jiangning_liaison, nanjing_supervisor, province_supervisor):
    """Jiangning (a county) has no supervisor of its own: Nanjing's office supervises it.
    The province's supervisor is further up and is not told."""
    nanjing_supervisor.email = "credit@nanjing.gov.cn"
    nanjing_supervisor.save()
    return {"liaison": jiangning_liaison, "supervisor": nanjing_supervisor}


def reminders(**filters):
    """(day, recipient, title) of every reminder, oldest first: duplicates stay visible."""
    from django.utils import timezone

    return [
        (timezone.localtime(n.created_at).date(), n.recipient.username, n.title)
        for n in Notification.objects.filter(kind=NotificationKind.REMINDER, **filters)
        .select_related("recipient")
        .order_by("created_at", "recipient__username", "pk")
    ]


def scan_every_day(time_machine, first, last, *, scans=2, between=None):
    """Run the scan ``scans`` times on every day, just after midnight in Shanghai (still the
    day before in UTC), without telling it the date. ``between(day)`` acts first each day."""
    for day in each_day(first, last):
        time_machine.move_to(at(day, 0, 30), tick=False)
        if between is not None:
            between(day)
        for _ in range(scans):
            deadlines.run_scan()


def rectification_title(days: int) -> str:
    return f"{NUMBER} 的整改期限：还有 {days} 天到期"


def test_a_rectification_is_reminded_seven_three_and_one_day_before_once_per_recipient(
    time_machine, people, jiangning_department
):
    time_machine.move_to(at(MONDAY), tick=False)
    record = make_rectifying_record(
        jiangning_department,
        deadline=datetime.date(2026, 3, 22),
        liaison=people["liaison"],
        decision_number=NUMBER,
    )

    scan_every_day(time_machine, MONDAY, datetime.date(2026, 3, 22))

    assert reminders() == [
        (datetime.date(2026, 3, 15), "jiangning-liaison", rectification_title(7)),
        (datetime.date(2026, 3, 15), "nanjing", rectification_title(7)),
        (datetime.date(2026, 3, 19), "jiangning-liaison", rectification_title(3)),
        (datetime.date(2026, 3, 19), "nanjing", rectification_title(3)),
        (datetime.date(2026, 3, 21), "jiangning-liaison", rectification_title(1)),
        (datetime.date(2026, 3, 21), "nanjing", rectification_title(1)),
    ]
    stored = Notification.objects.filter(kind=NotificationKind.REMINDER)
    assert {n.url for n in stored} == {f"/workspace/records/{record.pk}/"}
    assert {n.target for n in stored} == {record}
    assert sorted(
        ReminderLog.objects.filter(kind="rectification", object_id=record.rectification.pk)
        .values_list("due_date", "days_before")
        .order_by("days_before")
    ) == [
        (datetime.date(2026, 3, 22), 1),
        (datetime.date(2026, 3, 22), 3),
        (datetime.date(2026, 3, 22), 7),
    ]


def test_reminders_reach_the_county_liaison_and_the_city_office_but_not_the_province(
    time_machine, people, jiangning_department, province_supervisor
):
    time_machine.move_to(at(MONDAY), tick=False)
    make_rectifying_record(
        jiangning_department,
        deadline=MONDAY + datetime.timedelta(days=7),
        liaison=people["liaison"],
        decision_number=NUMBER,
    )

    engine.send_reminders(today=MONDAY)

    assert sorted(
        Notification.objects.filter(kind=NotificationKind.REMINDER).values_list(
            "recipient__username", flat=True
        )
    ) == ["jiangning-liaison", "nanjing"]
    assert not province_supervisor.notifications.exists()


def test_a_county_with_its_own_supervisor_is_reminded_through_it_instead_of_the_city(
    time_machine, people, jiangning_department, regions
):
    UserFactory(username="jiangning-office", role="Supervisor", region=regions["320115"])
    time_machine.move_to(at(MONDAY), tick=False)
    make_rectifying_record(
        jiangning_department,
        deadline=MONDAY + datetime.timedelta(days=3),
        liaison=people["liaison"],
        decision_number=NUMBER,
    )

    engine.send_reminders(today=MONDAY)

    assert sorted(
        Notification.objects.filter(kind=NotificationKind.REMINDER).values_list(
            "recipient__username", flat=True
        )
    ) == ["jiangning-liaison", "jiangning-office"]


def test_a_deadline_set_two_days_ahead_is_reminded_at_once_and_the_day_before_never_seven_days_out(
    time_machine, people, jiangning_department
):
    """The stages already past when the deadline was set are not sent one by one later: the
    scan sends one reminder saying how long is left, then the one-day stage."""
    time_machine.move_to(at(MONDAY), tick=False)
    make_rectifying_record(
        jiangning_department,
        deadline=datetime.date(2026, 3, 4),
        liaison=people["liaison"],
        decision_number=NUMBER,
    )

    scan_every_day(time_machine, MONDAY, datetime.date(2026, 3, 6))

    assert [(day, title) for day, user, title in reminders(recipient__username="nanjing")] == [
        (datetime.date(2026, 3, 2), rectification_title(2)),
        (datetime.date(2026, 3, 3), rectification_title(1)),
    ]
    assert len(reminders()) == 4


def test_a_reminder_missed_while_the_scans_were_down_goes_out_with_the_next_scan(
    time_machine, people, jiangning_department
):
    time_machine.move_to(at(MONDAY), tick=False)
    make_rectifying_record(
        jiangning_department,
        deadline=datetime.date(2026, 3, 22),
        liaison=people["liaison"],
        decision_number=NUMBER,
    )

    # No scan at all on the 19th, the three-day stage.
    scan_every_day(time_machine, datetime.date(2026, 3, 13), datetime.date(2026, 3, 18))
    scan_every_day(time_machine, datetime.date(2026, 3, 20), datetime.date(2026, 3, 22))

    assert [(day, title) for day, user, title in reminders(recipient__username="nanjing")] == [
        (datetime.date(2026, 3, 15), rectification_title(7)),
        (datetime.date(2026, 3, 20), rectification_title(2)),
        (datetime.date(2026, 3, 21), rectification_title(1)),
    ]


def test_an_extended_deadline_gets_its_own_reminders_and_the_old_one_no_more(
    time_machine, people, jiangning_department, nanjing_supervisor
):
    time_machine.move_to(at(MONDAY), tick=False)
    record = make_rectifying_record(
        jiangning_department,
        deadline=datetime.date(2026, 3, 22),
        liaison=people["liaison"],
        decision_number=NUMBER,
    )

    def extend_on_the_20th(day):
        if day == datetime.date(2026, 3, 20):
            services.rectification_extend(
                record=record,
                actor=nanjing_supervisor,
                new_deadline=datetime.date(2026, 4, 10),
                reason="需等待审计结论",
            )

    scan_every_day(
        time_machine,
        datetime.date(2026, 3, 14),
        datetime.date(2026, 4, 11),
        between=extend_on_the_20th,
    )

    assert [(day, title) for day, user, title in reminders(recipient__username="nanjing")] == [
        (datetime.date(2026, 3, 15), rectification_title(7)),
        (datetime.date(2026, 3, 19), rectification_title(3)),
        (datetime.date(2026, 4, 3), rectification_title(7)),
        (datetime.date(2026, 4, 7), rectification_title(3)),
        (datetime.date(2026, 4, 9), rectification_title(1)),
    ]


@override_settings(CHENGXIN_REMINDER_DAYS=[5, 2])
def test_the_reminder_stages_are_configurable(time_machine, people, jiangning_department):
    time_machine.move_to(at(MONDAY), tick=False)
    make_rectifying_record(
        jiangning_department,
        deadline=datetime.date(2026, 3, 12),
        liaison=people["liaison"],
        decision_number=NUMBER,
    )

    scan_every_day(time_machine, MONDAY, datetime.date(2026, 3, 12), scans=1)

    assert [(day, title) for day, user, title in reminders(recipient__username="nanjing")] == [
        (datetime.date(2026, 3, 7), rectification_title(5)),
        (datetime.date(2026, 3, 10), rectification_title(2)),
    ]


def test_the_written_explanation_is_reminded_until_it_is_submitted(
    time_machine, people, jiangning_department
):
    time_machine.move_to(at(MONDAY), tick=False)
    record = make_rectifying_record(
        jiangning_department,
        deadline=datetime.date(2026, 4, 1),
        liaison=people["liaison"],
        explained=False,
        decision_number=NUMBER,
    )
    # Due ten days after rectification was required (CHENGXIN_EXPLANATION_DAYS).
    assert record.rectification.explanation_due == datetime.date(2026, 3, 12)

    def explain_on_the_10th(day):
        if day == datetime.date(2026, 3, 10):
            services.record_submit_explanation(
                record=record, actor=people["liaison"], explanation="审批环节过多。"
            )

    scan_every_day(time_machine, MONDAY, datetime.date(2026, 3, 13), between=explain_on_the_10th)

    assert reminders() == [
        (datetime.date(2026, 3, 5), "jiangning-liaison", f"{NUMBER} 的书面说明：还有 7 天到期"),
        (datetime.date(2026, 3, 5), "nanjing", f"{NUMBER} 的书面说明：还有 7 天到期"),
        (datetime.date(2026, 3, 9), "jiangning-liaison", f"{NUMBER} 的书面说明：还有 3 天到期"),
        (datetime.date(2026, 3, 9), "nanjing", f"{NUMBER} 的书面说明：还有 3 天到期"),
    ]
    assert set(ReminderLog.objects.values_list("kind", flat=True)) == {"explanation"}


def test_a_commitment_is_reminded_before_its_promised_date_until_it_is_assessed(
    time_machine, people, jiangning_department, nanjing_supervisor
):
    time_machine.move_to(at(MONDAY), tick=False)
    commitment = services.commitment_save(
        actor=nanjing_supervisor,
        commitment=Commitment(
            department=jiangning_department,
            content="三十日内清偿拖欠中小企业账款",
            promised_date=datetime.date(2026, 3, 9),
        ),
    )

    def assess_on_the_7th(day):
        if day == datetime.date(2026, 3, 7):
            services.commitment_assess(
                commitment=commitment, actor=nanjing_supervisor, fulfilled=True
            )

    scan_every_day(time_machine, MONDAY, datetime.date(2026, 3, 10), between=assess_on_the_7th)

    name = jiangning_department.name
    assert reminders() == [
        (MONDAY, "jiangning-liaison", f"{name} 的承诺事项：还有 7 天到期"),
        (MONDAY, "nanjing", f"{name} 的承诺事项：还有 7 天到期"),
        (datetime.date(2026, 3, 6), "jiangning-liaison", f"{name} 的承诺事项：还有 3 天到期"),
        (datetime.date(2026, 3, 6), "nanjing", f"{name} 的承诺事项：还有 3 天到期"),
    ]


def test_a_credit_repair_application_reminds_the_office_before_its_ten_working_days_run_out(
    time_machine, people, jiangning_department, nanjing_supervisor
):
    time_machine.move_to(at(MONDAY), tick=False)
    record = make_record(
        jiangning_department,
        liaison=people["liaison"],
        state="verified",
        severity=Severity.GENERAL,
        decision_date=datetime.date(2025, 10, 20),
        decision_number=NUMBER,
    )
    Notification.objects.all().delete()  # the workflow's own notifications
    application = services.credit_repair_apply(
        record=record, actor=people["liaison"], commitment_text="本单位承诺依法依规履约"
    )
    # Ten working days from Monday 2 March: 3–6 and 9–13 March, then Monday 16 March.
    assert application.review_due == datetime.date(2026, 3, 16)

    def decide_on_the_14th(day):
        if day == datetime.date(2026, 3, 14):
            services.credit_repair_decide(
                application=application,
                actor=nanjing_supervisor,
                approve=True,
                reason="整改到位，承诺可信",
            )

    scan_every_day(time_machine, MONDAY, datetime.date(2026, 3, 17), between=decide_on_the_14th)

    assert reminders() == [
        (datetime.date(2026, 3, 9), "nanjing", f"{NUMBER} 的信用修复申请须还有 7 天作出决定"),
        (datetime.date(2026, 3, 13), "nanjing", f"{NUMBER} 的信用修复申请须还有 3 天作出决定"),
    ]


def test_reminders_stop_once_the_report_is_submitted_and_stay_stopped_after_verification(
    time_machine, people, jiangning_department, nanjing_supervisor
):
    time_machine.move_to(at(MONDAY), tick=False)
    record = make_rectifying_record(
        jiangning_department,
        deadline=datetime.date(2026, 3, 22),
        liaison=people["liaison"],
        decision_number=NUMBER,
    )

    def move_on(day):
        if day == datetime.date(2026, 3, 16):
            services.record_submit_report(
                record=record, actor=people["liaison"], content="已付清全部欠款。"
            )
        if day == datetime.date(2026, 3, 20):
            services.record_verify(record=record, actor=nanjing_supervisor, reason="凭证齐全")

    scan_every_day(time_machine, MONDAY, datetime.date(2026, 3, 25), between=move_on)

    assert [(day, title) for day, user, title in reminders()] == [
        (datetime.date(2026, 3, 15), rectification_title(7)),
        (datetime.date(2026, 3, 15), rectification_title(7)),
    ]
    assert not Notification.objects.filter(kind=NotificationKind.OVERDUE).exists()


def test_each_recipient_reads_the_reminder_and_its_email_in_their_own_language(
    time_machine, people, jiangning_department, django_capture_on_commit_callbacks
):
    supervisor = people["supervisor"]
    supervisor.language = "en"
    supervisor.save()
    time_machine.move_to(at(MONDAY), tick=False)
    record = make_rectifying_record(
        jiangning_department,
        deadline=datetime.date(2026, 3, 9),
        liaison=people["liaison"],
        decision_number=NUMBER,
    )
    Notification.objects.all().delete()  # "rectification required": not what this is about
    mail.outbox.clear()

    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        deadlines.run_scan()
        deadlines.run_scan()

    titles = dict(
        Notification.objects.filter(kind=NotificationKind.REMINDER).values_list(
            "recipient__username", "title"
        )
    )
    assert titles == {
        "jiangning-liaison": f"{NUMBER} 的整改期限：还有 7 天到期",
        "nanjing": f"Rectification of {NUMBER} is due in 7 days",
    }
    link = f"http://127.0.0.1:8000/workspace/records/{record.pk}/"
    emails = {tuple(message.to): message for message in mail.outbox}
    assert sorted(emails) == [("credit@nanjing.gov.cn",), ("liaison@jiangning.gov.cn",)]
    english, chinese = emails[("credit@nanjing.gov.cn",)], emails[("liaison@jiangning.gov.cn",)]
    assert english.subject == f"[Chengxin] Rectification of {NUMBER} is due in 7 days"
    assert english.body.startswith("Dear nanjing,")
    assert f"Open it in the portal: {link}" in english.body
    assert f"{jiangning_department.name} must complete the rectification" in english.body
    assert chinese.subject == f"[诚信] {NUMBER} 的整改期限：还有 7 天到期"
    assert chinese.body.startswith("jiangning-liaison：")
    assert f"在平台中查看： {link}" in chinese.body
    # Sent once: a later catch-up finds nothing left to send.
    assert Notification.objects.filter(email_sent_at__isnull=True).count() == 0
    time_machine.move_to(at(MONDAY, 10), tick=False)
    assert notifications.send_pending_emails() == 0
    assert len(mail.outbox) == 2


def test_an_english_reminder_says_one_day_or_several_days(
    time_machine, people, jiangning_department
):
    supervisor = people["supervisor"]
    supervisor.language = "en"
    supervisor.save()
    time_machine.move_to(at(MONDAY), tick=False)
    make_rectifying_record(
        jiangning_department,
        deadline=datetime.date(2026, 3, 5),
        liaison=people["liaison"],
        decision_number=NUMBER,
    )
    scan_every_day(time_machine, MONDAY, datetime.date(2026, 3, 5), scans=1)

    assert [title for _day, _user, title in reminders(recipient=supervisor)] == [
        f"Rectification of {NUMBER} is due in 3 days",
        f"Rectification of {NUMBER} is due in 1 day",
    ]


def test_a_reminder_whose_email_was_never_queued_is_emailed_by_the_pending_email_scan(
    time_machine, people, jiangning_department
):
    time_machine.move_to(at(MONDAY), tick=False)
    make_rectifying_record(
        jiangning_department,
        deadline=datetime.date(2026, 3, 9),
        liaison=people["liaison"],
        decision_number=NUMBER,
    )
    Notification.objects.all().delete()  # "rectification required": not what this is about
    deadlines.run_scan()  # inside the test's transaction: the after-commit queueing never runs
    mail.outbox.clear()

    assert notifications.send_pending_emails() == 0  # younger than the grace period
    time_machine.move_to(at(MONDAY, 9, 5), tick=False)
    assert notifications.send_pending_emails() == 2
    assert notifications.send_pending_emails() == 0

    assert sorted(message.to[0] for message in mail.outbox) == [
        "credit@nanjing.gov.cn",
        "liaison@jiangning.gov.cn",
    ]


PERMIT_KIND = "test_permit_renewal"


@pytest.fixture
def permits():
    """Another app's deadlines (say, permits to renew), plugged into the same scan."""
    due: list[engine.DueItem] = []
    engine.register(
        engine.DeadlineSource(
            PERMIT_KIND,
            lambda start, end: [item for item in due if start <= item.due_date <= end],
        )
    )
    yield due
    engine.SOURCES.pop(PERMIT_KIND, None)


def test_a_deadline_source_registered_by_another_app_is_reminded_by_the_same_scan(permits, people):
    official = OfficialFactory(department=people["liaison"].department)
    permits.append(
        engine.DueItem(
            object_id=41,
            due_date=datetime.date(2026, 3, 5),
            recipients=[people["liaison"]],
            describe=lambda days_left: (
                f"Permit 41 of {official.name} expires in {days_left} days",
                "Renew it.",
            ),
            url="/workspace/",
        )
    )

    for _ in range(2):
        deadlines.run_scan(today=datetime.date(2026, 3, 2))
    deadlines.run_scan(today=datetime.date(2026, 3, 4))

    assert list(
        Notification.objects.order_by("created_at", "pk").values_list(
            "recipient__username", "kind", "title"
        )
    ) == [
        ("jiangning-liaison", "reminder", f"Permit 41 of {official.name} expires in 3 days"),
        ("jiangning-liaison", "reminder", f"Permit 41 of {official.name} expires in 1 days"),
    ]
    assert sorted(
        ReminderLog.objects.filter(kind=PERMIT_KIND, object_id=41).values_list(
            "days_before", flat=True
        )
    ) == [1, 3, 7]


def test_an_unregistered_source_is_no_longer_scanned(permits, people):
    engine.SOURCES.pop(PERMIT_KIND)
    permits.append(
        engine.DueItem(
            object_id=42,
            due_date=datetime.date(2026, 3, 3),
            recipients=[people["liaison"]],
            describe=lambda days_left: ("Permit 42", ""),
        )
    )

    deadlines.run_scan(today=datetime.date(2026, 3, 2))

    assert not Notification.objects.exists()
