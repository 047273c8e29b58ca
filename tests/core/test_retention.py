"""Retention (``manage.py archive_old_rows``, core/retention.py): rows past their period are
archived, then deleted, and the archive holds exactly the deleted rows; younger rows, the
newest history row of each object, unread notifications and the logs of deadlines to come stay;
a run stopped half-way is finished by the next with no row lost or archived twice; a dry run
changes nothing; the transparency log is never touched; expired export files leave the disk
with their rows; bad options are refused with a translated message and change nothing."""

import datetime
import fcntl
import os
import re
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from core import retention, transparency
from core.models import (
    DataAccess,
    DeliveryStatus,
    ExportJob,
    ExportStatus,
    Notification,
    NotificationKind,
    OutboxEvent,
    ReminderLog,
    TransparencyEntry,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from core.tasks import archive_old_rows
from credit_records.models import DishonestyRecord

from ..builders.core import UserFactory
from ..builders.records import OfficialFactory, make_record

HISTORY = DishonestyRecord.history.model
HISTORY_TABLE = HISTORY._meta.label_lower


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path):
    settings.CHENGXIN_ARCHIVE_DIR = tmp_path / "archive"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CHENGXIN_HISTORY_RETENTION_YEARS = 5
    settings.CHENGXIN_NOTIFICATION_RETENTION_DAYS = 365
    return settings.CHENGXIN_ARCHIVE_DIR


def run(*args) -> str:
    out = StringIO()
    call_command("archive_old_rows", *args, stdout=out)
    return out.getvalue()


def counts(output: str) -> dict[str, int]:
    """Rows per table, from the command's lines ("table：已归档 3 行，共 1 个文件")."""
    found = {}
    for line in output.splitlines():
        table, _sep, rest = line.partition("：")
        digits = re.search(r"\d+", rest)
        if digits:
            found[table] = int(digits.group())
    return found


def ago(**delta) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(**delta)


def archived(folder: Path, table: str) -> list[dict]:
    """Every row in the table's archive files (pending ones included: there must be none)."""
    rows = []
    for path in sorted((folder / table).glob("*")):
        if path.name == ".lock":
            continue
        assert path.name.endswith(".jsonl.gz"), path
        rows += list(retention.read_archive(path))
    return rows


def backdate_history(record, years: int) -> list[int]:
    """All of a record's history rows moved ``years`` back; their ids, oldest first."""
    rows = HISTORY.objects.filter(id=record.pk)
    rows.update(history_date=ago(days=365 * years + 2))
    return list(rows.order_by("history_id").values_list("history_id", flat=True))


def make_notifications(user, count, *, read: bool, days_old: int) -> list[int]:
    created = [
        Notification.objects.create(
            recipient=user, kind=NotificationKind.WORKFLOW, title=f"通知{n}"
        )
        for n in range(count)
    ]
    keys = [n.pk for n in created]
    Notification.objects.filter(pk__in=keys).update(
        created_at=ago(days=days_old), read_at=ago(days=days_old) if read else None
    )
    return keys


@pytest.mark.django_db
def test_history_past_the_period_is_archived_then_deleted_keeping_each_objects_newest_row(
    nanjing_department, archive_dir
):
    old = make_record(nanjing_department, state="confirmed")
    young = make_record(nanjing_department, state="confirmed")
    old_ids = backdate_history(old, 6)
    young_ids = list(HISTORY.objects.filter(id=young.pk).values_list("history_id", flat=True))
    assert len(old_ids) >= 2

    output = run("--only", HISTORY_TABLE)

    left = set(HISTORY.objects.values_list("history_id", flat=True))
    assert left == {old_ids[-1], *young_ids}
    rows = archived(archive_dir, HISTORY_TABLE)
    assert sorted(row["pk"] for row in rows) == old_ids[:-1]
    assert {row["fields"]["id"] for row in rows} == {old.pk}
    assert counts(output)[HISTORY_TABLE] == len(old_ids) - 1
    DishonestyRecord.objects.get(pk=old.pk)  # the record itself stays


@pytest.mark.django_db
def test_the_history_of_a_records_officials_goes_into_the_same_archive(
    nanjing_department, archive_dir
):
    official = OfficialFactory(department=nanjing_department)
    record = make_record(nanjing_department, state="confirmed", officials=[official])
    ids = backdate_history(record, 6)
    through = HISTORY.officials.model if hasattr(HISTORY, "officials") else None
    assert through is not None
    linked = set(through.objects.filter(history_id__in=ids[:-1]).values_list("pk", flat=True))
    assert linked

    run("--only", HISTORY_TABLE)

    assert not through.objects.filter(history_id__in=ids[:-1]).exists()
    rows = archived(archive_dir, HISTORY_TABLE)
    assert {row["pk"] for row in rows if row["model"] == through._meta.label_lower} == linked


