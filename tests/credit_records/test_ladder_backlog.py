"""A backlog of deadlines at province scale: the escalation ladder (and the end of
disclosure) works through a backlog in batches that each commit, a scan out of time leaves the
rest to the next one, and a scan with nothing new to send costs the same few queries however
many deadlines wait in the reminder windows."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from core.models import Notification, NotificationKind, ReminderLog, User
from credit_records import deadlines, ladder
from credit_records.models import (
    AccountabilityEntry,
    AccountabilityKind,
    RecordEvent,
    Rectification,
    Severity,
)

from ..builders.clock import at
from ..builders.core import UserFactory
from ..builders.records import OfficialFactory, make_record, make_rectifying_record
from ..builders.tasks import celery_eager

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2026, 3, 22)
# Days 1, 15 and 30 (the default ladder): 60 days on, all three steps are due.
ALL_DUE = DEADLINE + datetime.timedelta(days=60)


@pytest.fixture
def people(jiangning_department, regions, nanjing_supervisor):
    return {
        "liaison": UserFactory(
            username="jiangning-liaison", role="Department liaison", department=jiangning_department
        ),
        "office": UserFactory(
            username="jiangning-office", role="Supervisor", region=regions["320115"]
        ),
        "city": nanjing_supervisor,
    }


def rectifying(department, people, count, *, deadline=DEADLINE, officials=()):
    return [
        make_rectifying_record(
            department,
            deadline=deadline,
            supervisor=people["office"],
            liaison=people["liaison"],
            officials=list(officials),
        )
        for _ in range(count)
    ]


@pytest.fixture
def backlog(time_machine, jiangning_department, people):
    """Five rectifications, each with all three ladder steps overdue."""
    time_machine.move_to(at(datetime.date(2026, 3, 2)), tick=False)
    official = OfficialFactory(department=jiangning_department)
    records = rectifying(jiangning_department, people, 5, officials=[official])
    Notification.objects.all().delete()
    time_machine.move_to(at(ALL_DUE, 3), tick=False)
    return records


@override_settings(CHENGXIN_LADDER_BATCH=2)
def test_a_backlog_is_taken_up_the_ladder_batch_by_batch_every_step_once_and_in_order(
    backlog, django_capture_on_commit_callbacks
):
    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        assert deadlines.escalate_overdue() == 15
    assert deadlines.escalate_overdue() == 0

    for record in backlog:
        rectification = Rectification.objects.get(record=record)
        assert rectification.escalation_level == 3
        assert rectification.escalated_to.code == "320100"  # Jiangning's parent: Nanjing
        assert [row.escalation_level for row in rectification.history.order_by("history_id")][
            -3:
        ] == [1, 2, 3]
        assert list(
            RecordEvent.objects.filter(record=record)
            .filter(action__in=["overdue", "escalated", "accountability_proposed"])
            .order_by("pk")
            .values_list("action", flat=True)
        ) == ["overdue", "escalated", "accountability_proposed"]
        record.refresh_from_db()
        assert record.honours_extended
        assert record.history.first().honours_extended  # the change has its history row
    # Overdue: liaison and county office; escalated: city and liaison; accountability:
    # liaison, county office and the city it was escalated to. Five records each.
    assert Notification.objects.filter(kind=NotificationKind.OVERDUE).count() == 10
    assert Notification.objects.filter(kind=NotificationKind.ESCALATED).count() == 10
    assert Notification.objects.filter(kind=NotificationKind.ACCOUNTABILITY).count() == 15
    # Every notification emailed, by the batch's one task.
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()
    entries = AccountabilityEntry.objects.filter(
        record__in=backlog, kind=AccountabilityKind.PROPOSAL
    )
    assert entries.count() == 5  # one official on each record
    assert all(entry.history.count() == 1 for entry in entries)


@override_settings(CHENGXIN_LADDER_BATCH=2)
def test_a_scan_out_of_time_leaves_the_rest_to_the_next_scan_which_resumes_it(backlog):
    # No time at all: the first batch is always taken, then the scan stops.
    assert deadlines.escalate_overdue(budget_seconds=0) == 6  # two rectifications, 3 steps
    assert Rectification.objects.filter(escalation_level=3).count() == 2
    assert Rectification.objects.filter(escalation_level=0).count() == 3

    assert deadlines.escalate_overdue(budget_seconds=0) == 6
    assert deadlines.escalate_overdue(budget_seconds=0) == 3
    assert deadlines.escalate_overdue(budget_seconds=0) == 0
    assert Rectification.objects.filter(escalation_level=3).count() == 5
    assert RecordEvent.objects.filter(action="overdue").count() == 5


@override_settings(CHENGXIN_LADDER_BATCH=2, CHENGXIN_LADDER_WORKERS=3)
def test_a_scan_over_a_large_backlog_queues_helpers_that_start_elsewhere_in_it(
    backlog, monkeypatch
):
    queued = []
    monkeypatch.setattr(ladder, "send_task", lambda task, *args: queued.append((task, args)))
    # Five rectifications are more than two batches of two: two helpers, shares 1/3 and 2/3.
    assert deadlines.escalate_overdue(budget_seconds=0, fan_out=True) == 6
    assert [(task.name, args) for task, args in queued] == [
        ("credit_records.tasks.escalate_backlog", (ALL_DUE.isoformat(), 1, 3)),
        ("credit_records.tasks.escalate_backlog", (ALL_DUE.isoformat(), 2, 3)),
    ]
    stepped_first = set(
        Rectification.objects.filter(escalation_level=3).values_list("pk", flat=True)
    )
    ordered = sorted(r.rectification.pk for r in backlog)
    assert stepped_first == set(ordered[:2])  # the scan itself starts at the beginning

    # Helper 2 of 3 finds the three left and starts two thirds along them, on a batch
    # boundary (the third left, the fifth in all), wrapping round: out of time after its
    # first batch, it has taken the fifth and the third.
    from credit_records.tasks import escalate_backlog

    with override_settings(CHENGXIN_SCAN_BUDGET_SECONDS=0):
        assert escalate_backlog(ALL_DUE.isoformat(), 2, 3) == 6
    levels = dict(Rectification.objects.values_list("pk", "escalation_level"))
    assert [levels[pk] for pk in ordered] == [3, 3, 3, 0, 3]
    # A helper finds the rest whatever the others did, and never steps a row twice.
    assert escalate_backlog(ALL_DUE.isoformat(), 1, 3) == 3
    assert escalate_backlog(ALL_DUE.isoformat(), 1, 3) == 0
    assert RecordEvent.objects.filter(action="overdue").count() == 5
    assert len(queued) == 2  # helpers queue no helpers


@override_settings(CHENGXIN_LADDER_BATCH=2, CHENGXIN_LADDER_WORKERS=3)
def test_a_small_backlog_or_a_single_worker_queues_no_helper(backlog, monkeypatch):
    queued = []
    monkeypatch.setattr(ladder, "send_task", lambda task, *args: queued.append(args))
    with override_settings(CHENGXIN_LADDER_BATCH=3):  # five is less than two batches of three
        deadlines.escalate_overdue(budget_seconds=0, fan_out=True)
    with override_settings(CHENGXIN_LADDER_WORKERS=1):
        deadlines.escalate_overdue(budget_seconds=0, fan_out=True)
    assert queued == []


def queries_of(call):
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@override_settings(CHENGXIN_LADDER_BATCH=50)
def test_a_catch_up_costs_the_same_queries_for_three_rectifications_as_for_nine(
    time_machine, jiangning_department, people
):
    """A pass claims its steps with one update per level and writes everything they cause in
    bulk: the queries grow with the passes (one per step of the ladder), not the rows."""
    time_machine.move_to(at(datetime.date(2026, 3, 2)), tick=False)
    first, *small = rectifying(jiangning_department, people, 4)
    time_machine.move_to(at(datetime.date(2026, 3, 3)), tick=False)
    many = rectifying(
        jiangning_department, people, 9, deadline=DEADLINE + datetime.timedelta(days=1)
    )

    def catch_up(records):
        pks = [record.rectification.pk for record in records]
        return queries_of(lambda: ladder.escalate_batch(pks, today=ALL_DUE))

    time_machine.move_to(at(ALL_DUE, 3), tick=False)
    catch_up([first])  # what any first batch looks up once (content types, groups)
    few, more = catch_up(small), catch_up(many)

    assert Rectification.objects.filter(escalation_level=3).count() == 13
    assert more == few


def test_a_scan_with_nothing_new_to_remind_costs_the_same_queries_for_many_deadlines(
    time_machine, jiangning_department, people
):
    today = datetime.date(2026, 6, 1)
    time_machine.move_to(at(today), tick=False)
    rectifying(jiangning_department, people, 3, deadline=today + datetime.timedelta(days=3))
    deadlines.send_reminders(today)
    sent = ReminderLog.objects.count()
    few = queries_of(lambda: deadlines.send_reminders(today))

    rectifying(jiangning_department, people, 12, deadline=today + datetime.timedelta(days=2))
    assert deadlines.send_reminders(today) == 12
    many = queries_of(lambda: deadlines.send_reminders(today))

    assert ReminderLog.objects.count() > sent
    assert many == few


@override_settings(CHENGXIN_LADDER_BATCH=2)
def test_a_backlog_of_ended_disclosures_is_recorded_in_batches_each_once(
    time_machine, nanjing_department, nanjing_liaison
):
    decided = datetime.date(2025, 3, 10)  # a general record: disclosed for twelve months
    time_machine.move_to(at(datetime.date(2025, 4, 1)), tick=False)
    records = [
        make_record(
            nanjing_department,
            liaison=nanjing_liaison,
            state="confirmed",
            decision_date=decided,
            severity=Severity.GENERAL,
        )
        for _ in range(5)
    ]
    time_machine.move_to(at(datetime.date(2026, 5, 1)), tick=False)

    assert deadlines.expire_disclosures() == 5
    assert deadlines.expire_disclosures() == 0
    for record in records:
        record.refresh_from_db()
        assert record.disclosure_expired_on == datetime.date(2026, 3, 10)
        assert record.history.filter(disclosure_expired_on__isnull=False).count() == 1
        assert RecordEvent.objects.filter(record=record, action="disclosure_expired").count() == 1


# --- A first scan's reminders over a backlog ------------------------------------------------------

SCAN_DAY = datetime.date(2026, 6, 1)


@pytest.fixture
def reminding(time_machine, jiangning_department, nanjing_department, people):
    """Open rectifications in two departments (a county's and a city's), made on the scan's
    day; returns a maker of ``count`` of them due ``days`` later."""
    nanjing_people = {
        "liaison": UserFactory(
            username="nanjing-liaison", role="Department liaison", department=nanjing_department
        ),
        "office": people["city"],
    }
    time_machine.move_to(at(SCAN_DAY), tick=False)

    def make(count, days):
        made = []
        for n in range(count):
            department, who = (
                (jiangning_department, people) if n % 2 else (nanjing_department, nanjing_people)
            )
            made += rectifying(
                department, who, 1, deadline=SCAN_DAY + datetime.timedelta(days=days)
            )
        Notification.objects.all().delete()  # "rectification required": not what this is about
        return made

    return make


def reminder_count():
    return Notification.objects.filter(kind=NotificationKind.REMINDER).count()


def test_a_batch_of_twelve_reminders_costs_the_same_queries_as_three_and_queues_one_email_task(
    reminding, django_capture_on_commit_callbacks
):
    reminding(1, 7)
    deadlines.send_reminders(SCAN_DAY)  # what any first batch looks up once (content types)

    def scan():
        with django_capture_on_commit_callbacks() as queued:
            queries = queries_of(lambda: deadlines.send_reminders(SCAN_DAY))
        return queries, len(queued)

    reminding(3, 3)
    before = reminder_count()
    few, few_tasks = scan()
    # Each reminder reaches the department's liaison and its office (Jiangning's county
    # office, or Nanjing's city office for the city's department).
    assert reminder_count() - before == 3 * 2

    reminding(12, 1)
    before = reminder_count()
    many, many_tasks = scan()
    assert reminder_count() - before == 12 * 2

    assert many == few
    assert few_tasks == many_tasks == 1  # the batch's one email task


def test_a_batch_of_reminders_is_emailed_by_its_one_task_each_recipient_in_their_language(
    reminding, people, django_capture_on_commit_callbacks
):
    from django.core import mail

    people["office"].language = "en"
    people["office"].save()
    records = reminding(4, 3)
    for user in User.objects.filter(
        username__in=["jiangning-office", "jiangning-liaison", "nanjing", "nanjing-liaison"]
    ):
        user.email = f"{user.username}@example.gov.cn"
        user.save()
    mail.outbox.clear()

    with celery_eager(), django_capture_on_commit_callbacks(execute=True):
        assert deadlines.send_reminders(SCAN_DAY) == 4

    titles = set(
        Notification.objects.filter(kind=NotificationKind.REMINDER).values_list(
            "recipient__username", "title"
        )
    )
    jiangning = [record for record in records if record.department.region.code == "320115"]
    nanjing = [record for record in records if record not in jiangning]
    assert jiangning and nanjing
    assert titles == {
        *(
            ("jiangning-office", f"Rectification of {record.decision_number} is due in 3 days")
            for record in jiangning
        ),
        *(
            ("jiangning-liaison", f"{record.decision_number} 的整改期限：还有 3 天到期")
            for record in jiangning
        ),
        *(("nanjing", f"{record.decision_number} 的整改期限：还有 3 天到期") for record in nanjing),
        *(
            ("nanjing-liaison", f"{record.decision_number} 的整改期限：还有 3 天到期")
            for record in nanjing
        ),
    }
    assert len(titles) == 8
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        f"{username}@example.gov.cn" for username, _title in titles
    )
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()


def test_a_batch_logs_the_stages_it_skipped_and_never_sends_them_or_a_sent_one_again(reminding):
    due_tomorrow = reminding(2, 1)
    due_in_two_days = reminding(2, 2)

    assert deadlines.send_reminders(SCAN_DAY) == 4
    assert deadlines.send_reminders(SCAN_DAY) == 0

    def stages(records):
        return {
            record.rectification.pk: sorted(
                ReminderLog.objects.filter(
                    kind="rectification", object_id=record.rectification.pk
                ).values_list("days_before", flat=True)
            )
            for record in records
        }

    assert set(map(tuple, stages(due_tomorrow).values())) == {(1, 3, 7)}
    assert set(map(tuple, stages(due_in_two_days).values())) == {(3, 7)}
    assert reminder_count() == 4 * 2  # one reminder each, to two people

    # The next day the ones due in two days reach the last stage: that one goes out, nothing
    # else does.
    assert deadlines.send_reminders(SCAN_DAY + datetime.timedelta(days=1)) == 2
    assert set(map(tuple, stages(due_in_two_days).values())) == {(1, 3, 7)}
    assert reminder_count() == 6 * 2


def test_a_stage_another_scan_claimed_first_is_not_claimed_again(reminding):
    from core import deadlines as engine

    (record,) = reminding(1, 3)
    pk = record.rectification.pk
    due = SCAN_DAY + datetime.timedelta(days=3)
    ReminderLog.objects.create(kind="rectification", object_id=pk, due_date=due, days_before=3)

    claimed = engine.claim_stages("rectification", [(pk, due, 3), (pk, due, 7)])

    assert claimed == {(pk, due, 7)}
    assert engine.claim_stages("rectification", [(pk, due, 3), (pk, due, 7)]) == set()
    assert deadlines.send_reminders(SCAN_DAY) == 0
    assert reminder_count() == 0


def test_a_batch_that_fails_midway_leaves_nothing_behind_and_the_next_scan_sends_it(
    reminding, monkeypatch
):
    from core import deadlines as engine

    records = reminding(3, 3)
    rectifications = [record.rectification.pk for record in records]
    monkeypatch.setattr(engine, "REMINDER_BATCH", 2)
    notify_batch, calls = engine.notify_batch, []

    def dies_in_the_second_batch(notices):
        calls.append(1)
        if len(calls) == 2:
            list(notices)  # the recipients were looked up, then the worker died
            raise RuntimeError("the worker died")
        return notify_batch(notices)

    with monkeypatch.context() as patched:
        patched.setattr(engine, "notify_batch", dies_in_the_second_batch)
        with pytest.raises(RuntimeError):
            deadlines.send_reminders(SCAN_DAY)
    # The first batch committed; of the second, neither its stages nor its notifications.
    reminded = set(ReminderLog.objects.values_list("object_id", flat=True))
    assert len(reminded) == 2 and reminded < set(rectifications)
    assert reminder_count() == 2 * 2

    assert deadlines.send_reminders(SCAN_DAY) == 1
    assert deadlines.send_reminders(SCAN_DAY) == 0
    assert reminder_count() == 3 * 2
    assert sorted(
        ReminderLog.objects.filter(days_before=3).values_list("object_id", flat=True)
    ) == sorted(rectifications)
