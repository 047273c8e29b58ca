"""Background exports: a large (or explicitly backgrounded) list export becomes a job, the
worker writes exactly the rows the download would have had, for the requester's scope, and
only the requester gets the file; the maintenance scan fails dead jobs and deletes old ones."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from core import export_jobs
from core.models import ExportJob, ExportStatus
from core.tasks import maintain_export_jobs, run_export_job

from ..builders.records import make_record
from ..credit_records.test_exports_scale import xlsx_rows
from ..credit_records.test_record_pages import EXPORT_HEADER

LIST = "/workspace/records/"
EXPORTS = "/workspace/exports/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def records(nanjing_department, suzhou_department, nanjing_supervisor):
    nanjing = [
        make_record(
            nanjing_department,
            actor=nanjing_supervisor,
            decision_number=f"宁财罚〔2026〕{n}号",
            decision_date=datetime.date(2026, 3, n),
            facts='=HYPERLINK("x")' if n == 2 else "逾期支付",
        )
        for n in (1, 2, 3)
    ]
    make_record(nanjing_department, state="draft", decision_number="宁财罚〔2026〕9号")
    suzhou = make_record(suzhou_department, decision_number="苏财罚〔2026〕7号")
    return nanjing, suzhou


def background_job(client, fmt="csv", **filters) -> ExportJob:
    response = client.post(
        "/workspace/exports/new/",
        {"view": "workspace:record_list", "query": _query(filters), "format": fmt},
    )
    assert response.status_code == 302
    assert response["Location"] == EXPORTS
    return ExportJob.objects.latest("pk")


def _query(filters) -> str:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(filters)
    return query.urlencode()


def file_bytes(job: ExportJob) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def csv_of(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


# --- creating a job -------------------------------------------------------------------------


def test_an_export_over_the_threshold_becomes_a_job_and_the_user_is_sent_to_my_exports(
    login, auditor, records, settings, django_capture_on_commit_callbacks
):
    settings.CHENGXIN_EXPORT_BACKGROUND_ROWS = 2
    client = login(auditor)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.get(LIST, {"status": "confirmed", "export": "xlsx", "page": "2"})

    assert response.status_code == 302
    assert response["Location"] == EXPORTS
    job = ExportJob.objects.get()
    assert (job.requested_by, job.view_name, job.query, job.format, job.status) == (
        auditor,
        "workspace:record_list",
        "status=confirmed",
        "xlsx",
        ExportStatus.QUEUED,
    )
    assert job.expires_at > timezone.now() + datetime.timedelta(days=6)
    assert len(callbacks) == 1  # the worker is sent the job after the commit
    page = client.get(EXPORTS)
    assert list(page.context["jobs"]) == [job]
    assert [str(m) for m in page.context["messages"]] == [
        gettext(
            "The export is being prepared in the background: download it here when it is ready."
        )
    ]


def test_an_export_at_or_under_the_threshold_still_downloads_at_once(
    login, auditor, records, settings
):
    settings.CHENGXIN_EXPORT_BACKGROUND_ROWS = 5  # five records in scope: not more
    response = login(auditor).get(LIST, {"export": "csv"})

    assert response.status_code == 200
    assert len(csv_of(b"".join(response.streaming_content))) == 6
    assert not ExportJob.objects.exists()


def test_asking_twice_for_the_same_export_makes_one_job(login, auditor, records, settings):
    settings.CHENGXIN_EXPORT_BACKGROUND_ROWS = 1
    client = login(auditor)
    client.get(LIST, {"export": "csv", "severity": "general"})
    client.get(LIST, {"export": "csv", "severity": "general"})
    client.get(LIST, {"export": "xlsx", "severity": "general"})

    assert sorted(ExportJob.objects.values_list("format", flat=True)) == ["csv", "xlsx"]


def test_a_user_without_the_export_permission_cannot_queue_a_job(
    login, nanjing_liaison, records, settings
):
    response = login(nanjing_liaison).post(
        "/workspace/exports/new/",
        {"view": "workspace:record_list", "query": "", "format": "csv"},
    )
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_a_list_that_has_no_export_cannot_be_queued(login, auditor, records):
    response = login(auditor).post(
        "/workspace/exports/new/",
        {"view": "workspace:region_list", "query": "", "format": "csv"},
        follow=True,
    )
    assert not ExportJob.objects.exists()
    assert [str(m) for m in response.context["messages"]] == [
        gettext("This list cannot be exported.")
    ]


def test_the_list_offers_the_background_export_and_links_my_exports(login, auditor, records):
    page = login(auditor).get(LIST, {"status": "confirmed"}).content.decode()

    assert 'action="/workspace/exports/new/"' in page
    assert 'name="view" value="workspace:record_list"' in page
    assert 'name="query" value="status=confirmed"' in page
    assert f'href="{EXPORTS}"' in page


# --- running it -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_job_file_has_exactly_the_rows_of_the_download_for_the_same_filter(
    login, auditor, records, fmt
):
    client = login(auditor)
    job = background_job(client, fmt, status="confirmed")

    assert run_export_job(job.pk) == "done"

    job.refresh_from_db()
    download = client.get(LIST, {"status": "confirmed", "export": fmt})
    if fmt == "csv":
        assert file_bytes(job) == b"".join(download.streaming_content)
        rows = csv_of(file_bytes(job))
    else:
        workbook = openpyxl.load_workbook(io.BytesIO(file_bytes(job)))
        rows = [["" if c.value is None else c.value for c in r] for r in workbook.active.rows]
        assert rows == xlsx_rows(download)
    assert rows[0] == EXPORT_HEADER
    assert sorted(row[0] for row in rows[1:]) == [
        "宁财罚〔2026〕1号",
        "宁财罚〔2026〕2号",
        "宁财罚〔2026〕3号",
        "苏财罚〔2026〕7号",
    ]
    assert '\'=HYPERLINK("x")' in [row[-1] for row in rows]  # neutralised as in the download
    assert (job.status, job.rows_total, job.rows_written) == (ExportStatus.DONE, 4, 4)
    assert job.filename == f"失信记录-{timezone.localdate().isoformat()}.{fmt}"
    assert job.file.name.startswith("exports/")


def test_a_supervisors_job_holds_only_the_rows_in_their_scope(login, nanjing_supervisor, records):
    nanjing, _suzhou = records
    job = background_job(login(nanjing_supervisor))

    run_export_job(job.pk)

    job.refresh_from_db()
    numbers = {row[0] for row in csv_of(file_bytes(job))[1:]}
    assert numbers == {record.decision_number for record in nanjing} | {"宁财罚〔2026〕9号"}


def test_the_job_reports_its_progress_as_it_writes(login, auditor, records, monkeypatch):
    monkeypatch.setattr(export_jobs, "PROGRESS_ROWS", 2)
    seen = []
    original = export_jobs._progress

    def spy(job_id, **fields):
        original(job_id, **fields)
        job = ExportJob.objects.get(pk=job_id)
        seen.append((job.status, job.rows_total, job.rows_written))

    monkeypatch.setattr(export_jobs, "_progress", spy)
    job = background_job(login(auditor))

    run_export_job(job.pk)

    assert seen == [("running", 5, 0), ("running", 5, 2), ("running", 5, 4)]
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_written) == ("done", 5, 5)
    assert job.started_at <= job.heartbeat_at <= job.finished_at


def test_a_job_runs_once_however_often_it_is_sent(login, auditor, records):
    job = background_job(login(auditor))

    assert run_export_job(job.pk) == "done"
    assert run_export_job(job.pk) == "skipped"


def test_a_job_whose_requester_lost_the_export_permission_fails_with_the_reason(
    login, nanjing_supervisor, records
):
    client = login(nanjing_supervisor)
    job = background_job(client)
    nanjing_supervisor.groups.get().permissions.remove(
        Permission.objects.get(codename="export_dishonestyrecord")
    )

    assert run_export_job(job.pk) == "failed"

    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.error == "您的角色无权导出。"
    assert not job.file
    page = client.get(EXPORTS).content.decode()
    assert pgettext("export status", "Failed") in page and "您的角色无权导出。" in page


def test_a_job_that_breaks_while_writing_fails_with_a_message_and_no_file(
    login, auditor, records, monkeypatch, media
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export_jobs, "write_export", broken)
    job = background_job(login(auditor))

    assert run_export_job(job.pk) == "failed"

    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.error == gettext("The export could not be written. Try again later.")
    assert not (media / "exports").exists() or not any((media / "exports").iterdir())


# --- seeing and downloading -------------------------------------------------------------------


def test_my_exports_shows_progress_and_reloads_while_a_job_is_running(login, auditor, records):
    client = login(auditor)
    job = background_job(client)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, rows_total=5, rows_written=2
    )

    page = client.get(EXPORTS).content.decode()

    assert '<meta http-equiv="refresh" content="5">' in page
    assert '<progress max="5" value="2">' in page
    assert "style=" not in page.split("<main", 1)[1]
    assert f"/workspace/exports/{job.pk}/download/" not in page

    run_export_job_done = ExportJob.objects.filter(pk=job.pk)
    run_export_job_done.update(status=ExportStatus.QUEUED)
    run_export_job(job.pk)
    page = client.get(EXPORTS).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert f"/workspace/exports/{job.pk}/download/" in page


def test_only_the_requester_and_a_superuser_can_see_and_download_a_job(
    login, auditor, province_supervisor, administrator, records
):
    job = background_job(login(auditor))
    run_export_job(job.pk)
    job.refresh_from_db()
    url = f"/workspace/exports/{job.pk}/download/"

    response = login(auditor).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == file_bytes(job)
    assert response["Cache-Control"] == "private, no-store"
    assert "attachment" in response["Content-Disposition"]

    other = login(province_supervisor)
    assert other.get(url).status_code == 404
    assert list(other.get(EXPORTS).context["jobs"]) == []
    admin = login(administrator)
    assert admin.get(url).status_code == 200
    assert list(admin.get(EXPORTS).context["jobs"]) == []  # "my" exports: their own only


def test_a_download_after_the_requesters_scope_changed_is_refused(
    login, nanjing_supervisor, records, regions
):
    client = login(nanjing_supervisor)
    job = background_job(client)
    run_export_job(job.pk)
    nanjing_supervisor.region = regions["320500"]
    nanjing_supervisor.save(update_fields=["region"])

    assert client.get(f"/workspace/exports/{job.pk}/download/").status_code == 403


def test_a_queued_job_has_no_download(login, auditor, records):
    client = login(auditor)
    job = background_job(client)

    assert client.get(f"/workspace/exports/{job.pk}/download/").status_code == 404


# --- the maintenance scan ---------------------------------------------------------------------


def test_the_scan_deletes_expired_jobs_with_their_files(auditor, media):
    def job_with_file(name, expires_at):
        job = ExportJob.objects.create(
            requested_by=auditor,
            view_name="workspace:record_list",
            title="失信记录",
            format="csv",
            language="zh-hans",
            status=ExportStatus.DONE,
            expires_at=expires_at,
        )
        job.file.save(f"{name}.csv", ContentFile(b"x"))
        return job

    now = timezone.now()
    old = job_with_file("old", now - datetime.timedelta(minutes=1))
    fresh = job_with_file("fresh", now + datetime.timedelta(days=1))
    old_path, fresh_path = old.file.path, fresh.file.path

    assert maintain_export_jobs()["deleted"] == 1

    assert list(ExportJob.objects.all()) == [fresh]
    assert not (media / old.file.name).exists()
    assert (media / fresh.file.name).exists() and old_path != fresh_path


def test_the_scan_fails_a_running_job_whose_worker_died_and_resends_a_never_sent_one(
    auditor, monkeypatch, settings
):
    sent = []
    monkeypatch.setattr(export_jobs, "_send", lambda pk: sent.append(pk) or True)
    now = timezone.now()
    common = {
        "requested_by": auditor,
        "view_name": "workspace:record_list",
        "title": "失信记录",
        "format": "csv",
        "language": "zh-hans",
        "expires_at": now + datetime.timedelta(days=7),
    }
    dead = ExportJob.objects.create(
        status=ExportStatus.RUNNING, heartbeat_at=now - datetime.timedelta(minutes=16), **common
    )
    alive = ExportJob.objects.create(
        status=ExportStatus.RUNNING, heartbeat_at=now - datetime.timedelta(minutes=1), **common
    )
    unsent = ExportJob.objects.create(**common)
    ExportJob.objects.filter(pk=unsent.pk).update(created_at=now - datetime.timedelta(minutes=2))
    waiting = ExportJob.objects.create(enqueued_at=now, **common)
    ExportJob.objects.filter(pk=waiting.pk).update(created_at=now - datetime.timedelta(minutes=2))

    assert maintain_export_jobs() == {"failed": 1, "sent": 1, "deleted": 0}

    dead.refresh_from_db()
    assert (dead.status, dead.error) == (
        "failed",
        gettext("The export stopped before it was finished. Export it again."),
    )
    assert ExportJob.objects.get(pk=alive.pk).status == ExportStatus.RUNNING
    assert sent == [unsent.pk]
    # A worker that comes back to the failed job does not overwrite the verdict.
    assert run_export_job(dead.pk) == "skipped"


def test_a_job_failed_by_the_scan_while_writing_leaves_no_file(
    login, auditor, records, monkeypatch, media
):
    job = background_job(login(auditor))
    original = export_jobs.write_export

    def write_then_lose_the_job(*args, **kwargs):
        original(*args, **kwargs)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED)

    monkeypatch.setattr(export_jobs, "write_export", write_then_lose_the_job)

    assert run_export_job(job.pk) == "skipped"
    assert not any((media / "exports").iterdir())
