"""Two workers running the deadline scan at the same moment on PostgreSQL: every reminder,
escalation step, accountability proposal, disclosure expiry and email happens once; so do
the pending-email scan's emails and the debt warnings' escalation steps."""

import datetime
import threading
import time

import pytest
from django.core import mail
from django.db import close_old_connections, connection

from core import deadlines as engine
from core import notifications
from core.models import Notification, NotificationKind, ReminderLog
from credit_records import deadlines, ladder, services
from credit_records.models import (
    AccountabilityEntry,
    AccountabilityKind,
    Commitment,
    DishonestyRecord,
    RecordEvent,
    Rectification,
)

from ..builders.clock import at
from ..builders.core import UserFactory
from ..builders.records import OfficialFactory, make_record, make_rectifying_record
from ..builders.tasks import celery_eager

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _in_process_celery():
    """Queued emails are sent in-process, so each one is seen (and none reaches a broker)."""
    with celery_eager():
        yield


@pytest.fixture
def everything_due(require_postgres, time_machine, regions, jiangning_department):
    """On 1 June 2026: a rectification three days from its deadline, one a commitment due
    tomorrow, one rectification 60 days overdue with all three ladder steps due, and a record
    whose disclosure ended yesterday."""
    department = jiangning_department
    liaison = UserFactory(
        username="jiangning-liaison",
        role="Department liaison",
        department=department,
        email="liaison@jiangning.gov.cn",
    )
    office = UserFactory(
        username="jiangning-office",
        role="Supervisor",
        region=regions["320115"],
        email="office@jiangning.gov.cn",
    )
    UserFactory(
        username="nanjing", role="Supervisor", region=regions["320100"], email="nj@nanjing.gov.cn"
    )
    officials = [OfficialFactory(department=department) for _ in range(2)]

    time_machine.move_to(at(datetime.date(2025, 5, 31)), tick=False)
    expiring = make_record(department, state="confirmed", decision_date=datetime.date(2025, 5, 31))
    time_machine.move_to(at(datetime.date(2026, 3, 1)), tick=False)
    overdue = make_rectifying_record(
        department,
        deadline=datetime.date(2026, 4, 2),
        supervisor=office,
        liaison=liaison,
        officials=officials,
    )
    time_machine.move_to(at(TODAY), tick=False)
    soon = make_rectifying_record(
        department, deadline=TODAY + datetime.timedelta(days=3), supervisor=office, liaison=liaison
    )
    commitment = services.commitment_save(
        actor=office,
        commitment=Commitment(
            department=department,
            content="按期清偿账款",
            promised_date=TODAY + datetime.timedelta(days=1),
        ),
    )
    Notification.objects.all().delete()
    mail.outbox.clear()
    return {"expiring": expiring, "overdue": overdue, "soon": soon, "commitment": commitment}


def side_by_side(call, workers=2):
    """Run ``call`` in ``workers`` threads released together, each on its own connection."""
    start = threading.Barrier(workers, timeout=20)
    outcomes = [None] * workers

    def run(index):
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as error:  # reported below, with the others' results
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a scan hung"
    close_old_connections()
    return outcomes


@pytest.fixture
def slow_steps(monkeypatch):
    """Each ladder step takes a moment inside its transaction, as a busy worker's would: the
    other worker reaches the same step while the first still holds it."""
    for level, step in list(ladder.STEPS.items()):

        def slowed(rectifications, effects, step=step):
            time.sleep(0.3)
            step(rectifications, effects)

        monkeypatch.setitem(ladder.STEPS, level, slowed)


