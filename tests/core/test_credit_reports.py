"""Credit reports (政务信用报告): the PDF, its font, the register, verification, the period and
purpose rules, scope, the public variant and the API."""

import base64
import datetime
import hashlib
import io

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from pypdf import PdfReader
from rest_framework.test import APIClient

from core.models import IssuedReport, ReportPurpose, ReportVariant
from core.reports.pdf import MISSING, font_characters, printable
from core.reports.services import (
    normalize_code,
    report_issue,
    report_verify_code,
    report_verify_file,
)
from credit_records import services
from credit_records.models import Commendation, PublicOfficial

from ..builders.records import make_record

pytestmark = pytest.mark.django_db
ALL_OFFICIAL = ["standing", "records", "commendations", "commitments", "procurement"]


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    # Table cells wrap: join the lines so that a wrapped number reads whole.
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def fonts_of(content: bytes) -> list:
    reader = PdfReader(io.BytesIO(content))
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.append(font.get_object())
    return fonts


def issue(department, *, actor=None, variant=ReportVariant.OFFICIAL, years=3, **kw):
    today = timezone.localdate()
    kw.setdefault("sections", ALL_OFFICIAL)
    if variant == ReportVariant.OFFICIAL:
        kw.setdefault("purpose", ReportPurpose.HONOURS)
    return report_issue(
        department=department,
        variant=variant,
        period_start=today - relativedelta(years=years) + datetime.timedelta(days=1),
        period_end=today,
        actor=actor,
        **kw,
    )


@pytest.fixture
def department_with_file(nanjing_department, nanjing_supervisor):
    make_record(nanjing_department, actor=nanjing_supervisor, decision_number="宁财罚〔2026〕7号")
    official = PublicOfficial.objects.create(
        department=nanjing_department, name="张晓明", employee_number="NJ-1", position="处长"
    )
    Commendation.objects.create(
        department=nanjing_department,
        official=official,
        title="南京市优秀公务员",
        level="city",
        issuing_authority="南京市人民政府",
        date=timezone.localdate() - datetime.timedelta(days=20),
    )
    return nanjing_department


# --- the PDF --------------------------------------------------------------------------------


def test_the_report_text_holds_the_name_credit_code_period_and_verification_code(
    department_with_file, nanjing_supervisor
):
    issued = issue(department_with_file, actor=nanjing_supervisor)
    text = pdf_text(issued.content)
    report = issued.report
    assert "南京市财政局" in text
    assert department_with_file.uscc in text
    assert report.period_start.isoformat() in text
    assert report.period_end.isoformat() in text
    assert report.code in text
    assert "宁财罚〔2026〕7号" in text
    assert "评优评先" in text
    # The official variant names the honoured official in full.
    assert "张晓明" in text


def test_the_font_is_embedded_as_a_subset_and_covers_every_character_of_the_report(
    department_with_file, nanjing_supervisor
):
    issued = issue(department_with_file, actor=nanjing_supervisor)
    assert len(issued.content) < 1_000_000
    fonts = fonts_of(issued.content)
    assert fonts
    for font in fonts:
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # embedded, not referenced
        # A subset's name has a six-letter tag: ABCDEF+Name.
        assert font["/BaseFont"][7] == "+"
    text = pdf_text(issued.content)
    covered = font_characters()
    missing = {char for char in text if not char.isspace() and ord(char) not in covered}
    assert missing == set()
    assert MISSING not in text


def test_a_character_the_font_lacks_is_printed_as_the_missing_character_mark():
    assert "𠀀" not in printable("𠀀")
    assert printable("南京𠀀局") == f"南京{MISSING}局"


def test_the_report_reads_in_chinese_when_the_requester_uses_english(
    department_with_file, nanjing_supervisor
):
    with translation.override("en"):
        issued = issue(department_with_file, actor=nanjing_supervisor)
    # Every character is still covered (the English labels are ASCII).
    text = pdf_text(issued.content)
    assert all(ord(c) in font_characters() for c in text if not c.isspace())


def test_a_repaired_record_is_listed_and_marked_repaired_in_the_official_report(
    nanjing_department, nanjing_supervisor
):
    today = timezone.localdate()
    record = make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        state="verified",
        decision_number="宁财罚〔2025〕3号",
        decision_date=today - datetime.timedelta(days=200),
    )
    application = services.credit_repair_apply(
        record=record, actor=None, commitment_text="本单位承诺依法履约。"
    )
    services.credit_repair_decide(
        application=application, actor=nanjing_supervisor, approve=True, reason="符合条件"
    )
    official = pdf_text(issue(nanjing_department, actor=nanjing_supervisor).content)
    assert "宁财罚〔2025〕3号" in official
    assert "已修复" in official
    public = pdf_text(
        issue(nanjing_department, variant=ReportVariant.PUBLIC, sections=["records"]).content
    )
    # A repaired record has left the public pages: the public report does not show it.
    assert "宁财罚〔2025〕3号" not in public


