"""A real Celery worker on Redis, against the test database, runs the deadline scan sent from
here: the reminder appears in the database, and the worker then emails it."""

import datetime
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.utils import timezone

from credit_records.models import Notification, NotificationKind
from credit_records.tasks import scan_deadlines
from tests.credit_records.deadline_support import celery_broker, rectifying_record
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

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


def worker_environment(broker_url: str, var_dir: Path) -> dict[str, str]:
    settings = connection.settings_dict
    database = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker_url,
        "CHENGXIN_VAR_DIR": str(var_dir),
    }


def wait_for(condition, worker, log: Path, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert worker.poll() is None, f"the worker stopped:\n{log.read_text()}"
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"not seen within {seconds} s; worker log:\n{log.read_text()}")


def test_a_worker_on_redis_runs_the_scan_and_the_reminder_appears_in_the_database(
    require_postgres, worker_broker, tmp_path, jiangning_department, nanjing_supervisor
):
    liaison = UserFactory(
        username="jiangning-liaison",
        role="Department liaison",
        department=jiangning_department,
        email="liaison@jiangning.gov.cn",
    )
    record = rectifying_record(
        jiangning_department,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
        liaison=liaison,
        decision_number="宁江建罚〔2026〕3号",
    )
    reminders = Notification.objects.filter(kind=NotificationKind.REMINDER, record=record)
    assert not reminders.exists()

    log = tmp_path / "worker.log"
    node = f"deadline-test-{os.getpid()}-{uuid.uuid4().hex[:8]}@localhost"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                node,
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=worker_environment(worker_broker, tmp_path),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
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
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
    assert "credit_records.tasks.scan_deadlines" in log.read_text()
