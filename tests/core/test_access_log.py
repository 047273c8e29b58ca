"""The access log (PIPL accountability): each view of a civil servant's personal data and
each export or download is one row (who, when, what, from where), however many queries the
page runs; administrators read and export it in the admin, nobody else; rows past the
retention period are deleted by the beat task, and only those."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import access_log
from core.models import AccessAction, DataAccess, ExportJob
from core.tasks import purge_access_log
from credit_records.models import PublicOfficial
from tests.builders.core import UserFactory
from tests.builders.records import OfficialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(regions):
    return UserFactory(username="nanjing", role="Supervisor", region=regions["320100"])


@pytest.fixture
def administrator(regions):
    return UserFactory(username="root", role="Administrator")


@pytest.fixture
def officials(regions):
    return [OfficialFactory(name=f"张{n}", employee_number=f"E9{n:04d}") for n in range(3)]


def signed_in(user, **defaults) -> Client:
    client = Client(**defaults)
    client.force_login(user)
    return client


def test_an_officials_page_is_logged_once_however_many_queries_it_runs(supervisor, officials):
    client = signed_in(supervisor, REMOTE_ADDR="10.1.2.3")
    official = officials[0]

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/workspace/officials/{official.pk}/")

    assert response.status_code == 200
    assert official.employee_number in response.content.decode()
    assert len(queries) > 3  # the page reads the official, entries, commendations, history
    entry = DataAccess.objects.get()
    assert entry.user == supervisor and entry.username == "nanjing"
    assert entry.action == AccessAction.VIEW
    assert entry.content_type == ContentType.objects.get_for_model(PublicOfficial)
    assert entry.object_id == str(official.pk)
    assert entry.label == str(official)
    assert entry.ip_address == "10.1.2.3"
    assert entry.path == f"/workspace/officials/{official.pk}/"
    assert timezone.now() - entry.at < datetime.timedelta(minutes=1)


def test_the_list_of_officials_logs_the_rows_it_showed_and_its_filters(supervisor, officials):
    client = signed_in(supervisor)

    response = client.get("/workspace/officials/", {"q": "张1"})

    assert response.status_code == 200
    entry = DataAccess.objects.get()
    assert entry.action == AccessAction.VIEW and entry.object_id == ""
    assert entry.shown == [str(officials[1].pk)]
    assert "q=" in entry.label


def test_each_view_is_a_row_of_its_own(supervisor, officials):
    client = signed_in(supervisor)
    client.get(f"/workspace/officials/{officials[0].pk}/")
    client.get(f"/workspace/officials/{officials[0].pk}/")
    assert DataAccess.objects.count() == 2


def test_the_client_address_is_read_behind_the_configured_proxies(supervisor, officials, settings):
    settings.CHENGXIN_PROXY_COUNT = 1
    client = signed_in(supervisor, REMOTE_ADDR="10.0.0.1")
    client.get(
        f"/workspace/officials/{officials[0].pk}/",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    assert DataAccess.objects.get().ip_address == "203.0.113.9"


def test_a_page_the_user_may_not_open_logs_nothing(regions, officials):
    liaison = UserFactory(role="Department liaison", department=officials[0].department)
    other = OfficialFactory()  # in another department: outside the liaison's scope
    response = signed_in(liaison).get(f"/workspace/officials/{other.pk}/")
    assert response.status_code in (403, 404)
    assert not DataAccess.objects.exists()


def test_the_api_list_of_officials_is_logged_with_the_rows_it_returned(supervisor, officials):
    client = signed_in(supervisor)

    response = client.get("/api/v1/officials/")

    assert response.status_code == 200
    returned = {str(row["id"]) for row in response.json()["results"]}
    entry = DataAccess.objects.get()
    assert entry.action == AccessAction.VIEW
    assert entry.content_type.model_class() is PublicOfficial
    assert set(entry.shown) == returned == {str(o.pk) for o in officials}


def test_the_api_detail_of_an_official_is_logged(supervisor, officials):
    response = signed_in(supervisor).get(f"/api/v1/officials/{officials[2].pk}/")
    assert response.status_code == 200
    entry = DataAccess.objects.get()
    assert entry.object_id == str(officials[2].pk)
    assert entry.label == str(officials[2])


def test_an_export_of_officials_is_logged_as_one_export(supervisor, officials):
    response = signed_in(supervisor).get("/workspace/officials/", {"export": "csv"})
    b"".join(response.streaming_content)

    entry = DataAccess.objects.get()
    assert entry.action == AccessAction.EXPORT
    assert entry.content_type.model_class() is PublicOfficial


def test_the_download_of_a_background_export_is_logged(supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    from core.export_jobs import scope_key

    job = ExportJob(
        requested_by=supervisor,
        view_name="workspace:official_list",
        title="公职人员",
        format="csv",
        language="zh-hans",
        status="done",
        filename="公职人员-2026-12-07.csv",
        scope_key=scope_key(supervisor),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    job.file.save("x.csv", ContentFile(b"a,b\n"), save=False)
    job.save()

    response = signed_in(supervisor).get(f"/workspace/exports/{job.pk}/download/")

    assert response.status_code == 200
    entry = DataAccess.objects.get()
    assert entry.action == AccessAction.DOWNLOAD
    assert entry.object_id == str(job.pk) and entry.label == job.filename


def test_officials_in_the_admin_are_logged(administrator, officials):
    client = signed_in(administrator)
    assert client.get("/admin/credit_records/publicofficial/").status_code == 200
    assert client.get(f"/admin/credit_records/publicofficial/{officials[0].pk}/change/")
    entries = list(DataAccess.objects.order_by("at", "pk"))
    assert [e.object_id for e in entries] == ["", str(officials[0].pk)]
    assert set(entries[0].shown) == {str(o.pk) for o in officials}


def test_only_administrators_read_the_log(administrator, supervisor, regions, officials):
    auditor = UserFactory(role="Auditor", region=regions["320000"])
    signed_in(supervisor).get(f"/workspace/officials/{officials[0].pk}/")

    for user in (supervisor, auditor):
        client = signed_in(user)
        assert client.get("/admin/core/dataaccess/").status_code == 403
        assert client.get("/admin/core/dataaccess/export/").status_code == 403
    page = signed_in(administrator).get("/admin/core/dataaccess/")
    assert page.status_code == 200
    assert str(officials[0]) in page.content.decode()
    assert not auditor.has_perm("core.view_dataaccess")


def test_the_log_is_read_only_in_the_admin(administrator, supervisor, officials):
    signed_in(supervisor).get(f"/workspace/officials/{officials[0].pk}/")
    entry = DataAccess.objects.get()
    client = signed_in(administrator)
    assert client.get("/admin/core/dataaccess/add/").status_code == 403
    assert (
        client.post(f"/admin/core/dataaccess/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    client.post(f"/admin/core/dataaccess/{entry.pk}/change/", {"label": "改过"})
    entry.refresh_from_db()
    assert entry.label == str(officials[0])


def test_the_admin_filters_the_log_by_user_date_and_action(administrator, supervisor, officials):
    signed_in(supervisor).get(f"/workspace/officials/{officials[0].pk}/")
    client = signed_in(administrator)
    client.get("/admin/credit_records/publicofficial/")  # the administrator's own view
    page = client.get("/admin/core/dataaccess/", {"user__id__exact": supervisor.pk})
    assert [row.username for row in page.context["cl"].result_list] == ["nanjing"]
    today = timezone.localdate()
    page = client.get(
        "/admin/core/dataaccess/",
        {"at__year": today.year, "at__month": today.month, "at__day": today.day, "action": "view"},
    )
    assert page.context["cl"].result_count == 2


def test_an_administrator_exports_the_log_as_a_workbook(administrator, supervisor, officials):
    signed_in(supervisor, REMOTE_ADDR="10.9.9.9").get(f"/workspace/officials/{officials[0].pk}/")
    client = signed_in(administrator)
    from core.admin.access import DataAccessAdmin, DataAccessResource

    formats = [f().get_title() for f in DataAccessAdmin.formats]
    data = {"format": str(formats.index("xlsx")), "resource": "0"}
    data.update({f"dataaccessresource_{name}": "on" for name in DataAccessResource.Meta.fields})
    response = client.post("/admin/core/dataaccess/export/", data)

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "登录名", "操作")
    nanjing = next(row for row in rows[1:] if row[1] == "nanjing")
    assert nanjing[2] == "查看" and "10.9.9.9" in nanjing
    # The export itself is in the log.
    assert DataAccess.objects.filter(user=administrator, action=AccessAction.EXPORT).exists()


def _entry(at, user):
    return DataAccess.objects.create(
        at=at, user=user, username=user.username, action="view", label="x", path="/"
    )


def test_the_retention_task_deletes_only_rows_past_the_period(supervisor, settings):
    settings.CHENGXIN_ACCESS_LOG_RETENTION_DAYS = 1095
    now = timezone.now()
    expired = [
        _entry(now - datetime.timedelta(days=1095, minutes=m), supervisor) for m in (1, 2, 3)
    ]
    kept = [
        _entry(now - datetime.timedelta(days=1094, hours=23), supervisor),
        _entry(now, supervisor),
    ]

    with time_machine.travel(now, tick=False):
        deleted = access_log.purge_expired(batch_size=2)

    assert deleted == len(expired)
    assert set(DataAccess.objects.values_list("pk", flat=True)) == {e.pk for e in kept}
    with time_machine.travel(now, tick=False):
        assert purge_access_log() == {"access_log": 0, "sessions": 0}


def test_the_three_year_default_is_the_pipl_minimum():
    from django.conf import settings

    assert settings.CHENGXIN_ACCESS_LOG_RETENTION_DAYS == 3 * 365


def test_the_retention_task_is_on_the_beat_schedule():
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE["access-log-retention"]
    assert schedule["task"] == purge_access_log.name


def test_opening_an_officials_form_to_edit_is_logged_and_saving_it_is_not_a_view(
    supervisor, officials
):
    client = signed_in(supervisor)
    assert client.get(f"/workspace/officials/{officials[0].pk}/edit/").status_code == 200
    assert DataAccess.objects.get().object_id == str(officials[0].pk)
    assert client.get("/workspace/officials/new/").status_code == 200
    assert DataAccess.objects.count() == 1
