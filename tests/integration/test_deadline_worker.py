"""A real Celery worker on Redis, against the test database, runs the deadline scan sent from
here: the reminder appears in the database, and the worker then emails it."""

import datetime
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.utils import timezone

from core.models import Notification, NotificationKind
from credit_records.tasks import scan_deadlines
from tests.builders.core import UserFactory
from tests.builders.records import make_rectifying_record
from tests.builders.tasks import celery_broker

from .workers import start_worker, stop, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_broker(redis_url):
    """A Redis database of its own (15), emptied first, that the test's Celery app publishes
    to; messages other runs left there cannot stand in for ours."""
    parts = urlsplit(redis_url)
    url = urlunsplit((parts.scheme, parts.netloc, "/15", "", ""))
    with celery_broker(url) as app:
        app.control.purge()
        try:
            yield url
        finally:
            app.control.purge()


def test_a_worker_on_redis_runs_the_scan_and_the_reminder_appears_in_the_database(
    require_postgres, worker_broker, tmp_path, jiangning_department, nanjing_supervisor
):
    liaison = UserFactory(
        username="jiangning-liaison",
        role="Department liaison",
        department=jiangning_department,
        email="liaison@jiangning.gov.cn",
    )
    record = make_rectifying_record(
        jiangning_department,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
        liaison=liaison,
        decision_number="宁江建罚〔2026〕3号",
    )
    reminders = Notification.objects.about(record).filter(kind=NotificationKind.REMINDER)
    assert not reminders.exists()

    worker, log = start_worker(worker_broker, tmp_path, "deadline-test")
    try:
        scan_deadlines.delay()

        wait_for(lambda: reminders.count() == 2, worker, log)
        assert sorted(reminders.values_list("recipient__username", "title")) == [
            ("jiangning-liaison", "宁江建罚〔2026〕3号 的整改期限：还有 3 天到期"),
            ("nanjing", "宁江建罚〔2026〕3号 的整改期限：还有 3 天到期"),
        ]
        # The worker queued each email after its commit and sent it (console backend).
        wait_for(
            lambda: not reminders.filter(email_sent_at__isnull=True, recipient=liaison).exists(),
            worker,
            log,
        )
    finally:
        stop(worker)
    assert "credit_records.tasks.scan_deadlines" in log.read_text()
