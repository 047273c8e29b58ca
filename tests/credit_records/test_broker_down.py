"""The broker is unreachable: the user's action still succeeds at once, the failure is logged,
and the periodic pending-email scan sends what could not be queued."""

import datetime
import logging
import time

import pytest
from django.core import mail

from core import notifications
from core.models import Notification, NotificationKind
from credit_records import deadlines, services
from credit_records.models import RecordStatus

from ..builders.clock import at
from ..builders.core import UserFactory
from ..builders.records import make_record, make_rectifying_record
from ..builders.tasks import celery_broker

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


@pytest.fixture
def broker_down():
    with celery_broker(UNREACHABLE):
        yield


def running_clock(time_machine, moment):
    """Move to ``moment`` with the clock running: kombu gives up retrying a connection by
    the clock, so a stopped one would turn a regression into a hang instead of a failure."""
    time_machine.move_to(moment, tick=True)


@pytest.fixture
def nanjing_office(regions, nanjing_supervisor):
    """Nanjing's credit office: two supervisors, each told of a report to verify."""
    nanjing_supervisor.email = "nanjing@credit.gov.cn"
    nanjing_supervisor.save()
    colleague = UserFactory(
        username="nanjing-2",
        role="Supervisor",
        region=regions["320100"],
        email="nanjing-2@credit.gov.cn",
    )
    return [nanjing_supervisor, colleague]


def queueing_failures(caplog):
    return [
        record
        for record in caplog.records
        if record.name == "core.notifications"
        and record.levelno == logging.ERROR
        and record.getMessage().startswith("Could not queue")
        and record.exc_info
    ]


@pytest.mark.django_db
def test_a_liaison_submits_a_report_while_the_broker_is_down_and_the_next_scan_emails_it(
    broker_down,
    caplog,
    time_machine,
    login,
    nanjing_department,
    nanjing_liaison,
    nanjing_office,
    django_capture_on_commit_callbacks,
):
    running_clock(time_machine, at(datetime.date(2026, 3, 2)))
    record = make_record(nanjing_department, liaison=nanjing_liaison, state="in_progress")
    Notification.objects.all().delete()
    mail.outbox.clear()
    client = login(nanjing_liaison)

    with django_capture_on_commit_callbacks() as after_commit:
        response = client.post(
            f"/workspace/records/{record.pk}/submit-report/", {"content": "已付清全部欠款。"}
        )
    started = time.monotonic()
    with caplog.at_level(logging.ERROR):
        for callback in after_commit:
            callback()
    queueing_took = time.monotonic() - started

    assert response.status_code == 302
    assert response["Location"] == f"/workspace/records/{record.pk}/"
    record.refresh_from_db()
    assert record.status == RecordStatus.REPORT_SUBMITTED
    assert record.rectification.reports.count() == 1
    # Both supervisors have it in their inbox; queueing each email failed and was logged.
    assert sorted(
        Notification.objects.filter(kind=NotificationKind.WORKFLOW).values_list(
            "recipient__username", flat=True
        )
    ) == ["nanjing", "nanjing-2"]
    assert len(queueing_failures(caplog)) == 2
    # One attempt per message: not kombu's retrying for seconds while the official waits.
    assert queueing_took < 1.5
    assert mail.outbox == []

    running_clock(time_machine, at(datetime.date(2026, 3, 2), 9, 1))
    assert notifications.send_pending_emails() == 2

    assert sorted(message.to[0] for message in mail.outbox) == [
        "nanjing-2@credit.gov.cn",
        "nanjing@credit.gov.cn",
    ]
    assert all("待核验整改报告" in message.subject for message in mail.outbox)
    assert notifications.send_pending_emails() == 0


@pytest.mark.django_db
def test_a_deadline_scan_while_the_broker_is_down_keeps_its_reminders_for_the_email_scan(
    broker_down,
    caplog,
    time_machine,
    nanjing_department,
    nanjing_liaison,
    nanjing_office,
    django_capture_on_commit_callbacks,
):
    nanjing_liaison.email = "liaison@nanjing.gov.cn"
    nanjing_liaison.save()
    running_clock(time_machine, at(datetime.date(2026, 3, 2)))
    make_rectifying_record(
        nanjing_department,
        deadline=datetime.date(2026, 3, 5),
        liaison=nanjing_liaison,
    )
    Notification.objects.all().delete()
    mail.outbox.clear()

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        result = deadlines.run_scan()

    assert result["reminders"] == 1
    # The batch's notifications are emailed by one task (notify_batch): one task not queued.
    assert len(queueing_failures(caplog)) == 1
    assert Notification.objects.filter(email_sent_at__isnull=True).count() == 3
    assert mail.outbox == []
    running_clock(time_machine, at(datetime.date(2026, 3, 2), 9, 1))
    assert notifications.send_pending_emails() == 3
    assert sorted(message.to[0] for message in mail.outbox) == [
        "liaison@nanjing.gov.cn",
        "nanjing-2@credit.gov.cn",
        "nanjing@credit.gov.cn",
    ]


@pytest.mark.django_db(transaction=True)
def test_requiring_rectification_commits_and_logs_when_the_broker_is_down(
    broker_down, caplog, time_machine, nanjing_department, nanjing_supervisor
):
    liaison = UserFactory(
        username="nj-liaison",
        role="Department liaison",
        department=nanjing_department,
        email="liaison@nanjing.gov.cn",
    )
    running_clock(time_machine, at(datetime.date(2026, 3, 2)))
    record = make_record(nanjing_department, actor=nanjing_supervisor, state="confirmed")
    mail.outbox.clear()

    with caplog.at_level(logging.ERROR):
        services.record_require_rectification(
            record=record,
            actor=nanjing_supervisor,
            deadline=datetime.date(2026, 4, 1),
            requirements="补缴欠款",
        )

    record.refresh_from_db()
    assert record.status == RecordStatus.RECTIFICATION_REQUIRED
    assert record.rectification.deadline == datetime.date(2026, 4, 1)
    notification = Notification.objects.get(recipient=liaison)
    assert notification.email_sent_at is None
    assert len(queueing_failures(caplog)) == 1
    assert mail.outbox == []

    running_clock(time_machine, at(datetime.date(2026, 3, 2), 9, 5))
    assert notifications.send_pending_emails() == 1
    assert [message.to for message in mail.outbox] == [["liaison@nanjing.gov.cn"]]
    assert mail.outbox[0].subject == f"[诚信] 责令整改：{record.decision_number}"
