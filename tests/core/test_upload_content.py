"""Every upload is checked by its content, not its name: an HTML page or a program renamed
.pdf, a plain ZIP renamed .docx, a web page renamed .xlsx for an import — each is refused with
a translated error, and nothing is stored or imported.

Not by its first bytes only: a PDF must parse and an image must decode, neither may be an
HTML or SVG polyglot, and a ZIP package that would unpack to more than the limits allow (a zip
bomb renamed .xlsx) is refused before anything of it is unpacked."""

import io
import zipfile

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from import_export.admin import ImportMixin
from PIL import Image, PngImagePlugin
from pypdf import PdfWriter
from rest_framework.test import APIClient

from core.models import Department
from core.uploads import validate_attachment, validate_import_file
from credit_records import services
from credit_records.models import Attachment, Commitment

from ..builders.core import UserFactory
from ..builders.files import jpeg_bytes, package, pdf_bytes, png_bytes, zip_bytes
from ..builders.records import make_record

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
REFUSED = "的内容不是真正的"  # "… is not really a … file", in Chinese
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'

GENUINE = {
    "report.pdf": pdf_bytes(pages=2),
    "photo.png": png_bytes(),
    "photo.jpg": jpeg_bytes(),
    "photo.jpeg": jpeg_bytes(),
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


# --- the whole structure, not the first bytes ------------------------------------------------


def png_with_text(key: str, text: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text(key, text)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_with_comment(comment: bytes) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="JPEG", comment=comment)
    return buffer.getvalue()


PDF = pdf_bytes()
HOSTILE = {
    # A PDF/HTML polyglot: the PDF header, then a page a browser would render and run; the
    # rest is a real PDF, so a PDF reader opens it too.
    "polyglot.pdf": b"%PDF-1.4\n" + HTML + b"\n" + PDF[len(b"%PDF-1.4\n") :],
    "commented.pdf": b"%PDF-1.7\n%<html><body onload=alert(1)>\n" + PDF[len(b"%PDF-1.7\n") :],
    "svg.pdf": b"%PDF-1.7\n%" + SVG + b"\n" + PDF[len(b"%PDF-1.7\n") :],
    # The header and nothing a PDF reader can open.
    "header-only.pdf": b"%PDF-1.4\n" + HTML,
    "truncated.pdf": PDF[: len(PDF) // 2],
    # A PNG signature followed by an SVG script.
    "script.png": b"\x89PNG\r\n\x1a\n" + SVG,
    # A real PNG with SVG appended after its end, or hidden in a text chunk.
    "appended.png": png_bytes() + SVG,
    "text-chunk.png": png_with_text("Comment", SVG.decode()),
    "comment.jpg": jpeg_with_comment(b"<html><script>alert(1)</script></html>"),
    # Decodes, but not as what its name says; or stops half-way.
    "jpeg-named.png": jpeg_bytes(),
    "truncated.png": png_bytes(size=(300, 300))[:-40],
    "truncated.jpg": jpeg_bytes(size=(300, 300))[:300],
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_with_the_right_first_bytes_is_refused(name):
    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload(name, HOSTILE[name]))
    assert refused.value.code == "attachment_content"


def test_markup_deep_inside_a_pdf_is_left_alone_and_ordinary_metadata_passes():
    # A PDF's streams may hold anything (here a web page it carries as an attachment); only
    # what a browser sniffs (the first 2 KB) must not read as a web page.
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Subject": "付款凭证说明 " * 400})
    writer.add_attachment("网页存档.html", HTML)
    buffer = io.BytesIO()
    writer.write(buffer)
    content = buffer.getvalue()
    assert content.find(b"<html>") > 2048

    validate_attachment(upload("quoted.pdf", content))
    validate_attachment(upload("described.png", png_with_text("Description", "付款凭证扫描件")))


def test_an_image_over_pillows_pixel_limit_is_refused_without_decoding_it(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # a bomb is what passes this

    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload("huge.png", png_bytes(size=(40, 30))))  # 1,200 pixels
    assert refused.value.code == "attachment_content"


def test_a_password_protected_pdf_is_refused_saying_why():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)

    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload("locked.pdf", buffer.getvalue()))

    assert refused.value.code == "attachment_encrypted"
    assert "密码" in refused.value.messages[0]