# --- the register and verification ------------------------------------------------------------


def test_an_issued_report_is_registered_with_the_sha256_of_its_file(
    department_with_file, nanjing_supervisor
):
    issued = issue(department_with_file, actor=nanjing_supervisor, purpose_note="")
    report = IssuedReport.objects.get()
    assert report.sha256 == hashlib.sha256(issued.content).hexdigest()
    assert report.issued_by == nanjing_supervisor
    assert report.purpose == ReportPurpose.HONOURS
    assert report.variant == ReportVariant.OFFICIAL
    # Valid for three months (CHENGXIN_REPORT_VALID_MONTHS): up to the day before.
    today = timezone.localdate()
    assert report.valid_until == today + relativedelta(months=3) - datetime.timedelta(days=1)


def test_verification_accepts_the_issued_file_and_refuses_one_with_a_byte_changed(
    department_with_file, nanjing_supervisor
):
    issued = issue(department_with_file, actor=nanjing_supervisor)
    assert report_verify_file(issued.content).verdict == "genuine"
    changed = bytearray(issued.content)
    changed[len(changed) // 2] ^= 0x01
    assert report_verify_file(bytes(changed)).verdict == "not_genuine"


def test_the_verification_page_checks_an_uploaded_file(
    client, department_with_file, nanjing_supervisor
):
    issued = issue(department_with_file, actor=nanjing_supervisor)
    upload = SimpleUploadedFile("report.pdf", issued.content, content_type="application/pdf")
    page = client.post("/public/reports/verify/", {"file": upload})
    assert page.status_code == 200
    assert page.context["result"].verdict == "genuine"
    assert "南京市财政局" in page.content.decode()
    changed = bytearray(issued.content)
    changed[len(changed) // 2] ^= 0x01
    upload = SimpleUploadedFile("report.pdf", bytes(changed), content_type="application/pdf")
    page = client.post("/public/reports/verify/", {"file": upload})
    assert page.context["result"].verdict == "not_genuine"
    assert "南京市财政局" not in page.content.decode()


def test_the_verification_page_checks_a_code_typed_in_any_case(
    client, department_with_file, nanjing_supervisor
):
    issued = issue(department_with_file, actor=nanjing_supervisor)
    typed = issued.report.code.lower().replace("-", " ")
    page = client.get("/public/reports/verify/", {"code": typed})
    assert page.context["result"].verdict == "genuine"
    assert issued.report.code in page.content.decode()
    unknown = "00000-00000-00000-00000"
    assert (
        client.get("/public/reports/verify/", {"code": unknown}).context["result"].verdict
        == "not_genuine"
    )
    bad = client.get("/public/reports/verify/", {"code": "12345"})
    assert bad.status_code == 400
    assert "result" not in bad.context


def test_an_expired_report_is_verified_as_expired(department_with_file, nanjing_supervisor, client):
    issued = issue(department_with_file, actor=nanjing_supervisor)
    valid_until = issued.report.valid_until
    assert report_verify_code(issued.report.code, valid_until).verdict == "genuine"
    after = valid_until + datetime.timedelta(days=1)
    assert report_verify_code(issued.report.code, after).verdict == "expired"
    assert report_verify_file(issued.content, after).verdict == "expired"
    moment = datetime.datetime.combine(after, datetime.time(12))
    with time_machine.travel(moment, tick=False), translation.override("zh-hans"):
        page = client.get("/public/reports/verify/", {"code": issued.report.code})
    assert page.context["result"].verdict == "expired"
    assert "已过期" in page.content.decode()


def test_the_verification_page_limits_the_checks_per_address(client, settings):
    settings.CHENGXIN_REPORT_VERIFY_RATE = "2/hour"
    from django.core.cache import cache

    cache.clear()
    for _ in range(2):
        client.get("/public/reports/verify/", {"code": "00000-00000-00000-00000"})
    refused = client.get("/public/reports/verify/", {"code": "00000-00000-00000-00000"})
    assert refused.status_code == 429
    assert "result" not in refused.context


def test_a_verification_code_is_long_enough_that_guessing_is_infeasible(
    department_with_file, nanjing_supervisor
):
    code = issue(department_with_file, actor=nanjing_supervisor).report.code
    assert normalize_code(code) == code
    assert len(code.replace("-", "")) == 20  # 32**20 = 2**100 codes


# --- the period, purpose and sections -----------------------------------------------------------


def test_a_period_of_exactly_five_years_is_accepted_and_one_day_more_refused(
    department_with_file, nanjing_supervisor
):
    today = timezone.localdate()
    start = today - relativedelta(years=5) + datetime.timedelta(days=1)
    issue(department_with_file, actor=nanjing_supervisor, years=5)
    with pytest.raises(Exception) as refused:
        report_issue(
            department=department_with_file,
            variant=ReportVariant.OFFICIAL,
            purpose=ReportPurpose.PROJECT,
            period_start=start - datetime.timedelta(days=1),
            period_end=today,
            sections=["standing"],
            actor=nanjing_supervisor,
        )
    assert "period_start" in refused.value.message_dict
    assert IssuedReport.objects.count() == 1


def test_the_form_refuses_a_period_longer_than_five_years_with_a_translated_error(
    login, department_with_file, nanjing_supervisor
):
    today = timezone.localdate()
    url = f"/workspace/departments/{department_with_file.uscc}/report.pdf"
    with translation.override("zh-hans"):
        page = login(nanjing_supervisor).post(
            url,
            {
                "purpose": "honours",
                "period_start": (today - relativedelta(years=6)).isoformat(),
                "period_end": today.isoformat(),
                "sections": ["standing"],
            },
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert page.status_code == 400
    assert "最长" in page.content.decode()
    assert IssuedReport.objects.count() == 0


def test_an_official_report_needs_a_purpose_and_other_needs_its_details(
    login, department_with_file, nanjing_supervisor
):
    today = timezone.localdate()
    url = f"/workspace/departments/{department_with_file.uscc}/report.pdf"
    base = {
        "period_start": (today - relativedelta(years=1)).isoformat(),
        "period_end": today.isoformat(),
        "sections": ["standing", "records"],
    }
    client = login(nanjing_supervisor)
    assert client.post(url, base).status_code == 400
    assert client.post(url, {**base, "purpose": "public"}).status_code == 400
    assert client.post(url, {**base, "purpose": "other"}).status_code == 400
    assert IssuedReport.objects.count() == 0
    answer = client.post(url, {**base, "purpose": "other", "purpose_note": "文明单位评选"})
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert "文明单位评选" in pdf_text(answer.content)
    assert IssuedReport.objects.get().purpose_note == "文明单位评选"


def test_only_the_chosen_sections_are_in_the_report(department_with_file, nanjing_supervisor):
    text = pdf_text(
        issue(department_with_file, actor=nanjing_supervisor, sections=["commendations"]).content
    )
    assert "南京市优秀公务员" in text
    assert "宁财罚〔2026〕7号" not in text


# --- scope ------------------------------------------------------------------------------------


def test_a_department_outside_the_scope_has_no_report(
    login, department_with_file, suzhou_supervisor, nanjing_liaison, suzhou_department
):
    url = f"/workspace/departments/{department_with_file.uscc}/report.pdf"
    assert login(suzhou_supervisor).get(url).status_code == 404
    assert login(nanjing_liaison).get(url).status_code == 200
    other = f"/workspace/departments/{suzhou_department.uscc}/report.pdf"
    assert login(nanjing_liaison).get(other).status_code == 404


def test_the_register_lists_only_reports_in_scope(
    login, department_with_file, suzhou_department, nanjing_supervisor, suzhou_supervisor
):
    mine = issue(department_with_file, actor=nanjing_supervisor).report
    public = issue(department_with_file, variant=ReportVariant.PUBLIC, sections=["standing"])
    theirs = issue(suzhou_department, actor=suzhou_supervisor).report
    page = login(nanjing_supervisor).get("/workspace/reports/")
    assert page.status_code == 200
    assert list(page.context["reports"]) == [public.report, mine]
    assert theirs.code not in page.content.decode()


# --- the public variant -----------------------------------------------------------------------


def test_the_public_report_shows_published_data_with_names_masked(client, department_with_file):
    answer = client.get(f"/public/departments/{department_with_file.uscc}/report.pdf")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    text = pdf_text(answer.content)
    assert "宁财罚〔2026〕7号" in text
    assert "张*明" in text
    assert "张晓明" not in text
    report = IssuedReport.objects.get()
    assert report.variant == ReportVariant.PUBLIC
    assert report.issued_by is None
    assert "commitments" not in report.sections


def test_the_public_report_refuses_a_period_over_five_years(client, department_with_file):
    today = timezone.localdate()
    answer = client.get(
        f"/public/departments/{department_with_file.uscc}/report.pdf",
        {"period_start": (today - relativedelta(years=7)).isoformat()},
    )
    assert answer.status_code == 400
    assert IssuedReport.objects.count() == 0


# --- the API ----------------------------------------------------------------------------------


def test_the_api_issues_a_report_and_returns_its_code_and_file(
    department_with_file, nanjing_supervisor
):
    api = APIClient()
    api.force_authenticate(nanjing_supervisor)
    today = timezone.localdate()
    answer = api.post(
        f"/api/v1/departments/{department_with_file.uscc}/report/",
        {
            "purpose": "project",
            "period_start": (today - relativedelta(years=2)).isoformat(),
            "period_end": today.isoformat(),
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    data = answer.json()
    content = base64.b64decode(data["file"])
    assert hashlib.sha256(content).hexdigest() == data["sha256"]
    assert data["code"] in pdf_text(content)
    assert data["verify_url"].endswith(f"/public/reports/verify/?code={data['code']}")
    assert report_verify_file(content).verdict == "genuine"


def test_the_api_refuses_a_long_period_and_a_department_outside_the_scope(
    department_with_file, suzhou_supervisor, nanjing_supervisor
):
    today = timezone.localdate()
    body = {
        "purpose": "project",
        "period_start": (today - relativedelta(years=6)).isoformat(),
        "period_end": today.isoformat(),
    }
    api = APIClient()
    api.force_authenticate(nanjing_supervisor)
    url = f"/api/v1/departments/{department_with_file.uscc}/report/"
    refused = api.post(url, body, format="json")
    assert refused.status_code == 400
    assert "period_start" in refused.json()
    api.force_authenticate(suzhou_supervisor)
    assert (
        api.post(url, {**body, "period_start": today.isoformat()}, format="json").status_code == 404
    )
    assert IssuedReport.objects.count() == 0


# --- a city's reports in the background -------------------------------------------------------


def test_a_citys_reports_are_a_background_zip_with_one_verified_report_per_department(
    login, settings, tmp_path, department_with_file, suzhou_department, nanjing_supervisor
):
    import zipfile

    from core.models import ExportJob
    from core.tasks import run_export_job

    from ..builders.core import DepartmentFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    second = DepartmentFactory(name="南京市审计局", region=department_with_file.region)
    today = timezone.localdate()
    client = login(nanjing_supervisor)
    answer = client.post(
        "/workspace/departments/reports.zip",
        {
            "query": "q=南京市",
            "purpose": "funding",
            "period_start": (today - relativedelta(years=1)).isoformat(),
            "period_end": today.isoformat(),
            "sections": ["standing", "records"],
        },
    )
    assert answer.status_code == 302
    job = ExportJob.objects.get()
    assert job.format == "zip"
    assert run_export_job(job.pk) == "done"
    job.refresh_from_db()
    assert job.rows_written == job.rows_total == 2
    with job.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        names = sorted(archive.namelist())
        contents = {name: archive.read(name) for name in names}
    assert names == sorted(f"{d.uscc}-{d.name}.pdf" for d in (department_with_file, second))
    for content in contents.values():
        assert report_verify_file(content).verdict == "genuine"
    # Every report is in the register, for the requester, with the purpose asked for; none
    # for the department outside the supervisor's city.
    reports = IssuedReport.objects.all()
    assert {r.department for r in reports} == {department_with_file, second}
    assert {(r.purpose, r.issued_by) for r in reports} == {("funding", nanjing_supervisor)}
    download = client.get(f"/workspace/exports/{job.pk}/download/")
    assert download["Content-Type"] == "application/zip"


def test_a_city_zip_with_a_period_over_five_years_is_refused(
    login, department_with_file, nanjing_supervisor
):
    from core.models import ExportJob

    today = timezone.localdate()
    client = login(nanjing_supervisor)
    client.post(
        "/workspace/departments/reports.zip",
        {
            "query": "",
            "purpose": "funding",
            "period_start": (today - relativedelta(years=6)).isoformat(),
            "period_end": today.isoformat(),
            "sections": ["standing"],
        },
    )
    assert ExportJob.objects.count() == 0


def test_downloading_an_official_report_is_in_the_access_log(
    login, department_with_file, nanjing_supervisor
):
    from core.models import AccessAction, DataAccess

    today = timezone.localdate()
    page = login(nanjing_supervisor).post(
        f"/workspace/departments/{department_with_file.uscc}/report.pdf",
        {
            "purpose": "honours",
            "period_start": (today - relativedelta(years=1)).isoformat(),
            "period_end": today.isoformat(),
            "sections": ["standing"],
        },
    )
    assert page.status_code == 200
    entry = DataAccess.objects.get()
    assert entry.action == AccessAction.DOWNLOAD
    assert entry.object_id == str(IssuedReport.objects.get().pk)
    assert department_with_file.name in entry.label
