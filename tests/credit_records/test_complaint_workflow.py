"""Handling a complaint in the workspace: routed to the credit office of the department's
region, whose supervisors alone accept or reject it, assign it and close it with an outcome
(a draft dishonesty record, a procurement red flag, a referral or no finding), each with its
reasons; other offices, auditors and the department's liaisons cannot."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.exceptions import OutOfScope, WorkflowConflict
from core.models import Notification
from credit_records.models import (
    Complaint,
    ComplaintOutcome,
    ComplaintStatus,
    DishonestyRecord,
    RecordCategory,
    RecordStatus,
)
from credit_records.services import complaints as services
from procurement.models import FlagRule, FlagStatus, RedFlag

from ..builders.complaints import make_complaint
from ..builders.core import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_complaint_goes_to_the_office_of_the_departments_region(
    nanjing_department, nanjing_supervisor, province_supervisor
):
    complaint, _code = make_complaint(nanjing_department)
    assert complaint.handling_region.code == "320100"
    # The office is told, by tracking number and department only.
    note = Notification.objects.get(recipient=nanjing_supervisor)
    assert complaint.tracking_number in note.title and "南京市财政局" in note.title
    assert not Notification.objects.filter(recipient=province_supervisor).exists()


def test_a_county_without_an_office_of_its_own_goes_to_its_citys(
    jiangning_department, nanjing_supervisor, regions
):
    complaint, _code = make_complaint(jiangning_department)
    assert complaint.handling_region.code == "320100"
    UserFactory(username="jiangning", role="Supervisor", region=regions["320115"])
    other = DepartmentFactory(name="南京市江宁区教育局", region=regions["320115"])
    assert make_complaint(other)[0].handling_region.code == "320115"


def test_the_handling_office_accepts_assigns_and_closes_with_no_finding(
    nanjing_department, nanjing_supervisor
):
    complaint, _code = make_complaint(nanjing_department)
    services.complaint_accept(complaint=complaint, actor=nanjing_supervisor, reason="材料齐全。")
    services.complaint_assign(
        complaint=complaint, actor=nanjing_supervisor, assignee=nanjing_supervisor
    )
    services.complaint_close(
        complaint=complaint,
        actor=nanjing_supervisor,
        outcome=ComplaintOutcome.NO_FINDING,
        reason="经核实，款项已按合同约定支付。",
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    assert complaint.assigned_to == nanjing_supervisor
    assert complaint.outcome_reason == "经核实，款项已按合同约定支付。"
    assert list(complaint.events.values_list("action", flat=True)) == [
        "filed",
        "accepted",
        "assigned",
        "closed",
    ]
    assert complaint.handled_on_time is True


def test_a_draft_dishonesty_record_comes_out_of_a_closed_complaint(
    nanjing_department, nanjing_supervisor
):
    complaint, _code = make_complaint(nanjing_department, "investigating", actor=nanjing_supervisor)
    services.complaint_close(
        complaint=complaint,
        actor=nanjing_supervisor,
        outcome=ComplaintOutcome.DRAFT_RECORD,
        reason="查实拖欠中小企业账款125000元。",
        record={
            "severity": "general",
            "decision_number": "宁信办〔2026〕8号",
            "issuing_authority": "南京市信用办",
            "decision_date": datetime.date.today() - datetime.timedelta(days=1),
        },
    )
    complaint.refresh_from_db()
    record = complaint.resulting_record
    assert record.status == RecordStatus.DRAFT
    assert record.department == nanjing_department
    assert record.category == RecordCategory.SME_ARREARS
    assert record.facts == "查实拖欠中小企业账款125000元。"
    assert complaint.tracking_number in record.internal_notes
    assert complaint.outcome_reference == "宁信办〔2026〕8号"


def test_a_draft_record_needs_its_decision_and_a_missing_one_changes_nothing(
    nanjing_department, nanjing_supervisor
):
    complaint, _code = make_complaint(nanjing_department, "investigating", actor=nanjing_supervisor)
    with pytest.raises(ValidationError) as refused:
        services.complaint_close(
            complaint=complaint,
            actor=nanjing_supervisor,
            outcome=ComplaintOutcome.DRAFT_RECORD,
            reason="查实。",
            record={"severity": "general"},
        )
    assert set(refused.value.message_dict) == {
        "decision_number",
        "issuing_authority",
        "decision_date",
    }
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.INVESTIGATING
    assert not DishonestyRecord.objects.exists()


def test_a_procurement_red_flag_is_raised_through_procurements_handler(
    nanjing_department, nanjing_supervisor
):
    complaint, _code = make_complaint(nanjing_department, "investigating", actor=nanjing_supervisor)
    services.complaint_close(
        complaint=complaint,
        actor=nanjing_supervisor,
        outcome=ComplaintOutcome.RED_FLAG,
        reason="验收后逾期未付款。",
    )
    flag = RedFlag.objects.get()
    assert (flag.rule, flag.status, flag.purchaser) == (
        FlagRule.COMPLAINT,
        FlagStatus.OPEN,
        nanjing_department,
    )
    assert complaint.tracking_number in flag.describe()
    assert "验收后逾期未付款" in flag.describe()
    complaint.refresh_from_db()
    assert complaint.outcome_reference == f"红旗 #{flag.pk}"


def test_a_referral_names_the_authority(nanjing_department, nanjing_supervisor):
    complaint, _code = make_complaint(nanjing_department, "investigating", actor=nanjing_supervisor)
    with pytest.raises(ValidationError) as refused:
        services.complaint_close(
            complaint=complaint,
            actor=nanjing_supervisor,
            outcome="referral",
            reason="不属本办职责。",
        )
    assert "referred_to" in refused.value.message_dict
    services.complaint_close(
        complaint=complaint,
        actor=nanjing_supervisor,
        outcome="referral",
        reason="不属本办职责。",
        referred_to="南京市市场监督管理局",
    )
    complaint.refresh_from_db()
    assert complaint.referred_to == "南京市市场监督管理局"


def test_a_rejection_needs_reasons(nanjing_department, nanjing_supervisor):
    complaint, _code = make_complaint(nanjing_department)
    with pytest.raises(ValidationError):
        services.complaint_reject(complaint=complaint, actor=nanjing_supervisor, reason="  ")
    assert Complaint.objects.get().status == ComplaintStatus.RECEIVED


def test_steps_out_of_order_are_conflicts(nanjing_department, nanjing_supervisor):
    complaint, _code = make_complaint(nanjing_department)
    with pytest.raises(WorkflowConflict):
        services.complaint_close(
            complaint=complaint, actor=nanjing_supervisor, outcome="no_finding", reason="x"
        )
    services.complaint_reject(complaint=complaint, actor=nanjing_supervisor, reason="重复。")
    with pytest.raises(WorkflowConflict):
        services.complaint_accept(complaint=complaint, actor=nanjing_supervisor)


def test_only_the_handling_office_takes_the_steps(
    nanjing_department, nanjing_supervisor, province_supervisor, suzhou_supervisor, auditor
):
    complaint, _code = make_complaint(nanjing_department)
    # The province sees it (it is in its region) but does not handle it.
    with pytest.raises(PermissionDenied):
        services.complaint_accept(complaint=complaint, actor=province_supervisor)
    with pytest.raises(OutOfScope):
        services.complaint_accept(complaint=complaint, actor=suzhou_supervisor)
    with pytest.raises(PermissionDenied):
        services.complaint_accept(complaint=complaint, actor=auditor)
    assert Complaint.objects.get().status == ComplaintStatus.RECEIVED


def test_only_the_offices_supervisors_may_be_assigned(
    nanjing_department, nanjing_supervisor, province_supervisor
):
    complaint, _code = make_complaint(nanjing_department, "accepted", actor=nanjing_supervisor)
    with pytest.raises(ValidationError):
        services.complaint_assign(
            complaint=complaint, actor=nanjing_supervisor, assignee=province_supervisor
        )
    assert Complaint.objects.get().status == ComplaintStatus.ACCEPTED


# --- The workspace pages -----------------------------------------------------------------------


def test_the_office_handles_a_complaint_on_its_page(login, nanjing_department, nanjing_supervisor):
    complaint, _code = make_complaint(nanjing_department)
    client = login(nanjing_supervisor)
    url = f"/workspace/complaints/{complaint.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "受理" in page.content.decode()
    response = client.post(f"{url}accept/", {"reason": "材料齐全。"})
    assert response.status_code == 302
    client.post(f"{url}assign/", {"assignee": nanjing_supervisor.pk})
    # Closing without reasons: the form says so, nothing changes.
    refused = client.post(f"{url}close/", {"outcome": "no_finding", "reason": ""})
    assert refused.status_code == 400
    assert Complaint.objects.get().status == ComplaintStatus.INVESTIGATING
    client.post(f"{url}close/", {"outcome": "no_finding", "reason": "已付清。"})
    assert Complaint.objects.get().status == ComplaintStatus.CLOSED


def test_a_liaison_does_not_see_complaints_about_their_department(
    login, nanjing_department, nanjing_liaison, nanjing_supervisor
):
    complaint, _code = make_complaint(nanjing_department)
    client = login(nanjing_liaison)
    assert client.get("/workspace/complaints/").status_code == 403
    assert client.get(f"/workspace/complaints/{complaint.pk}/").status_code == 403
    assert client.get("/api/v1/complaints/").status_code == 403


def test_another_office_gets_a_404(
    login, nanjing_department, nanjing_supervisor, suzhou_supervisor
):
    complaint, _code = make_complaint(nanjing_department)
    client = login(suzhou_supervisor)
    assert client.get(f"/workspace/complaints/{complaint.pk}/").status_code == 404
    assert client.post(f"/workspace/complaints/{complaint.pk}/accept/").status_code == 404
    assert client.get(f"/api/v1/complaints/{complaint.pk}/").status_code == 404


def test_the_api_takes_the_steps(
    login, nanjing_department, nanjing_supervisor, province_supervisor
):
    complaint, _code = make_complaint(nanjing_department)
    api = login(nanjing_supervisor)
    url = f"/api/v1/complaints/{complaint.pk}/"
    assert api.get(url).json()["available_actions"] == ["accept", "reject"]
    answer = api.post(f"{url}accept/", {}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "accepted"
    assert api.post(f"{url}accept/", {}, content_type="application/json").status_code == 409
    answer = api.post(
        f"{url}assign/", {"assignee": nanjing_supervisor.username}, content_type="application/json"
    )
    assert answer.json()["assigned_to"] == nanjing_supervisor.username
    bad = api.post(f"{url}close/", {"outcome": "nonsense"}, content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()) == {"outcome", "reason"}
    # The province may read it, not handle it.
    province = login(province_supervisor)
    assert province.get(url).json()["available_actions"] == []
    refused = province.post(
        f"{url}close/", {"outcome": "no_finding", "reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403
    done = api.post(
        f"{url}close/",
        {"outcome": "no_finding", "reason": "已付清。"},
        content_type="application/json",
    )
    assert done.json()["status"] == "closed"


def test_the_openapi_schema_describes_the_complaints(login, administrator):
    schema = login(administrator).get("/api/schema/?format=json").json()
    assert "/api/v1/complaints/" in schema["paths"]
    assert "/api/v1/complaints/{id}/close/" in schema["paths"]
    complaint = schema["components"]["schemas"]["Complaint"]["properties"]
    assert complaint["complainant"].get("nullable") or "oneOf" in complaint["complainant"]
    assert "masked" in schema["components"]["schemas"]["Complainant"]["properties"]
