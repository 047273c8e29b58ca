"""The REST API under /api/v1/: scope, roles, the record workflow, strict filters, schema."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import Department
from credit_records.models import (
    Attachment,
    Commitment,
    CommitmentStatus,
    DishonestyRecord,
    PublicOfficial,
    RecordSource,
    RecordStatus,
)

from ..builders.core import DepartmentFactory, valid_uscc
from ..builders.files import pdf_bytes
from ..builders.records import OfficialFactory, RecordFactory, make_record

PDF = pdf_bytes()
RECORDS = "/api/v1/records/"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def api():
    """``api(user)``: a client authenticated as ``user``."""

    def _api(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return _api


@pytest.fixture
def nanjing_record(nanjing_department):
    return RecordFactory(department=nanjing_department)


@pytest.fixture
def suzhou_record(suzhou_department):
    return RecordFactory(department=suzhou_department)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def act(client, record, action, data=None, **kwargs):
    return client.post(f"{RECORDS}{record.pk}/{action}/", data or {}, **kwargs)


def record_ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


# --- Scope ------------------------------------------------------------------------------------


def test_a_nanjing_token_cannot_read_a_suzhou_record(nanjing_supervisor, suzhou_record):
    client = token_client(nanjing_supervisor)

    response = client.get(f"{RECORDS}{suzhou_record.pk}/")

    assert response.status_code == 404
    assert suzhou_record.pk not in record_ids(client.get(RECORDS))


def test_the_province_supervisor_reads_records_of_every_city(
    province_supervisor, nanjing_record, suzhou_record
):
    client = token_client(province_supervisor)

    assert client.get(f"{RECORDS}{suzhou_record.pk}/").status_code == 200
    assert record_ids(client.get(RECORDS)) == {nanjing_record.pk, suzhou_record.pk}


def test_a_record_action_outside_the_scope_is_a_404_and_changes_nothing(
    api, nanjing_supervisor, suzhou_record
):
    response = act(api(nanjing_supervisor), suzhou_record, "confirm")

    assert response.status_code == 404
    suzhou_record.refresh_from_db()
    assert suzhou_record.status == RecordStatus.DRAFT


def test_a_liaison_sees_only_their_own_departments_records(
    api, nanjing_liaison, nanjing_record, suzhou_record
):
    assert record_ids(api(nanjing_liaison).get(RECORDS)) == {nanjing_record.pk}


def test_requests_without_credentials_are_refused(nanjing_record):
    assert APIClient().get(RECORDS).status_code in (401, 403)


def test_the_list_and_a_record_give_the_same_officials_in_id_order(
    api, nanjing_supervisor, nanjing_department, nanjing_record
):
    """The list reads the officials' ids in its own query (PostgreSQL) or prefetches them;
    either way they are those of the record, as the record's own page gives them."""
    officials = [OfficialFactory(department=nanjing_department, name=n) for n in ("赵", "钱", "孙")]
    nanjing_record.officials.set(officials[::-1])
    other = make_record(nanjing_department)
    client = api(nanjing_supervisor)
    listed = {row["id"]: row["officials"] for row in client.get(RECORDS).json()["results"]}
    expected = sorted(official.pk for official in officials)
    assert listed[nanjing_record.pk] == expected
    assert listed[other.pk] == []
    assert client.get(f"{RECORDS}{nanjing_record.pk}/").json()["officials"] == expected


# --- The record workflow ----------------------------------------------------------------------