@pytest.mark.django_db
def test_nothing_older_is_archived_while_the_history_period_is_unset(
    settings, nanjing_department, archive_dir
):
    settings.CHENGXIN_HISTORY_RETENTION_YEARS = 0
    record = make_record(nanjing_department, state="confirmed")
    ids = backdate_history(record, 30)

    run()

    assert sorted(HISTORY.objects.values_list("history_id", flat=True)) == ids
    assert not (archive_dir / HISTORY_TABLE).exists()


@pytest.mark.django_db
def test_a_run_that_fails_in_its_second_batch_is_finished_by_the_next_with_nothing_lost_or_doubled(
    archive_dir,
):
    user = UserFactory()
    keys = make_notifications(user, 7, read=True, days_old=400)
    table = Notification._meta.label_lower
    real_delete = retention._delete_exactly
    calls = []

    def failing(model, ids):
        calls.append(ids)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        real_delete(model, ids)

    with mock.patch.object(retention, "_delete_exactly", failing), pytest.raises(RuntimeError):
        run("--only", table, "--batch-size", "3")

    assert sorted(Notification.objects.values_list("pk", flat=True)) == keys[3:]
    assert sorted(row["pk"] for row in archived(archive_dir, table)) == keys[:3]

    run("--only", table, "--batch-size", "3")

    assert not Notification.objects.exists()
    assert sorted(row["pk"] for row in archived(archive_dir, table)) == keys


@pytest.mark.django_db
def test_a_run_killed_between_its_archive_and_the_commit_is_settled_by_the_next(archive_dir):
    user = UserFactory()
    keys = make_notifications(user, 4, read=True, days_old=400)
    table = Notification._meta.label_lower
    target = next(t for t in retention.targets() if t.name == table)
    folder = archive_dir / table
    folder.mkdir(parents=True)
    # The file a killed run left: written and fsync'd, its delete never committed.
    retention._write(
        folder / f"{table}-{keys[0]:012d}-{keys[1]:012d}.jsonl.gz.pending",
        [list(Notification.objects.filter(pk__in=keys[:2]))],
    )

    run("--only", table)

    assert not Notification.objects.exists()
    assert sorted(row["pk"] for row in archived(archive_dir, table)) == keys
    assert target.model is Notification


@pytest.mark.django_db
def test_a_run_killed_after_the_commit_keeps_its_archive_on_the_next_run(archive_dir):
    user = UserFactory()
    keys = make_notifications(user, 4, read=True, days_old=400)
    table = Notification._meta.label_lower
    real_replace = retention.os.replace

    def killed_at_final_rename(source, destination):
        if str(source).endswith(retention.PENDING):
            raise KeyboardInterrupt
        real_replace(source, destination)

    with (
        mock.patch.object(retention.os, "replace", killed_at_final_rename),
        pytest.raises(KeyboardInterrupt),
    ):
        run("--only", table, "--batch-size", "2")
    assert sorted(Notification.objects.values_list("pk", flat=True)) == keys[2:]
    assert len(list((archive_dir / table).glob("*.pending"))) == 1

    run("--only", table, "--batch-size", "2")

    assert not Notification.objects.exists()
    assert sorted(row["pk"] for row in archived(archive_dir, table)) == keys


