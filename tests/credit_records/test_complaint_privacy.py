"""The leak test: a complainant's identity and contact details (and their evidence) are seen by
the handling office only — never on a public page or open-data file, never in another office's,
an auditor's or an administrator's pages, exports or API answers, never in a notification."""

import io
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.models import Notification
from credit_records.models import ComplaintOutcome

from ..builders.complaints import make_complaint
from ..builders.files import pdf_bytes
from ..builders.records import make_record

pytestmark = pytest.mark.django_db

SECRETS = (
    "泄露测试王小明",
    "泄露测试科技有限公司",
    "13900009999",
    "leak-test@example.com",
    "泄露合同",
)
CONTACT = {
    "name": "泄露测试王小明",
    "organisation": "泄露测试科技有限公司",
    "phone": "13900009999",
    "email": "leak-test@example.com",
}


def assert_no_secret(content, where: str) -> None:
    text = content.decode("utf-8", "replace") if isinstance(content, bytes) else str(content)
    for secret in SECRETS:
        assert secret not in text, f"{secret} leaked in {where}"


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "".join(
            book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml")
        )


@pytest.fixture
def world(settings, tmp_path, nanjing_department, nanjing_supervisor):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    make_record(nanjing_department)
    evidence = SimpleUploadedFile("泄露合同.pdf", pdf_bytes(), content_type="application/pdf")
    received, _code = make_complaint(nanjing_department, contact=CONTACT, files=[evidence])
    closed, closed_code = make_complaint(
        nanjing_department,
        "closed",
        actor=nanjing_supervisor,
        contact=CONTACT,
        outcome=ComplaintOutcome.RED_FLAG,
        reason="验收后逾期未付款。",
    )
    return {"received": received, "closed": closed, "code": closed_code}


def test_no_public_page_or_open_data_shows_a_complainant(world, nanjing_department):
    anonymous = Client()
    pages = [
        "/public/",
        "/public/complaints/",
        "/public/complaints/new/",
        "/public/complaints/status/",
        "/public/records/",
        "/public/records.csv",
        "/public/records.json",
        "/api/v1/public/records/",
        f"/public/departments/{nanjing_department.uscc}/",
        "/public/procurement/",
        "/public/sitemap.xml",
    ]
    for url in pages:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert_no_secret(body, url)
    status = anonymous.post(
        "/public/complaints/status/",
        {"tracking_number": world["closed"].tracking_number, "query_code": world["code"]},
    )
    assert status.status_code == 200
    assert_no_secret(status.content, "the status page")
    # The workspace, the API and the evidence are closed to the public.
    complaint = world["received"]
    for url in (
        f"/workspace/complaints/{complaint.pk}/",
        "/api/v1/complaints/",
        f"/workspace/complaints/files/{complaint.attachments.get().pk}/",
    ):
        assert anonymous.get(url).status_code in (302, 401, 403), url


@pytest.mark.parametrize("who", ["province_supervisor", "auditor", "administrator"])
def test_no_one_but_the_handling_office_sees_the_complainant(request, login, world, who):
    user = request.getfixturevalue(who)
    client = login(user)
    complaint = world["received"]
    pages = [
        f"/workspace/complaints/{complaint.pk}/",
        f"/workspace/complaints/{world['closed'].pk}/",
        "/workspace/complaints/",
        "/workspace/complaints/?export=csv",
        "/workspace/complaints/?export=history-csv",
        "/api/v1/complaints/",
        f"/api/v1/complaints/{complaint.pk}/",
        "/workspace/notifications/",
        "/workspace/",
        "/workspace/procurement/flags/",
    ]
    if user.is_superuser:
        pages += [
            "/admin/credit_records/complaint/",
            f"/admin/credit_records/complaint/{complaint.pk}/change/",
            f"/admin/credit_records/complaint/{complaint.pk}/history/",
        ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert_no_secret(body, f"{url} for {who}")
    xlsx = client.get("/workspace/complaints/?export=xlsx")
    assert_no_secret(
        xlsx_text(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content), "xlsx"
    )
    api = client.get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert api["complainant"] == {
        "masked": True,
        "name": "***",
        "organisation": "***",
        "phone": "***",
        "email": "***",
    }
    # Nor the evidence file.
    attachment = complaint.attachments.get()
    assert client.get(f"/workspace/complaints/files/{attachment.pk}/").status_code == 404


def test_the_handling_office_sees_the_complainant_but_its_export_does_not_carry_it(
    login, world, nanjing_supervisor
):
    client = login(nanjing_supervisor)
    complaint = world["received"]
    page = client.get(f"/workspace/complaints/{complaint.pk}/").content.decode()
    assert "泄露测试王小明" in page and "13900009999" in page and "泄露合同.pdf" in page
    api = client.get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert api["complainant"]["masked"] is False
    assert api["complainant"]["phone"] == "13900009999"
    attachment = complaint.attachments.get()
    assert client.get(f"/workspace/complaints/files/{attachment.pk}/").status_code == 200
    # A file leaves the office: the register's export has no personal column at all.
    export = client.get("/workspace/complaints/?export=csv")
    assert_no_secret(b"".join(export.streaming_content), "the office's own export")


def test_no_notification_names_the_complainant(world):
    for note in Notification.objects.all():
        assert_no_secret(f"{note.title} {note.message} {note.url}", f"notification {note.pk}")
