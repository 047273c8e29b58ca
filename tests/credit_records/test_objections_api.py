"""Objections through the API (/api/v1/objections/), the workspace pages, the register's
spreadsheet export, the admin, the public pages and the demo data."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import load_workbook
from rest_framework.test import APIClient

from credit_records.models import Objection, ObjectionOutcome, ObjectionStatus, RecordStatus

from ..builders.core import DepartmentFactory, UserFactory
from ..builders.files import pdf_bytes
from ..builders.records import make_objection, make_record

OBJECTIONS = "/api/v1/objections/"
PDF = pdf_bytes(title="付款凭证")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def record(nanjing_department, nanjing_supervisor):
    return make_record(
        nanjing_department,
        actor=nanjing_supervisor,
        state="confirmed",
        decision_number="宁财罚〔2026〕40号",
    )


@pytest.fixture
def suzhou_objection(suzhou_department, suzhou_supervisor):
    record = make_record(suzhou_department, actor=suzhou_supervisor, state="confirmed")
    return make_objection(record)


# --- API ----------------------------------------------------------------------------------------


def test_a_liaison_files_through_the_api_with_evidence(record, nanjing_liaison):
    response = api(nanjing_liaison).post(
        OBJECTIONS,
        {
            "record": record.pk,
            "grounds": "facts_wrong",
            "explanation": "付款已按期完成。",
            "files": [SimpleUploadedFile("回单.pdf", PDF, content_type="application/pdf")],
        },
        format="multipart",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending"
    assert body["status_display"] == "异议处理中"
    assert body["grounds_display"] == "事实认定有误"
    assert body["filed_by"] == "liaison"
    assert body["filed_on_behalf"] is False
    assert body["acknowledged_at"] is None
    assert body["corrections"] == {}
    assert [a["original_name"] for a in body["attachments"]] == ["回单.pdf"]
    assert Objection.objects.get().record == record


def test_the_platform_files_on_the_departments_behalf(record, province_supervisor):
    response = api(province_supervisor).post(
        OBJECTIONS,
        {"record": record.pk, "grounds": "other", "explanation": "经省平台转报。"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["filed_on_behalf"] is True


def test_bad_input_is_a_400_by_field_and_files_nothing(record, nanjing_liaison):
    client = api(nanjing_liaison)

    unknown = client.post(
        OBJECTIONS, {"record": record.pk, "grounds": "bored", "explanation": "x"}, format="json"
    )
    blank = client.post(
        OBJECTIONS, {"record": record.pk, "grounds": "other", "explanation": ""}, format="json"
    )

    assert unknown.status_code == 400 and "grounds" in unknown.json()
    assert blank.status_code == 400
    assert blank.json()["explanation"] == ["请说明记录错在何处。"]
    assert not Objection.objects.exists()


def test_a_second_pending_objection_is_a_conflict(record, nanjing_liaison):
    make_objection(record, actor=nanjing_liaison)

    response = api(nanjing_liaison).post(
        OBJECTIONS, {"record": record.pk, "grounds": "other", "explanation": "再次"}, format="json"
    )

    assert response.status_code == 409


def test_nobody_sees_or_reaches_objections_outside_their_scope(
    record, nanjing_liaison, nanjing_supervisor, suzhou_objection, suzhou_supervisor
):
    own = make_objection(record, actor=nanjing_liaison)
    other_liaison = UserFactory(
        username="other", role="Department liaison", department=DepartmentFactory()
    )

    def listed(user):
        return {row["id"] for row in api(user).get(OBJECTIONS).json()["results"]}

    assert listed(nanjing_liaison) == {own.pk}
    assert listed(nanjing_supervisor) == {own.pk}
    assert listed(suzhou_supervisor) == {suzhou_objection.pk}
    assert listed(other_liaison) == set()
    assert api(other_liaison).get(f"{OBJECTIONS}{own.pk}/").status_code == 404
    decide = {"uphold": False, "reason": "不成立"}
    assert (
        api(suzhou_supervisor).post(f"{OBJECTIONS}{own.pk}/decide/", decide, format="json")
    ).status_code == 404
    # Filing against a record out of scope: the record "does not exist" for this liaison.
    response = api(other_liaison).post(
        OBJECTIONS, {"record": record.pk, "grounds": "other", "explanation": "x"}, format="json"
    )
    assert response.status_code == 400 and "record" in response.json()


def test_a_liaison_and_an_auditor_cannot_decide(record, nanjing_liaison, auditor):
    objection = make_objection(record, actor=nanjing_liaison)
    decide = {"uphold": True, "outcome": "withdrawn", "reason": "撤销"}

    for user in (nanjing_liaison, auditor):
        response = api(user).post(f"{OBJECTIONS}{objection.pk}/decide/", decide, format="json")
        assert response.status_code == 403
    assert (
        api(auditor)
        .post(OBJECTIONS, {"record": record.pk, "grounds": "other", "explanation": "x"})
        .status_code
        == 403
    )
    objection.refresh_from_db()
    assert objection.is_pending


def test_the_office_acknowledges_suspends_and_corrects_through_the_api(
    record, nanjing_liaison, nanjing_supervisor
):
    objection = make_objection(record, actor=nanjing_liaison)
    client = api(nanjing_supervisor)
    url = f"{OBJECTIONS}{objection.pk}"

    acknowledged = client.post(f"{url}/acknowledge/", {"note": "已受理"}, format="json")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["acknowledged_at"] is not None
    assert client.post(f"{url}/acknowledge/", {}, format="json").status_code == 409
    suspended = client.post(f"{url}/suspend/", {"reason": "核实期间暂停公示"}, format="json")
    assert suspended.json()["disclosure_suspended"] is True
    no_outcome = client.post(f"{url}/decide/", {"uphold": True, "reason": "成立"}, format="json")
    assert no_outcome.status_code == 400 and "outcome" in no_outcome.json()

    decided = client.post(
        f"{url}/decide/",
        {
            "uphold": True,
            "outcome": "corrected",
            "reason": "决定机关名称有误",
            "corrections": {"issuing_authority": "南京市人民政府"},
        },
        format="json",
    )

    assert decided.status_code == 200, decided.json()
    body = decided.json()
    assert body["status_display"] == "异议成立"
    assert body["outcome"] == "corrected"
    assert body["corrections"] == {"issuing_authority": ["江苏省财政厅", "南京市人民政府"]}
    record.refresh_from_db()
    assert record.issuing_authority == "南京市人民政府"


def test_the_schema_documents_the_objections_with_their_nullability(db, auditor):
    schema = api(auditor).get("/api/schema/", {"format": "json"}).json()

    assert {"/api/v1/objections/", "/api/v1/objections/{id}/decide/"} <= set(schema["paths"])
    objection = schema["components"]["schemas"]["Objection"]["properties"]
    assert objection["acknowledged_at"].get("nullable") is True
    assert objection["decided_at"].get("nullable") is True
    assert objection["filed_by"].get("nullable") is True
    assert objection["acknowledge_due"].get("nullable") is not True
    assert objection["status"].get("nullable") is not True
    decision = schema["components"]["schemas"]["ObjectionDecisionRequest"]["properties"]
    assert set(decision) == {"uphold", "reason", "outcome", "corrections"}
    public = schema["components"]["schemas"]["PublicRecord"]["properties"]
    assert "objection_pending" in public


# --- workspace pages ------------------------------------------------------------------------------


def test_the_liaison_objects_from_the_record_page(login, record, nanjing_liaison):
    client = login(nanjing_liaison)
    page = client.get(f"/workspace/records/{record.pk}/").content.decode()
    assert "提出异议申诉" in page

    response = client.post(
        f"/workspace/records/{record.pk}/object/",
        {"grounds": "not_attributable", "explanation": "系上级单位决定。"},
    )

    assert response.status_code == 302
    assert Objection.objects.get().grounds == "not_attributable"
    page = client.get(f"/workspace/records/{record.pk}/").content.decode()
    assert "异议处理中" in page
    assert "对异议作出决定" not in page  # the office's forms are the office's


def test_the_office_withdraws_the_record_from_its_page(
    login, record, nanjing_liaison, nanjing_supervisor
):
    objection = make_objection(record, actor=nanjing_liaison)
    client = login(nanjing_supervisor)
    assert "对异议作出决定" in client.get(f"/workspace/records/{record.pk}/").content.decode()

    response = client.post(
        f"/workspace/objections/{objection.pk}/decide/",
        {"decision": "withdrawn", "reason": "经核实，记录认定错误"},
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == RecordStatus.WITHDRAWN
    objection.refresh_from_db()
    assert (objection.status, objection.outcome) == (
        ObjectionStatus.APPROVED,
        ObjectionOutcome.WITHDRAWN,
    )


def test_a_decision_form_without_reasons_changes_nothing(
    login, record, nanjing_liaison, nanjing_supervisor
):
    objection = make_objection(record, actor=nanjing_liaison)

    response = login(nanjing_supervisor).post(
        f"/workspace/objections/{objection.pk}/decide/", {"decision": "reject"}, follow=True
    )

    assert "理由" in response.content.decode()
    objection.refresh_from_db()
    assert objection.is_pending


def test_another_office_cannot_reach_the_step(login, record, nanjing_liaison, suzhou_supervisor):
    objection = make_objection(record, actor=nanjing_liaison)

    response = login(suzhou_supervisor).post(
        f"/workspace/objections/{objection.pk}/decide/",
        {"decision": "withdrawn", "reason": "越权"},
    )

    assert response.status_code == 404
    objection.refresh_from_db()
    assert objection.is_pending


# --- export of the register -------------------------------------------------------------------


def test_the_register_exports_exactly_the_filtered_rows_in_scope(
    login, record, nanjing_liaison, nanjing_supervisor, suzhou_objection
):
    rejected = make_objection(record, actor=nanjing_liaison, grounds="other")
    from credit_records import services

    services.objection_decide(
        objection=rejected, actor=nanjing_supervisor, uphold=False, reason="理由不成立"
    )
    make_objection(record, actor=nanjing_liaison, grounds="facts_wrong")

    response = login(nanjing_supervisor).get(
        "/workspace/objections/", {"status": "rejected", "export": "xlsx"}
    )

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:5] == ("决定文书号", "部门", "统一社会信用代码", "地区", "异议理由")
    assert [row[0] for row in rows[1:]] == ["宁财罚〔2026〕40号"]
    assert rows[1][4] == "其他"
    assert "理由不成立" in rows[1]


def test_a_liaison_cannot_export_the_register(login, record, nanjing_liaison):
    response = login(nanjing_liaison).get("/workspace/objections/", {"export": "csv"})

    assert response.status_code == 403


# --- admin ----------------------------------------------------------------------------------------


def test_the_admin_lists_objections_in_scope_read_only(
    login, record, nanjing_liaison, nanjing_supervisor, suzhou_objection
):
    own = make_objection(record, actor=nanjing_liaison)
    client = login(nanjing_supervisor)

    page = client.get("/admin/credit_records/objection/")
    assert page.status_code == 200
    assert "宁财罚〔2026〕40号" in page.content.decode()
    assert client.get(f"/admin/credit_records/objection/{own.pk}/change/").status_code == 200
    assert (
        client.get(f"/admin/credit_records/objection/{suzhou_objection.pk}/change/").status_code
        != 200
    )
    assert client.get("/admin/credit_records/objection/add/").status_code == 403


# --- public pages ---------------------------------------------------------------------------------


def test_the_public_pages_and_open_data_say_objection_under_review(client, record, nanjing_liaison):
    make_objection(record, actor=nanjing_liaison)

    listing = client.get("/public/records/").content.decode()
    detail = client.get(f"/public/records/{record.pk}/").content.decode()
    data = client.get("/api/v1/public/records/").json()["results"]

    assert "异议处理中" in listing
    assert "异议处理中" in detail
    assert [row["objection_pending"] for row in data] == [True]


def test_a_suspended_or_withdrawn_record_leaves_the_public_pages_and_exports(
    client, record, nanjing_liaison, nanjing_supervisor
):
    from credit_records import services

    objection = make_objection(record, actor=nanjing_liaison)
    services.objection_suspend_disclosure(
        objection=objection, actor=nanjing_supervisor, reason="核实期间暂停公示"
    )

    def everywhere():
        csv = b"".join(client.get("/public/records.csv").streaming_content).decode("utf-8-sig")
        return {
            "list": record.decision_number in client.get("/public/records/").content.decode(),
            "detail": client.get(f"/public/records/{record.pk}/").status_code == 200,
            "csv": record.decision_number in csv,
            "api": bool(client.get("/api/v1/public/records/").json()["results"]),
            "department": record.decision_number
            in client.get(f"/public/departments/{record.department.uscc}/").content.decode(),
        }

    assert not any(everywhere().values())
    services.objection_decide(
        objection=objection,
        actor=nanjing_supervisor,
        uphold=True,
        outcome="withdrawn",
        reason="记录认定错误",
    )
    assert not any(everywhere().values())


# --- demo data ------------------------------------------------------------------------------------


def test_the_demo_has_an_objection_in_each_state(db):
    call_command("seed_demo", stdout=io.StringIO())

    states = {
        (o.status, o.outcome, o.disclosure_suspended, bool(o.acknowledged_at))
        for o in Objection.objects.all()
    }
    assert states == {
        ("pending", "", False, False),
        ("pending", "", True, True),
        ("approved", "corrected", False, True),
        ("approved", "withdrawn", False, True),
        ("rejected", "", False, True),
    }
    before = Objection.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Objection.objects.count() == before
