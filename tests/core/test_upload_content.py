"""Every upload is checked by its content, not its name: an HTML page or a program renamed
.pdf, a plain ZIP renamed .docx, a web page renamed .xlsx for an import — each is refused with
a translated error, and nothing is stored or imported."""

import io
import zipfile

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export.admin import ImportMixin
from rest_framework.test import APIClient

from core.models import Department
from core.uploads import validate_attachment, validate_import_file
from credit_records import services
from credit_records.models import Attachment, Commitment

from ..builders.core import UserFactory
from ..builders.records import make_record

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
REFUSED = "的内容不是真正的"  # "… is not really a … file", in Chinese


def package(*members: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            archive.writestr(member, "<x/>")
    return buffer.getvalue()


GENUINE = {
    "report.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    "photo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "letter.docx": package("[Content_Types].xml", "word/document.xml"),
    "table.xlsx": package("[Content_Types].xml", "xl/workbook.xml"),
    "invoice.ofd": package("OFD.xml", "Doc_0/Document.xml"),
}
DISGUISED = {
    "report.pdf": HTML,
    "scan.pdf": EXE,
    "photo.png": HTML,
    "photo.jpg": EXE,
    "letter.docx": package("payload.exe"),
    "table.xlsx": package("[Content_Types].xml", "word/document.xml"),
    "invoice.ofd": package("index.html"),
    "broken.docx": b"PK\x03\x04 not really a zip archive",
}


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize("name", GENUINE)
def test_a_genuine_file_of_each_accepted_type_passes(name):
    validate_attachment(upload(name, GENUINE[name]))


@pytest.mark.parametrize("name", DISGUISED)
def test_a_file_disguised_by_its_name_is_refused(name):
    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload(name, DISGUISED[name]))
    assert refused.value.code == "attachment_content"


# --- every entry point ----------------------------------------------------------------------


@pytest.fixture
def record(nanjing_department, nanjing_supervisor, nanjing_liaison):
    return make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        liaison=nanjing_liaison,
        state="in_progress",
    )


def disguised_files():
    return [upload("整改证明.pdf", HTML)]


SERVICE_CALLS = {
    "record_create": lambda record, liaison: services.record_create(
        actor=None,
        department=record.department,
        category=record.category,
        severity=record.severity,
        decision_number="苏财罚〔2026〕999号",
        issuing_authority="江苏省财政厅",
        decision_date=record.decision_date,
        facts="事实",
        files=disguised_files(),
    ),
    "record_submit_report": lambda record, liaison: services.record_submit_report(
        record=record, actor=liaison, content="已整改", files=disguised_files()
    ),
    "record_add_evidence": lambda record, liaison: services.record_add_evidence(
        record=record, actor=liaison, files=disguised_files()
    ),
    "fault_tolerance_claim_file": lambda record, liaison: services.fault_tolerance_claim_file(
        record=make_record(record.department, state="confirmed"),
        actor=None,
        grounds="符合容错情形",
        files=disguised_files(),
    ),
    "commitment_assess": lambda record, liaison: services.commitment_assess(
        commitment=Commitment.objects.create(
            department=record.department,
            content="按期支付中小企业账款",
            promised_date=record.decision_date,
        ),
        actor=None,
        fulfilled=True,
        files=disguised_files(),
    ),
}


@pytest.mark.parametrize("call", SERVICE_CALLS)
def test_every_service_that_takes_files_refuses_a_disguised_one(record, nanjing_liaison, call):
    before = Attachment.objects.count()

    with pytest.raises(ValidationError) as refused:
        SERVICE_CALLS[call](record, nanjing_liaison)

    assert "files" in refused.value.message_dict
    assert Attachment.objects.count() == before


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("submit-report", {"content": "已整改"}),
        ("add-evidence", {}),
    ],
)
def test_the_workspace_forms_refuse_a_disguised_file_in_chinese(
    record, nanjing_liaison, login, action, fields
):
    response = login(nanjing_liaison).post(
        f"/workspace/records/{record.pk}/{action}/",
        {**fields, "files": [upload("整改证明.pdf", HTML)]},
    )

    assert response.status_code in (200, 400)
    assert REFUSED in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_commitment_assessment_refuses_a_disguised_file(nanjing_department, login):
    supervisor = UserFactory(username="nj", role="Supervisor", region=nanjing_department.region)
    commitment = Commitment.objects.create(
        department=nanjing_department, content="按期办结", promised_date="2026-01-01"
    )

    response = login(supervisor).post(
        f"/workspace/commitments/{commitment.pk}/assess/",
        {"fulfilled": "yes", "files": [upload("证明.docx", package("run.exe"))]},
        follow=True,
    )

    assert REFUSED in response.content.decode()
    assert not Attachment.objects.exists()
    commitment.refresh_from_db()
    assert commitment.status == "pending"


@pytest.mark.parametrize(
    ("action", "fields"),
    [("submit-report", {"content": "已整改"}), ("add-evidence", {})],
)
def test_the_api_refuses_a_disguised_file_with_400(record, nanjing_liaison, action, fields):
    client = APIClient()
    client.force_authenticate(nanjing_liaison)

    response = client.post(
        f"/api/v1/records/{record.pk}/{action}/",
        {**fields, "files": [upload("evidence.pdf", EXE)]},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    assert REFUSED in str(response.json())
    assert not Attachment.objects.exists()


# --- spreadsheet imports in the admin ---------------------------------------------------------

IMPORT_ADMINS = sorted(
    (
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, ImportMixin)
    ),
    key=lambda model_admin: model_admin.opts.label,
)


@pytest.mark.parametrize(
    ("extension", "content"),
    [
        ("xlsx", HTML),
        ("xlsx", package("payload.exe")),
        ("csv", EXE),
        ("csv", HTML),
        ("json", b"%PDF-1.4 not data"),
    ],
)
def test_an_import_file_not_of_its_format_is_refused(extension, content):
    with pytest.raises(ValidationError) as refused:
        validate_import_file(upload(f"data.{extension}", content), extension)
    assert refused.value.code == "import_content"


def test_genuine_import_files_pass():
    validate_import_file(upload("d.csv", "\ufeff名称,统一社会信用代码\n".encode()), "csv")
    validate_import_file(upload("d.xlsx", GENUINE["table.xlsx"]), "xlsx")


@pytest.mark.parametrize("model_admin", IMPORT_ADMINS, ids=lambda m: m.opts.label)
def test_every_admin_import_refuses_a_web_page_renamed_xlsx(model_admin, login, regions):
    assert IMPORT_ADMINS, "no admin offers imports any more?"
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    opts = model_admin.opts
    url = f"/admin/{opts.app_label}/{opts.model_name}/import/"
    client = login(root)
    formats = model_admin.get_import_formats()
    xlsx = next(i for i, f in enumerate(formats) if f().get_extension() == "xlsx")
    departments = Department.objects.count()
    count = opts.model._default_manager.count()

    response = client.post(
        url,
        {"resource": "0", "format": str(xlsx), "import_file": upload("数据.xlsx", HTML)},
    )

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert "confirm" not in response.context or not response.context.get("confirm_form")
    assert opts.model._default_manager.count() == count
    assert Department.objects.count() == departments