def test_two_workers_scanning_at_once_take_every_effect_exactly_once(everything_due, slow_steps):
    outcomes = side_by_side(deadlines.run_scan)

    errors = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert errors == []
    # Between them the two scans did each thing once.
    assert sum(outcome["reminders"] for outcome in outcomes) == 2
    assert sum(outcome["escalation_steps"] for outcome in outcomes) == 3
    assert sum(outcome["disclosures_ended"] for outcome in outcomes) == 1

    soon, overdue = everything_due["soon"], everything_due["overdue"]
    assert sorted(ReminderLog.objects.values_list("kind", "object_id", "days_before")) == sorted(
        [
            ("rectification", soon.rectification.pk, 3),
            ("rectification", soon.rectification.pk, 7),  # passed before it was set: skipped
            ("commitment", everything_due["commitment"].pk, 1),
            ("commitment", everything_due["commitment"].pk, 3),
            ("commitment", everything_due["commitment"].pk, 7),
        ]
    )
    assert sorted(Notification.objects.values_list("kind", "recipient__username")) == sorted(
        [
            (NotificationKind.REMINDER, "jiangning-liaison"),  # rectification due in 3 days
            (NotificationKind.REMINDER, "jiangning-office"),
            (NotificationKind.REMINDER, "jiangning-liaison"),  # commitment due tomorrow
            (NotificationKind.REMINDER, "jiangning-office"),
            (NotificationKind.OVERDUE, "jiangning-liaison"),
            (NotificationKind.OVERDUE, "jiangning-office"),
            (NotificationKind.ESCALATED, "nanjing"),
            (NotificationKind.ESCALATED, "jiangning-liaison"),
            (NotificationKind.ACCOUNTABILITY, "jiangning-liaison"),
            (NotificationKind.ACCOUNTABILITY, "jiangning-office"),
            (NotificationKind.ACCOUNTABILITY, "nanjing"),
        ]
    )
    assert sorted(
        RecordEvent.objects.filter(
            action__in=["overdue", "escalated", "accountability_proposed", "disclosure_expired"]
        ).values_list("record_id", "action")
    ) == sorted(
        [
            (overdue.pk, "overdue"),
            (overdue.pk, "escalated"),
            (overdue.pk, "accountability_proposed"),
            (everything_due["expiring"].pk, "disclosure_expired"),
        ]
    )
    assert AccountabilityEntry.objects.filter(kind=AccountabilityKind.PROPOSAL).count() == 2
    rectification = Rectification.objects.get(record=overdue)
    assert rectification.escalation_level == 3
    assert [
        row.escalation_level
        for row in rectification.history.order_by("history_id")
        if row.escalation_level
    ] == [1, 2, 3]
    assert (
        DishonestyRecord.objects.get(pk=everything_due["expiring"].pk)
        .history.filter(disclosure_expired_on__isnull=False)
        .count()
        == 1
    )
    # Every notification emailed once.
    assert Notification.objects.filter(email_sent_at__isnull=True).count() == 0
    assert len(mail.outbox) == Notification.objects.count() == 11


def test_many_scans_racing_repeatedly_still_take_each_step_once(everything_due):
    for _ in range(3):
        side_by_side(deadlines.run_scan, workers=4)

    assert RecordEvent.objects.filter(action="overdue").count() == 1
    assert RecordEvent.objects.filter(action="escalated").count() == 1
    assert RecordEvent.objects.filter(action="accountability_proposed").count() == 1
    assert RecordEvent.objects.filter(action="disclosure_expired").count() == 1
    assert Notification.objects.count() == 11
    assert len(mail.outbox) == 11


