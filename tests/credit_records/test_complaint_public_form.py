"""The public complaint form (/public/complaints/new/) and status page: filing without signing
in, the department found by name or credit code, a tracking number and a query code (kept only
as a hash), and the abuse protections — per-address rate limit, honeypot, duplicates, bad
files — each answered with a translated error that saves nothing."""

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from credit_records.models import (
    ComplainantContact,
    Complaint,
    ComplaintAttachment,
    ComplaintStatus,
)
from credit_records.services import complaints as services

from ..builders.complaints import complaint_text, make_complaint
from ..builders.core import DepartmentFactory
from ..builders.files import pdf_bytes

pytestmark = pytest.mark.django_db
NEW = "/public/complaints/new/"
STATUS = "/public/complaints/status/"
PDF = pdf_bytes(title="合同")


@pytest.fixture(autouse=True)
def clean(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client():
    return Client(REMOTE_ADDR="203.0.113.7")


def form(dept, **changes):
    data = {
        "department": dept.name,
        "category": "sme_arrears",
        "description": complaint_text(),
        "contract_reference": "NJ-2026-001",
        "amount_owed": "125000.00",
        "payment_due_date": "2026-06-30",
        "name": "王小明",
        "organisation": "南京明远科技有限公司",
        "phone": "13800001234",
        "email": "wang@example.com",
        "website": "",
    }
    data.update(changes)
    return data


def receipt(response) -> tuple[str, str]:
    html = response.content.decode()
    number = re.search(r'id="tracking-number">([^<]+)<', html).group(1)
    code = re.search(r'id="query-code">([^<]+)<', html).group(1)
    return number, code


def test_a_visitor_files_a_complaint_and_gets_a_tracking_number_and_query_code(
    client, nanjing_department, nanjing_supervisor
):
    page = client.get(NEW)
    assert page.status_code == 200
    assert "private" in page["Cache-Control"]
    evidence = SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf")
    response = client.post(NEW, {**form(nanjing_department), "files": [evidence]})
    assert response.status_code == 200
    assert "投诉已收到" in response.content.decode()
    number, code = receipt(response)
    complaint = Complaint.objects.get()
    assert complaint.tracking_number == number
    assert complaint.department == nanjing_department
    assert complaint.handling_region.code == "320100"
    assert complaint.status == ComplaintStatus.RECEIVED
    assert not complaint.anonymous
    # Only a hash of the code is stored, never the code.
    assert code.replace("-", "") not in complaint.query_code_hash
    assert complaint.query_code_hash.startswith(("md5$", "pbkdf2", "argon2"))
    assert complaint.contact.phone == "13800001234"
    assert complaint.attachments.get().original_name == "合同.pdf"
    assert "private" in response["Cache-Control"]


def test_the_department_may_be_given_by_its_credit_code(client, nanjing_department):
    response = client.post(
        NEW, form(nanjing_department, department=nanjing_department.uscc.lower())
    )
    assert response.status_code == 200
    assert Complaint.objects.get().department == nanjing_department


def test_an_unknown_or_ambiguous_department_is_a_clear_error(client, regions):
    DepartmentFactory(name="南京市财政局", region=regions["320100"])
    DepartmentFactory(name="南京市江宁区财政局", region=regions["320115"])
    unknown = client.post(NEW, form(DepartmentFactory.build(name="不存在的局")))
    assert unknown.status_code == 400
    assert "未找到名为" in unknown.content.decode()
    ambiguous = client.post(
        NEW, {**form(DepartmentFactory.build(name="x")), "department": "财政局"}
    )
    assert ambiguous.status_code == 400
    html = ambiguous.content.decode()
    assert "有多个部门与" in html and "南京市江宁区财政局" in html
    assert Complaint.objects.count() == 0


def test_an_anonymous_complaint_keeps_no_contact_row(client, nanjing_department):
    data = form(nanjing_department, name="", organisation="", phone="", email="")
    client.post(NEW, data)
    complaint = Complaint.objects.get()
    assert complaint.anonymous
    assert not ComplainantContact.objects.exists()


def test_an_sme_complaint_needs_its_contract_and_amount(client, nanjing_department):
    response = client.post(NEW, form(nanjing_department, contract_reference="", amount_owed=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "请写明合同" in html and "请填写所欠金额" in html
    assert Complaint.objects.count() == 0
    # Other categories do not.
    other = client.post(
        NEW, form(nanjing_department, category="inaction", contract_reference="", amount_owed="")
    )
    assert other.status_code == 200


def test_the_honeypot_refuses_a_robot_and_saves_nothing(client, nanjing_department):
    response = client.post(NEW, form(nanjing_department, website="http://spam.example"))
    assert response.status_code == 400
    assert "投诉未能受理" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_the_honeypot_is_hidden_from_people(client):
    html = client.get(NEW).content.decode()
    field = re.search(r'<div class="hp-field" aria-hidden="true">.*?</div>\s*</div>', html, re.S)
    assert field and 'name="website"' in field.group(0) and 'tabindex="-1"' in field.group(0)


def test_the_same_complaint_again_is_refused_as_a_duplicate(client, nanjing_department):
    data = form(nanjing_department, description="拖欠货款十二万五千元，至今未付。请督促付款！")
    assert client.post(NEW, data).status_code == 200
    # Other spacing, full-width punctuation and case: still the same complaint.
    again = form(
        nanjing_department,
        description="  拖欠货款十二万五千元 ，至今未付．请督促付款  ",
        name="",
        phone="",
    )
    response = client.post(NEW, again)
    assert response.status_code == 400
    assert "相同投诉" in response.content.decode()
    assert Complaint.objects.count() == 1
    # About another category it is another complaint.
    other = form(nanjing_department, category="inaction", description=data["description"])
    assert client.post(NEW, other).status_code == 200


def test_a_duplicate_outside_the_window_is_a_new_complaint(
    client, nanjing_department, settings, time_machine
):
    import datetime

    from ..builders.clock import at

    data = form(nanjing_department, description="拖欠货款十二万五千元，至今未付。")
    time_machine.move_to(at(datetime.date(2026, 3, 1)), tick=False)
    assert client.post(NEW, data).status_code == 200
    time_machine.move_to(at(datetime.date(2026, 3, 31)), tick=False)  # 30 days: still inside
    cache.clear()
    assert client.post(NEW, data).status_code == 400
    time_machine.move_to(at(datetime.date(2026, 4, 1)), tick=False)  # 31 days later
    assert client.post(NEW, data).status_code == 200
    assert Complaint.objects.count() == 2


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/pdf"), "仅接受"),
        (
            SimpleUploadedFile("fake.pdf", b"<html>not a pdf", content_type="application/pdf"),
            "不是真正的",
        ),
        (SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"), "空文件"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_saved(client, nanjing_department, upload, message):
    response = client.post(NEW, {**form(nanjing_department), "files": [upload]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Complaint.objects.count() == 0
    assert ComplaintAttachment.objects.count() == 0
    assert ComplainantContact.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(client, nanjing_department, settings):
    settings.CHENGXIN_ATTACHMENT_MAX_BYTES = 64
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 100, content_type="application/pdf")
    response = client.post(NEW, {**form(nanjing_department), "files": [big]})
    assert response.status_code == 400
    assert "上限为" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_too_many_files_are_refused(client, nanjing_department, settings):
    settings.CHENGXIN_COMPLAINT_MAX_FILES = 2
    files = [SimpleUploadedFile(f"{i}.pdf", PDF, content_type="application/pdf") for i in range(3)]
    response = client.post(NEW, {**form(nanjing_department), "files": files})
    assert response.status_code == 400
    assert "最多可附 2 个证据文件" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_one_address_may_file_only_so_many_complaints(client, nanjing_department, settings):
    settings.CHENGXIN_COMPLAINT_RATE = "2/hour"
    assert client.post(NEW, form(nanjing_department)).status_code == 200
    assert client.post(NEW, form(nanjing_department)).status_code == 200
    refused = client.post(NEW, form(nanjing_department))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "您所在地址的请求过多" in refused.content.decode()
    assert Complaint.objects.count() == 2
    # Another address is not held back; the same address behind a forged header still is.
    assert Client(REMOTE_ADDR="203.0.113.8").post(NEW, form(nanjing_department)).status_code == 200
    forged = client.post(NEW, form(nanjing_department), HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert forged.status_code == 429
    assert Complaint.objects.count() == 3


def test_the_status_page_shows_progress_and_outcome_to_the_code_holder(
    client, nanjing_department, nanjing_supervisor
):
    complaint, code = make_complaint(
        nanjing_department,
        "closed",
        actor=nanjing_supervisor,
        contact={"name": "王小明", "phone": "13800001234", "email": "wang@example.com"},
        reason="经调查，欠款已于本月付清，未发现失信行为。",
    )
    response = client.post(
        STATUS, {"tracking_number": complaint.tracking_number.lower(), "query_code": code.lower()}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已办结" in html
    assert "经调查，欠款已于本月付清" in html
    assert "已受理" in html and "已交办调查" in html
    # Nothing personal, not even the description, and not who handled it.
    for secret in ("王小明", "13800001234", "wang@example.com", complaint.description, "nanjing"):
        assert secret not in html
    assert "private" in response["Cache-Control"]


def test_a_wrong_code_or_number_shows_nothing(client, nanjing_department):
    complaint, code = make_complaint(nanjing_department)
    for number, query in [
        (complaint.tracking_number, "AAAA-BBBB-CCCC"),
        ("TS20260101XXXXXX", code),
        (complaint.tracking_number, ""),
    ]:
        response = client.post(STATUS, {"tracking_number": number, "query_code": query})
        assert response.status_code == 400
        assert complaint.get_category_display() not in response.content.decode()


def test_status_look_ups_are_rate_limited(client, nanjing_department, settings):
    settings.CHENGXIN_COMPLAINT_STATUS_RATE = "3/hour"
    complaint, _code = make_complaint(nanjing_department)
    for _ in range(3):
        client.post(STATUS, {"tracking_number": complaint.tracking_number, "query_code": "x"})
    response = client.post(
        STATUS, {"tracking_number": complaint.tracking_number, "query_code": "x"}
    )
    assert response.status_code == 429


def test_query_codes_are_normalised_as_typed():
    assert services.normalise_query_code(" abcd efgh－jkmn ") == "ABCDEFGHJKMN"