@pytest.mark.django_db
def test_a_table_another_run_is_archiving_is_left_to_it(archive_dir):
    keys = make_notifications(UserFactory(), 3, read=True, days_old=400)
    table = Notification._meta.label_lower
    (archive_dir / table).mkdir(parents=True)
    with open(archive_dir / table / ".lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)

        output = run("--only", table)

    assert "另一次运行正在归档" in output
    assert sorted(Notification.objects.values_list("pk", flat=True)) == keys
    assert archived(archive_dir, table) == []


@pytest.mark.django_db
def test_a_dry_run_counts_and_changes_nothing(nanjing_department, archive_dir):
    record = make_record(nanjing_department, state="confirmed")
    ids = backdate_history(record, 6)
    keys = make_notifications(UserFactory(), 2, read=True, days_old=400)

    output = run("--dry-run")

    assert counts(output)[HISTORY_TABLE] == len(ids) - 1
    assert counts(output)[Notification._meta.label_lower] == 2
    assert HISTORY.objects.filter(history_id__in=ids).count() == len(ids)
    assert Notification.objects.filter(pk__in=keys).count() == 2
    assert not archive_dir.exists() or not any(archive_dir.rglob("*.gz*"))


@pytest.mark.django_db
def test_the_transparency_log_and_the_event_outbox_are_never_touched(
    nanjing_department, archive_dir, time_machine
):
    for _ in range(2):
        make_record(nanjing_department, state="confirmed")
    entries = list(TransparencyEntry.objects.values_list("pk", "entry_hash"))
    events = OutboxEvent.objects.count()
    assert entries and events
    assert transparency.verify_chain()[2] is None
    # Twenty years on, everything is past every period.
    time_machine.move_to(timezone.now() + datetime.timedelta(days=365 * 20))

    output = run("--before", timezone.localdate().isoformat())

    assert counts(output)[HISTORY_TABLE] > 0  # the run did archive what it may
    assert list(TransparencyEntry.objects.values_list("pk", "entry_hash")) == entries
    assert OutboxEvent.objects.count() == events
    assert not any(name.startswith("core.transparency") for name in counts(output))
    assert transparency.verify_chain()[2] is None


@pytest.mark.django_db
def test_unread_and_recently_read_notifications_stay(archive_dir):
    user = UserFactory()
    old_read = make_notifications(user, 2, read=True, days_old=400)
    old_unread = make_notifications(user, 2, read=False, days_old=3000)
    recent_read = make_notifications(user, 2, read=True, days_old=30)

    run("--only", Notification._meta.label_lower)

    assert sorted(Notification.objects.values_list("pk", flat=True)) == sorted(
        old_unread + recent_read
    )
    rows = archived(archive_dir, Notification._meta.label_lower)
    assert sorted(row["pk"] for row in rows) == old_read


@pytest.mark.django_db
def test_only_the_reminder_logs_of_deadlines_long_past_go(archive_dir):
    today = timezone.localdate()
    past = ReminderLog.objects.create(
        kind="rectification",
        object_id=1,
        due_date=today.replace(year=today.year - 7),
        days_before=1,
    )
    upcoming = ReminderLog.objects.create(
        kind="rectification",
        object_id=2,
        due_date=today + datetime.timedelta(days=3),
        days_before=3,
    )
    ReminderLog.objects.update(sent_at=ago(days=365 * 8))

    run("--only", ReminderLog._meta.label_lower)

    assert list(ReminderLog.objects.values_list("pk", flat=True)) == [upcoming.pk]
    rows = archived(archive_dir, ReminderLog._meta.label_lower)
    assert [row["pk"] for row in rows] == [past.pk]


@pytest.mark.django_db
def test_finished_webhook_deliveries_go_with_their_attempts_and_pending_ones_stay(
    nanjing_department, archive_dir
):
    record = make_record(nanjing_department, state="confirmed")
    event = OutboxEvent.objects.filter(object_id=record.pk).first()
    long_ago = ago(days=365 * 6)
    deliveries = {}
    for status in (DeliveryStatus.DELIVERED, DeliveryStatus.PENDING):
        subscription = WebhookSubscription.objects.create(
            name=status, target_url="https://example.gov.cn/hook", event_types=[]
        )
        delivery = WebhookDelivery.objects.create(
            subscription=subscription,
            event=event,
            content_type=event.content_type,
            object_id=event.object_id,
            status=status,
            next_attempt_at=long_ago,
            retry_since=long_ago,
            delivered_at=long_ago if status == DeliveryStatus.DELIVERED else None,
        )
        WebhookAttempt.objects.create(delivery=delivery, attempted_at=long_ago, status_code=200)
        deliveries[status] = delivery
    WebhookDelivery.objects.update(created_at=long_ago)

    run("--only", WebhookAttempt._meta.label_lower, "--only", WebhookDelivery._meta.label_lower)

    assert list(WebhookDelivery.objects.values_list("pk", flat=True)) == [
        deliveries[DeliveryStatus.PENDING].pk
    ]
    assert WebhookAttempt.objects.get().delivery_id == deliveries[DeliveryStatus.PENDING].pk
    assert [r["pk"] for r in archived(archive_dir, WebhookDelivery._meta.label_lower)] == [
        deliveries[DeliveryStatus.DELIVERED].pk
    ]
    assert len(archived(archive_dir, WebhookAttempt._meta.label_lower)) == 1


@pytest.mark.django_db
def test_expired_export_files_leave_the_disk_with_their_rows(settings, archive_dir):
    user = UserFactory()
    exports = Path(settings.MEDIA_ROOT) / "exports"
    exports.mkdir(parents=True)

    def job(name, expires):
        (exports / name).write_bytes(b"a,b\n")
        return ExportJob.objects.create(
            requested_by=user,
            view_name="records",
            title=name,
            format="csv",
            language="zh-hans",
            status=ExportStatus.DONE,
            file=f"exports/{name}",
            expires_at=expires,
        )

    expired = job("old.csv", ago(days=1))
    kept = job("new.csv", ago(days=-3))
    orphan = exports / "orphan.csv"
    orphan.write_bytes(b"x")
    stale = (ago(days=settings.CHENGXIN_EXPORT_KEEP_DAYS + 1)).timestamp()
    os.utime(orphan, (stale, stale))
    fresh_orphan = exports / "being-written.csv"
    fresh_orphan.write_bytes(b"x")

    output = run("--only", ExportJob._meta.label_lower)

    assert list(ExportJob.objects.values_list("pk", flat=True)) == [kept.pk]
    assert sorted(p.name for p in exports.iterdir()) == ["being-written.csv", "new.csv"]
    assert counts(output)[ExportJob._meta.label_lower] == 2
    assert expired.pk not in ExportJob.objects.values_list("pk", flat=True)


@pytest.mark.django_db
def test_the_access_log_keeps_its_own_period_whatever_before_says(settings, archive_dir):
    user = UserFactory()
    for days in (settings.CHENGXIN_ACCESS_LOG_RETENTION_DAYS + 10, 30):
        row = DataAccess.objects.create(user=user, action="view", label="公职人员")
        DataAccess.objects.filter(pk=row.pk).update(at=ago(days=days))

    run("--only", DataAccess._meta.label_lower, "--before", timezone.localdate().isoformat())

    assert DataAccess.objects.count() == 1
    assert DataAccess.objects.get().at > ago(days=31)
    assert not (archive_dir / DataAccess._meta.label_lower).exists()  # deleted, not archived


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "setting", "message"),
    [
        (("--only", "core.nosuchtable"), {}, "未知的数据表：core.nosuchtable"),
        (("--before", "2020-13-01"), {}, "2020-13-01 不是日期"),
        (("--batch-size", "0"), {}, "每批行数必须是正整数"),
        (
            (),
            {"CHENGXIN_HISTORY_RETENTION_YEARS": -1},
            "CHENGXIN_HISTORY_RETENTION_YEARS 不能为负数",
        ),
        ((), {"CHENGXIN_NOTIFICATION_RETENTION_DAYS": -5}, "不能为负数"),
    ],
)
def test_bad_options_are_refused_in_chinese_and_change_nothing(
    settings, nanjing_department, archive_dir, args, setting, message
):
    for name, value in setting.items():
        setattr(settings, name, value)
    record = make_record(nanjing_department, state="confirmed")
    ids = backdate_history(record, 6)
    keys = make_notifications(UserFactory(), 2, read=True, days_old=400)

    with pytest.raises(CommandError) as error:
        run(*args)

    assert message in str(error.value)
    assert HISTORY.objects.filter(history_id__in=ids).count() == len(ids)
    assert Notification.objects.filter(pk__in=keys).count() == 2
    assert not archive_dir.exists()


@pytest.mark.django_db
def test_beat_runs_the_same_archiving_daily(nanjing_department, archive_dir):
    schedule = django_settings.CELERY_BEAT_SCHEDULE["archive-old-rows"]
    assert schedule["task"] == archive_old_rows.name
    keys = make_notifications(UserFactory(), 3, read=True, days_old=400)

    result = archive_old_rows()

    assert result[Notification._meta.label_lower] == 3
    assert sorted(r["pk"] for r in archived(archive_dir, Notification._meta.label_lower)) == keys


def test_the_archive_can_be_loaded_back_with_loaddata(db, archive_dir):
    keys = make_notifications(UserFactory(), 2, read=True, days_old=400)
    before = list(Notification.objects.order_by("pk").values())
    run("--only", Notification._meta.label_lower)
    assert not Notification.objects.exists()

    for path in sorted((archive_dir / Notification._meta.label_lower).glob("*.jsonl.gz")):
        call_command("loaddata", str(path), verbosity=0)

    assert list(Notification.objects.order_by("pk").values()) == before
    assert sorted(Notification.objects.values_list("pk", flat=True)) == keys