def test_two_workers_reminding_the_same_backlog_at_once_send_each_reminder_once(
    require_postgres, time_machine, regions, jiangning_department, monkeypatch
):
    """The reminders of a backlog, batch by batch, by two workers at once: each batch's
    stages are claimed by one insert, which the other worker's waits on and then skips."""
    liaison = UserFactory(
        username="jiangning-liaison",
        role="Department liaison",
        department=jiangning_department,
        email="liaison@jiangning.gov.cn",
    )
    office = UserFactory(
        username="jiangning-office",
        role="Supervisor",
        region=regions["320115"],
        email="office@jiangning.gov.cn",
    )
    time_machine.move_to(at(TODAY), tick=False)
    records = [
        make_rectifying_record(
            jiangning_department,
            deadline=TODAY + datetime.timedelta(days=3),
            supervisor=office,
            liaison=liaison,
        )
        for _ in range(12)
    ]
    Notification.objects.all().delete()
    mail.outbox.clear()
    monkeypatch.setattr(engine, "REMINDER_BATCH", 5)
    notify_batch = engine.notify_batch

    def slow_notify_batch(notices):
        time.sleep(0.3)  # a busy worker: the other one reaches the batch while it is held
        return notify_batch(notices)

    monkeypatch.setattr(engine, "notify_batch", slow_notify_batch)

    outcomes = side_by_side(lambda: deadlines.send_reminders(TODAY))

    assert [outcome for outcome in outcomes if isinstance(outcome, Exception)] == []
    assert sum(outcomes) == 12
    reminded = Notification.objects.filter(kind=NotificationKind.REMINDER)
    assert sorted(reminded.values_list("target_id", "recipient__username")) == sorted(
        (record.pk, username)
        for record in records
        for username in ("jiangning-liaison", "jiangning-office")
    )
    assert sorted(ReminderLog.objects.values_list("object_id", "days_before")) == sorted(
        (record.rectification.pk, stage) for record in records for stage in (3, 7)
    )
    assert len(mail.outbox) == 24


# --- The pending-email scan -------------------------------------------------------------------


def test_four_workers_sending_the_pending_emails_at_once_send_each_once(
    require_postgres, regions, jiangning_department, monkeypatch
):
    recipients = [
        UserFactory(
            username=f"liaison-{n}",
            role="Department liaison",
            department=jiangning_department,
            email=f"liaison-{n}@jiangning.gov.cn",
        )
        for n in range(12)
    ]
    # Their emails were never queued (the broker was down): only the scan sends them.
    Notification.objects.bulk_create(
        Notification(recipient=user, kind=NotificationKind.REMINDER, title=f"提醒 {user.pk}")
        for user in recipients
    )
    mail.outbox.clear()
    send_mail = notifications.send_mail

    def slow_send_mail(*args, **kwargs):
        time.sleep(0.05)  # a mail server's round trip: the other workers arrive meanwhile
        return send_mail(*args, **kwargs)

    monkeypatch.setattr(notifications, "send_mail", slow_send_mail)

    outcomes = side_by_side(
        lambda: notifications.send_pending_emails(older_than_seconds=0), workers=4
    )

    assert [outcome for outcome in outcomes if isinstance(outcome, Exception)] == []
    assert sum(outcomes) == 12
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        user.email for user in recipients
    )
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()


# --- The debt warnings' escalation scan ---------------------------------------------------------


def test_two_workers_escalating_an_overdue_debt_warning_take_each_step_once(
    require_postgres, time_machine, regions, nanjing_supervisor, province_supervisor, monkeypatch
):
    from debt import deadlines as debt_deadlines
    from debt import services as debt_services
    from debt.models import RiskWarning

    from ..builders.debt import make_profile

    time_machine.move_to(at(TODAY), tick=False)
    make_profile(regions["320100"], ratio="250")
    warning = debt_services.warning_issue(
        actor=province_supervisor,  # the office above the warned region issues its warning
        warning=RiskWarning.objects.get(),
        required_response="报送化债方案",
        response_deadline=TODAY,
    )
    Notification.objects.all().delete()
    for name in ("_step_overdue", "_step_escalate"):
        step = getattr(debt_deadlines, name)

        def slowed(warning, step=step):
            time.sleep(0.3)
            step(warning)

        monkeypatch.setattr(debt_deadlines, name, slowed)

    both_due = TODAY + datetime.timedelta(days=30)
    for _ in range(2):
        outcomes = side_by_side(lambda: debt_deadlines.escalate_overdue_warnings(both_due))
        assert [outcome for outcome in outcomes if isinstance(outcome, Exception)] == []

    warning.refresh_from_db()
    assert warning.escalation_level == 2
    # The overdue notice (to the region's office) and the escalation.
    assert sorted(Notification.objects.values_list("kind", "recipient__username")) == [
        (NotificationKind.ESCALATED, "province"),
        (NotificationKind.OVERDUE, "nanjing"),
    ]
    assert [
        row.escalation_level
        for row in warning.history.order_by("history_id")
        if row.escalation_level
    ] == [1, 2]
