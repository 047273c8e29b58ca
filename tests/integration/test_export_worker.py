"""A real Celery worker on Redis, against the PostgreSQL test database, prepares a background
export queued from here: the job runs to "done" and its file has the download's rows."""

import csv
import datetime
import io
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.test import Client

from core import export_jobs
from core.models import ExportJob, ExportStatus
from tests.builders.records import make_record
from tests.builders.tasks import celery_broker

from .workers import start_worker, stop, wait_for

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def export_broker(redis_url):
    """A Redis database of its own (10), emptied before and after."""
    parts = urlsplit(redis_url)
    url = urlunsplit((parts.scheme, parts.netloc, "/10", "", ""))
    with celery_broker(url) as app:
        app.control.purge()
        try:
            yield url
        finally:
            app.control.purge()


def test_a_worker_on_redis_prepares_a_background_export_with_the_downloads_rows(
    require_postgres, export_broker, tmp_path, settings, nanjing_department, auditor
):
    settings.MEDIA_ROOT = tmp_path / "media"
    for n in range(1, 8):
        make_record(
            nanjing_department,
            decision_number=f"宁财罚〔2026〕{n}号",
            decision_date=datetime.date(2026, 3, n),
        )
    # Queued the way the list's button queues it: sent to the broker after the commit.
    job = export_jobs.export_job_create(
        actor=auditor, view_name="workspace:record_list", query="status=confirmed", fmt="csv"
    )
    job.refresh_from_db()
    assert job.enqueued_at is not None

    worker, log = start_worker(
        export_broker, tmp_path, "export-test", DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT)
    )
    try:
        done = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.DONE)
        wait_for(done.exists, worker, log, seconds=60)
    finally:
        stop(worker)
    assert "credit_records.tasks.run_export_job" in log.read_text()

    job.refresh_from_db()
    assert (job.rows_total, job.rows_written) == (7, 7)
    with job.file.open("rb") as handle:
        written = handle.read()
    client = Client()
    client.force_login(auditor)
    download = client.get("/workspace/records/", {"status": "confirmed", "export": "csv"})
    assert written == b"".join(download.streaming_content)
    rows = list(csv.reader(io.StringIO(written.decode("utf-8-sig"))))
    assert len(rows) == 8
    response = client.get(f"/workspace/exports/{job.pk}/download/")
    assert b"".join(response.streaming_content) == written