def zip_bomb(unpacked: int, members: dict | None = None) -> bytes:
    """An XLSX-looking package whose one sheet unpacks to ``unpacked`` bytes of zeros (written
    in chunks: the bomb never sits in memory unpacked)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in (members or {}).items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b"0" * 2**20
            for _start in range(0, unpacked, len(chunk)):
                sheet.write(chunk)
    return buffer.getvalue()


XLSX_PARTS = {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}


@pytest.fixture
def nothing_unpacked(monkeypatch):
    """Fails the test if any part of a ZIP archive is opened for reading."""

    original = zipfile.ZipFile.open

    def open_for_writing_only(archive, name, mode="r", *args, **kwargs):
        assert mode == "w", "a part of the archive was unpacked"
        return original(archive, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", open_for_writing_only)


def test_a_zip_bomb_renamed_xlsx_is_refused_before_anything_is_unpacked(request):
    bomb = zip_bomb(300 * 2**20, XLSX_PARTS)  # 300 MB in a file of about 300 KB
    assert len(bomb) < 2**20
    request.getfixturevalue("nothing_unpacked")

    with pytest.raises(ValidationError) as refused:
        validate_import_file(upload("名单.xlsx", bomb), "xlsx")

    assert refused.value.code == "archive_too_large"
    assert "300.0" in refused.value.messages[0]  # what it would unpack to, in MB


def test_a_package_of_too_many_parts_is_refused(settings, nothing_unpacked):
    settings.CHENGXIN_ZIP_MAX_MEMBERS = 50
    parts = {**XLSX_PARTS, **{f"xl/media/image{n}.png": "x" for n in range(49)}}

    with pytest.raises(ValidationError) as refused:
        validate_import_file(upload("名单.xlsx", zip_bytes(parts)), "xlsx")

    assert refused.value.code == "archive_too_large"
    validate_import_file(upload("名单.xlsx", zip_bytes(dict(list(parts.items())[:50]))), "xlsx")


def test_an_evidence_package_over_the_unpacking_limit_is_refused(settings, nothing_unpacked):
    settings.CHENGXIN_ZIP_MAX_UNCOMPRESSED_BYTES = 2**20
    bomb = zip_bomb(2 * 2**20, {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"})

    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload("说明.docx", bomb))

    assert refused.value.code == "archive_too_large"


def test_evidence_is_served_as_a_download_never_inline(
    nanjing_department, nanjing_supervisor, nanjing_liaison, login, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    record = make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        liaison=nanjing_liaison,
        state="in_progress",
    )
    services.record_add_evidence(
        record=record, actor=nanjing_liaison, files=[upload("现场照片.png", png_bytes())]
    )
    attachment = Attachment.objects.get(record=record)

    response = login(nanjing_supervisor).get(f"/workspace/attachments/{attachment.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


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


def test_the_admin_import_refuses_a_zip_bomb_renamed_xlsx_and_imports_nothing(
    login, regions, settings
):
    settings.CHENGXIN_ZIP_MAX_UNCOMPRESSED_BYTES = 2**20
    model_admin = admin.site._registry[Department]
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    formats = model_admin.get_import_formats()
    xlsx = next(i for i, f in enumerate(formats) if f().get_extension() == "xlsx")
    departments = Department.objects.count()

    response = login(root).post(
        "/admin/core/department/import/",
        {
            "resource": "0",
            "format": str(xlsx),
            "import_file": upload("部门.xlsx", zip_bomb(4 * 2**20, XLSX_PARTS)),
        },
    )

    assert response.status_code == 200
    assert "解压后" in response.content.decode()
    assert Department.objects.count() == departments