def test_the_full_workflow_through_the_api(
    api, nanjing_supervisor, nanjing_liaison, nanjing_department
):
    supervisor, liaison = api(nanjing_supervisor), api(nanjing_liaison)
    official = OfficialFactory(department=nanjing_department)

    created = supervisor.post(
        RECORDS,
        {
            "department": nanjing_department.uscc.lower(),
            "officials": [official.pk],
            "category": "administrative_penalty",
            "severity": "general",
            "decision_number": "宁财罚〔2026〕7号",
            "issuing_authority": "南京市财政局",
            "decision_date": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
            "facts": "逾期支付中小企业账款。",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    record = created.json()
    assert record["status"] == "draft"
    assert record["source"] == RecordSource.API
    assert record["department"] == nanjing_department.uscc
    assert record["officials"] == [official.pk]
    assert "confirm" in record["available_actions"]
    pk = record["id"]

    def step(client, action, data=None, **kwargs):
        response = client.post(f"{RECORDS}{pk}/{action}/", data or {}, **kwargs)
        assert response.status_code == 200, response.json()
        return response.json()

    record = step(supervisor, "confirm", {"reason": "事实清楚"})
    assert record["status"] == "confirmed"
    assert record["status_display"]

    deadline = timezone.localdate() + datetime.timedelta(days=20)
    record = step(
        supervisor,
        "require-rectification",
        {"deadline": deadline.isoformat(), "requirements": "十五日内付清"},
    )
    assert record["status"] == "rectification_required"
    assert record["rectification"]["deadline"] == deadline.isoformat()
    assert record["available_actions"] == ["extend-deadline", "claim-fault-tolerance"]

    # The liaison sees the step that is theirs now.
    mine = liaison.get(f"{RECORDS}{pk}/").json()
    assert "submit-explanation" in mine["available_actions"]

    record = step(liaison, "submit-explanation", {"explanation": "资金拨付流程延误。"})
    assert record["status"] == "in_progress"
    assert record["rectification"]["explanation"] == "资金拨付流程延误。"

    evidence = SimpleUploadedFile("付款凭证.pdf", PDF, content_type="application/pdf")
    record = step(
        liaison,
        "submit-report",
        {"content": "已全额支付并加付利息。", "files": [evidence]},
        format="multipart",
    )
    assert record["status"] == "report_submitted"
    [report] = record["rectification"]["reports"]
    assert report["decision"] == "pending"
    [attachment] = report["attachments"]
    assert attachment["original_name"] == "付款凭证.pdf"
    assert attachment["content_type"] == "application/pdf"
    assert Attachment.objects.get(pk=attachment["id"]).file.read() == PDF

    record = step(supervisor, "verify", {"reason": "凭证齐全"})
    assert record["status"] == "verified"
    assert record["rectification"]["reports"][0]["decision"] == "accepted"

    record = step(supervisor, "close", {"reason": "整改完毕"})
    assert record["status"] == "closed"
    assert record["closed_on"] == timezone.localdate().isoformat()
    assert [event["action"] for event in record["timeline"]] == [
        "created",
        "confirm",
        "require_rectification",
        "submit_explanation",
        "submit_report",
        "verify",
        "close",
    ]


def test_an_action_not_possible_in_this_state_is_a_409_with_a_message(
    api, nanjing_supervisor, nanjing_record
):
    response = act(api(nanjing_supervisor), nanjing_record, "verify", {"reason": "x"})

    assert response.status_code == 409
    assert response.json()["detail"]
    nanjing_record.refresh_from_db()
    assert nanjing_record.status == RecordStatus.DRAFT


def test_a_returned_report_needs_a_reason_given_as_a_field_error(
    api, nanjing_supervisor, nanjing_liaison, nanjing_record
):
    supervisor = api(nanjing_supervisor)
    act(supervisor, nanjing_record, "confirm")
    act(supervisor, nanjing_record, "require-rectification")
    act(api(nanjing_liaison), nanjing_record, "submit-explanation", {"explanation": "原因"})
    act(api(nanjing_liaison), nanjing_record, "submit-report", {"content": "已整改"})

    response = act(supervisor, nanjing_record, "return", {"reason": "  "})

    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    returned = act(supervisor, nanjing_record, "return", {"reason": "缺少付款凭证"})
    assert returned.json()["status"] == "in_progress"


def test_verifying_and_closing_need_a_reason_given_as_a_field_error(
    api, nanjing_supervisor, nanjing_liaison, nanjing_record
):
    supervisor = api(nanjing_supervisor)
    act(supervisor, nanjing_record, "confirm")
    act(supervisor, nanjing_record, "require-rectification")
    act(api(nanjing_liaison), nanjing_record, "submit-explanation", {"explanation": "原因"})
    act(api(nanjing_liaison), nanjing_record, "submit-report", {"content": "已整改"})

    unverified = act(supervisor, nanjing_record, "verify")
    verified = act(supervisor, nanjing_record, "verify", {"reason": "凭证齐全"})
    unclosed = act(supervisor, nanjing_record, "close", {"reason": " "})

    assert (unverified.status_code, list(unverified.json())) == (400, ["reason"])
    assert verified.json()["status"] == "verified"
    assert (unclosed.status_code, list(unclosed.json())) == (400, ["reason"])
    nanjing_record.refresh_from_db()
    assert nanjing_record.status == RecordStatus.VERIFIED


def test_an_evidence_file_that_is_not_what_its_name_says_is_refused(
    api, nanjing_supervisor, nanjing_liaison, nanjing_record
):
    supervisor, liaison = api(nanjing_supervisor), api(nanjing_liaison)
    act(supervisor, nanjing_record, "confirm")
    act(supervisor, nanjing_record, "require-rectification")
    act(liaison, nanjing_record, "submit-explanation", {"explanation": "原因"})
    fake = SimpleUploadedFile("凭证.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    response = act(
        liaison,
        nanjing_record,
        "submit-report",
        {"content": "已整改", "files": [fake]},
        format="multipart",
    )

    assert response.status_code == 400
    assert "PDF" in " ".join(response.json()["files"])
    nanjing_record.refresh_from_db()
    assert nanjing_record.status == RecordStatus.IN_PROGRESS


def test_a_deadline_can_be_extended_but_not_moved_earlier(api, nanjing_supervisor, nanjing_record):
    supervisor = api(nanjing_supervisor)
    act(supervisor, nanjing_record, "confirm")
    first = timezone.localdate() + datetime.timedelta(days=10)
    act(supervisor, nanjing_record, "require-rectification", {"deadline": first.isoformat()})

    earlier = act(
        supervisor,
        nanjing_record,
        "extend-deadline",
        {"new_deadline": (first - datetime.timedelta(days=1)).isoformat(), "reason": "x"},
    )
    later = act(
        supervisor,
        nanjing_record,
        "extend-deadline",
        {"new_deadline": (first + datetime.timedelta(days=30)).isoformat(), "reason": "汛期"},
    )

    assert earlier.status_code == 400
    assert "new_deadline" in earlier.json()
    assert later.status_code == 200
    [extension] = later.json()["rectification"]["extensions"]
    assert extension["previous_deadline"] == first.isoformat()


def test_an_approved_fault_tolerance_claim_exempts_the_record(
    api, nanjing_supervisor, nanjing_liaison, nanjing_record
):
    act(api(nanjing_supervisor), nanjing_record, "confirm")
    filed = act(
        api(nanjing_liaison), nanjing_record, "claim-fault-tolerance", {"grounds": "先行先试"}
    )
    assert filed.status_code == 200, filed.json()
    [claim] = filed.json()["fault_tolerance_claims"]
    assert "claim-fault-tolerance" not in filed.json()["available_actions"]

    response = api(nanjing_supervisor).post(
        f"/api/v1/fault-tolerance-claims/{claim['id']}/review/",
        {"approve": True, "reason": "符合容错情形"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    nanjing_record.refresh_from_db()
    assert nanjing_record.status == RecordStatus.EXEMPTED


def test_a_rectified_record_gets_credit_repair_after_its_minimum_period(
    api, nanjing_supervisor, nanjing_liaison, nanjing_department
):
    # A general record decided 200 days ago: past its 3-month minimum, inside its year.
    record = RecordFactory(
        department=nanjing_department,
        decision_date=timezone.localdate() - datetime.timedelta(days=200),
    )
    supervisor = api(nanjing_supervisor)
    act(supervisor, record, "confirm")
    act(supervisor, record, "close", {"reason": "无需整改"})

    applied = api(nanjing_liaison).post(
        "/api/v1/credit-repairs/",
        {"record": record.pk, "commitment_text": "本单位承诺依法履约。"},
        format="json",
    )
    assert applied.status_code == 201, applied.json()
    assert applied.json()["status"] == "pending"
    again = api(nanjing_liaison).post(
        "/api/v1/credit-repairs/",
        {"record": record.pk, "commitment_text": "再次申请"},
        format="json",
    )
    assert again.status_code == 409

    decided = supervisor.post(
        f"/api/v1/credit-repairs/{applied.json()['id']}/decide/",
        {"approve": True, "reason": "已纠正失信行为"},
        format="json",
    )

    assert decided.status_code == 200, decided.json()
    record.refresh_from_db()
    assert record.disclosure_ended_early_on == timezone.localdate()


# --- Roles ------------------------------------------------------------------------------------


def test_a_liaison_cannot_confirm_a_record(api, nanjing_liaison, nanjing_record):
    response = act(api(nanjing_liaison), nanjing_record, "confirm")

    assert response.status_code == 403
    nanjing_record.refresh_from_db()
    assert nanjing_record.status == RecordStatus.DRAFT


def test_a_supervisor_cannot_write_the_departments_explanation(
    api, nanjing_supervisor, nanjing_record
):
    supervisor = api(nanjing_supervisor)
    act(supervisor, nanjing_record, "confirm")
    act(supervisor, nanjing_record, "require-rectification")

    response = act(supervisor, nanjing_record, "submit-explanation", {"explanation": "代写"})

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "records/{record}/confirm/", {}),
        ("post", "records/{record}/require-rectification/", {}),
        ("post", "records/{record}/submit-explanation/", {"explanation": "x"}),
        ("post", "records/{record}/claim-fault-tolerance/", {"grounds": "x"}),
        ("post", "records/", {"department": "{uscc}", "facts": "x"}),
        ("post", "departments/", {"name": "x", "uscc": "{uscc}", "region": "320100"}),
        ("patch", "departments/{uscc}/", {"name": "x"}),
        ("post", "officials/", {"name": "x", "department": "{uscc}"}),
        ("post", "commitments/", {"content": "x", "department": "{uscc}"}),
        ("post", "commendations/", {"title": "x", "department": "{uscc}"}),
        ("post", "credit-repairs/", {"record": "{record}", "commitment_text": "x"}),
    ],
)
def test_the_auditor_reads_but_every_write_is_a_403(
    api, auditor, nanjing_record, method, path, data
):
    client = api(auditor)
    values = {"record": nanjing_record.pk, "uscc": nanjing_record.department.uscc}
    body = {key: value.format(**values) for key, value in data.items()}

    response = getattr(client, method)(f"/api/v1/{path.format(**values)}", body, format="json")

    assert response.status_code == 403
    assert client.get(f"{RECORDS}{nanjing_record.pk}/").status_code == 200
    nanjing_record.refresh_from_db()
    assert nanjing_record.status == RecordStatus.DRAFT


def test_a_user_without_a_role_reads_nothing(api, user_without_role, nanjing_record):
    assert api(user_without_role).get(RECORDS).status_code == 403


# --- Filters ----------------------------------------------------------------------------------


def test_an_unknown_query_parameter_is_a_400_naming_it(api, province_supervisor, nanjing_record):
    response = api(province_supervisor).get(RECORDS, {"severty": "serious"})

    assert response.status_code == 400
    assert "severty" in response.json()


def test_an_invalid_filter_value_is_a_400(api, province_supervisor, nanjing_record):
    response = api(province_supervisor).get(RECORDS, {"decided_from": "2026-13-45"})

    assert response.status_code == 400
    assert "decided_from" in response.json()


def test_ordering_by_a_field_not_offered_is_a_400(api, province_supervisor, nanjing_record):
    client = api(province_supervisor)

    assert client.get(RECORDS, {"ordering": "-internal_notes"}).status_code == 400
    assert client.get(RECORDS, {"ordering": "-decision_date"}).status_code == 200


def test_pagination_and_format_parameters_are_accepted(api, province_supervisor, nanjing_record):
    response = api(province_supervisor).get(RECORDS, {"page": 1, "page_size": 10, "format": "json"})

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_records_filter_by_category_severity_status_and_department(
    api, province_supervisor, nanjing_department, suzhou_department
):
    penalty = RecordFactory(
        department=nanjing_department, category="administrative_penalty", severity="general"
    )
    judgment = RecordFactory(
        department=nanjing_department, category="court_judgment", severity="serious"
    )
    suzhou = RecordFactory(department=suzhou_department, category="court_judgment")
    client = api(province_supervisor)
    assert act(client, judgment, "confirm").status_code == 200

    assert record_ids(client.get(RECORDS, {"category": "court_judgment"})) == {
        judgment.pk,
        suzhou.pk,
    }
    assert record_ids(client.get(RECORDS, {"severity": "serious"})) == {judgment.pk}
    assert record_ids(client.get(RECORDS, {"status": "confirmed"})) == {judgment.pk}
    assert record_ids(client.get(RECORDS, {"status": ["draft", "confirmed"]})) == {
        penalty.pk,
        judgment.pk,
        suzhou.pk,
    }
    assert record_ids(client.get(RECORDS, {"department": suzhou_department.uscc.lower()})) == {
        suzhou.pk
    }
    assert client.get(RECORDS, {"severity": "catastrophic"}).status_code == 400


def test_other_lists_use_their_filtersets_too(api, province_supervisor, nanjing_department):
    OfficialFactory(department=nanjing_department, name="张三")
    OfficialFactory(department=nanjing_department, name="李四", active=False)
    client = api(province_supervisor)

    active = client.get("/api/v1/officials/", {"active": "true"}).json()["results"]

    assert [official["name"] for official in active] == ["张三"]
    assert client.get("/api/v1/officials/", {"severity": "serious"}).status_code == 400
    assert client.get("/api/v1/regions/", {"level": "city"}).json()["count"] == 13


# --- Departments and officials ------------------------------------------------------------------


def test_departments_are_looked_up_by_their_credit_code(
    api, nanjing_supervisor, nanjing_department
):
    client = api(nanjing_supervisor)

    response = client.get(f"/api/v1/departments/{nanjing_department.uscc}/")
    typed_in_lower_case = client.get(f"/api/v1/departments/{nanjing_department.uscc.lower()}/")

    assert response.status_code == 200
    assert response.json()["name"] == nanjing_department.name
    assert response.json()["region"] == "320100"
    assert typed_in_lower_case.status_code == 200
    assert client.get(f"/api/v1/departments/{nanjing_department.pk}/").status_code == 404


def test_a_supervisor_creates_a_department_in_their_region(api, nanjing_supervisor, regions):
    uscc = valid_uscc(777, "320100")

    response = api(nanjing_supervisor).post(
        "/api/v1/departments/",
        {"name": "南京市审计局", "uscc": uscc.lower(), "region": "320102"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["uscc"] == uscc
    department = Department.objects.get(uscc=uscc)
    assert department.history.latest().history_user == nanjing_supervisor


def test_a_department_with_a_bad_credit_code_is_a_400_on_uscc(api, nanjing_supervisor, regions):
    good = valid_uscc(778, "320100")
    bad = good[:-1] + ("1" if good[-1] == "0" else "0")  # a wrong check character

    response = api(nanjing_supervisor).post(
        "/api/v1/departments/",
        {"name": "南京市审计局", "uscc": bad, "region": "320100"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["uscc"]
    assert len(response.json()["uscc"]) == 1
    assert not Department.objects.filter(name="南京市审计局").exists()


def test_a_department_with_a_taken_credit_code_is_a_400_on_uscc(
    api, nanjing_supervisor, nanjing_department
):
    response = api(nanjing_supervisor).post(
        "/api/v1/departments/",
        {"name": "重复", "uscc": nanjing_department.uscc, "region": "320100"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["uscc"]


def test_a_supervisor_cannot_place_a_department_outside_their_region(
    api, nanjing_supervisor, nanjing_department, regions
):
    client = api(nanjing_supervisor)

    created = client.post(
        "/api/v1/departments/",
        {"name": "苏州市审计局", "uscc": valid_uscc(779, "320500"), "region": "320500"},
        format="json",
    )
    moved = client.patch(
        f"/api/v1/departments/{nanjing_department.uscc}/", {"region": "320500"}, format="json"
    )

    assert created.status_code == 400
    assert "region" in created.json()
    assert moved.status_code == 400
    assert "region" in moved.json()
    nanjing_department.refresh_from_db()
    assert nanjing_department.region.code == "320100"


def test_a_supervisor_records_the_head_of_department_and_a_bad_address_is_a_400(
    api, nanjing_supervisor, nanjing_department
):
    client = api(nanjing_supervisor)
    url = f"/api/v1/departments/{nanjing_department.uscc}/"

    saved = client.patch(
        url, {"head_name": "王局长", "head_email": "head@czj.nanjing.gov.cn"}, format="json"
    )
    refused = client.patch(url, {"head_email": "not-an-address"}, format="json")

    assert saved.status_code == 200, saved.json()
    assert client.get(url).json()["head_email"] == "head@czj.nanjing.gov.cn"
    assert refused.status_code == 400
    assert list(refused.json()) == ["head_email"]
    nanjing_department.refresh_from_db()
    assert (nanjing_department.head_name, nanjing_department.head_email) == (
        "王局长",
        "head@czj.nanjing.gov.cn",
    )


def test_a_liaison_reads_the_head_of_department_but_cannot_change_it(
    api, nanjing_liaison, nanjing_department
):
    nanjing_department.head_name = "王局长"
    nanjing_department.save()
    client = api(nanjing_liaison)
    url = f"/api/v1/departments/{nanjing_department.uscc}/"

    assert client.get(url).json()["head_name"] == "王局长"
    assert client.patch(url, {"head_name": "冒名"}, format="json").status_code == 403
    nanjing_department.refresh_from_db()
    assert nanjing_department.head_name == "王局长"


def test_an_official_shows_only_their_work_identity(api, nanjing_supervisor, nanjing_department):
    response = api(nanjing_supervisor).post(
        "/api/v1/officials/",
        {
            "name": "王五",
            "employee_number": "NJ-0042",
            "department": nanjing_department.uscc,
            "position": "处长",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert set(response.json()) == {
        "id",
        "name",
        "employee_number",
        "department",
        "position",
        "active",
    }
    assert response.json()["department"] == nanjing_department.uscc


def test_an_official_cannot_be_added_to_a_department_out_of_scope(
    api, nanjing_supervisor, suzhou_department
):
    response = api(nanjing_supervisor).post(
        "/api/v1/officials/",
        {"name": "赵六", "employee_number": "SZ-1", "department": suzhou_department.uscc},
        format="json",
    )

    assert response.status_code == 400
    assert "department" in response.json()


def test_a_duplicate_employee_number_is_a_400(api, nanjing_supervisor, nanjing_department):
    OfficialFactory(department=nanjing_department, employee_number="NJ-1")

    response = api(nanjing_supervisor).post(
        "/api/v1/officials/",
        {"name": "重复", "employee_number": "NJ-1", "department": nanjing_department.uscc},
        format="json",
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_record_in_the_future_is_a_400_on_its_decision_date(
    api, nanjing_supervisor, nanjing_department
):
    response = api(nanjing_supervisor).post(
        RECORDS,
        {
            "department": nanjing_department.uscc,
            "category": "other",
            "severity": "minor",
            "decision_number": "未来1号",
            "issuing_authority": "南京市财政局",
            "decision_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "facts": "x",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "decision_date" in response.json()
    assert not DishonestyRecord.objects.exists()


# --- Commitments and commendations ------------------------------------------------------------


def test_a_broken_commitment_becomes_a_draft_record(api, nanjing_supervisor, nanjing_department):
    client = api(nanjing_supervisor)
    created = client.post(
        "/api/v1/commitments/",
        {
            "department": nanjing_department.uscc,
            "content": "三十日内完成拖欠账款清偿",
            "promised_date": (timezone.localdate() - datetime.timedelta(days=5)).isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = f"/api/v1/commitments/{created.json()['id']}/"

    assessed = client.post(f"{url}assess/", {"fulfilled": False, "evidence": "未清偿"})
    assert assessed.status_code == 200, assessed.json()
    assert assessed.json()["status"] == CommitmentStatus.BROKEN
    assert client.patch(url, {"content": "改写"}, format="json").status_code == 409

    record = client.post(f"{url}to-record/", {"severity": "general"}, format="json")

    assert record.status_code == 201, record.json()
    assert record.json()["category"] == "broken_commitment"
    assert record.json()["status"] == "draft"
    assert Commitment.objects.get().resulting_record_id == record.json()["id"]
    assert client.post(f"{url}to-record/", {}, format="json").status_code == 409


def test_a_commendation_of_an_official_of_another_department_is_a_400(
    api, nanjing_supervisor, nanjing_department
):
    other = OfficialFactory(department=DepartmentFactory(region=nanjing_department.region))

    response = api(nanjing_supervisor).post(
        "/api/v1/commendations/",
        {
            "title": "诚信建设先进个人",
            "level": "city",
            "issuing_authority": "南京市人民政府",
            "date": timezone.localdate().isoformat(),
            "department": nanjing_department.uscc,
            "official": other.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert "official" in response.json()


# --- Schema and docs --------------------------------------------------------------------------


def test_the_schema_is_served(api, auditor):
    response = api(auditor).get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    assert "/api/v1/records/{id}/submit-report/" in response.json()["paths"]


def test_the_docs_load_their_assets_locally(api, auditor):
    response = api(auditor).get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "drf_spectacular_sidecar" in page
    assert "cdn." not in page and "unpkg" not in page


def test_the_internal_notes_are_the_supervising_offices_not_the_liaisons(
    api, nanjing_supervisor, nanjing_liaison, auditor, nanjing_department
):
    record = RecordFactory(department=nanjing_department, internal_notes="拟约谈主要负责人")

    def notes(user) -> list:
        client = api(user)
        one = client.get(f"{RECORDS}{record.pk}/").json()
        [listed] = client.get(RECORDS).json()["results"]
        return [one.get("internal_notes"), listed.get("internal_notes")]

    assert notes(nanjing_supervisor) == ["拟约谈主要负责人"] * 2
    assert notes(auditor) == ["拟约谈主要负责人"] * 2
    assert notes(nanjing_liaison) == [None, None]
    assert "拟约谈主要负责人" not in str(api(nanjing_liaison).get(f"{RECORDS}{record.pk}/").json())


def test_a_department_reference_that_cannot_exist_says_which_rule_it_breaks(
    api, nanjing_supervisor, nanjing_department, suzhou_department
):
    good = nanjing_department.uscc
    wrong_check = good[:-1] + ("1" if good[-1] == "0" else "0")
    client = api(nanjing_supervisor)

    def refusal(code):
        response = client.post(
            "/api/v1/officials/",
            {"name": "王五", "employee_number": "E777", "department": code},
            format="json",
        )
        assert response.status_code == 400
        return " ".join(response.json()["department"])

    assert "校验码" in refusal(wrong_check)  # the check character, and what it should be
    assert "18" in refusal(good[:10])  # the length
    # A code that could exist but is not in scope is simply not found, as on its own URL.
    assert "校验码" not in refusal(suzhou_department.uscc)
    assert not PublicOfficial.objects.filter(employee_number="E777").exists()
