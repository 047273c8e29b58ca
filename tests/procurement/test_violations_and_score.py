"""Flag → violation → dishonesty record, dismissal, and the purchaser's credit score."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from credit_records import services as credit_services
from credit_records.models import DishonestyRecord, RecordCategory, RecordSource, RecordStatus
from procurement import services
from procurement.models import FlagRule, FlagStatus, RedFlag, Violation, ViolationKind
from procurement.selectors import purchaser_score

from ..builders.procurement import make_contract, make_paid_project, make_project
from ..builders.records import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_payment_flag(purchaser):
    payment = make_paid_project(purchaser, paid_days_after_acceptance=45)
    return RedFlag.objects.get(rule=FlagRule.SME_PAYMENT_LATE, payment=payment)


def confirm(flag, actor, **kwargs):
    return services.flag_confirm(
        actor=actor,
        flag=flag,
        severity=kwargs.pop("severity", "general"),
        decision_number=kwargs.pop("decision_number", "宁财采监〔2026〕1号"),
        issuing_authority="南京市财政局",
        **kwargs,
    )


def test_confirming_a_late_payment_flag_creates_an_sme_arrears_record_linked_both_ways(
    late_payment_flag, nanjing_supervisor
):
    violation = confirm(late_payment_flag, nanjing_supervisor)
    late_payment_flag.refresh_from_db()
    assert late_payment_flag.status == FlagStatus.CONFIRMED
    assert violation.flag == late_payment_flag
    assert violation.kind == ViolationKind.SME_ARREARS
    record = violation.record
    assert record.category == RecordCategory.SME_ARREARS
    assert record.source == RecordSource.PROCUREMENT
    assert record.status == RecordStatus.DRAFT
    assert record.department == late_payment_flag.purchaser
    assert record.decision_number == "宁财采监〔2026〕1号"
    assert "2026-05-11" in record.facts  # the flag's evidence: paid 15 days late
    assert record.procurement_violation == violation  # and back


def test_other_flags_become_procurement_violation_records(purchaser, nanjing_supervisor):
    project = make_project(purchaser)
    make_contract(project, signed_after=31)
    flag = RedFlag.objects.get(project=project, rule=FlagRule.LATE_SIGNING)
    violation = confirm(flag, nanjing_supervisor)
    assert violation.kind == ViolationKind.NOT_SIGNING
    assert violation.record.category == RecordCategory.PROCUREMENT_VIOLATION


def test_a_flag_is_confirmed_or_dismissed_only_once(late_payment_flag, nanjing_supervisor):
    confirm(late_payment_flag, nanjing_supervisor)
    with pytest.raises(services.WorkflowConflict):
        confirm(late_payment_flag, nanjing_supervisor, decision_number="另一个")
    with pytest.raises(services.WorkflowConflict):
        services.flag_dismiss(actor=nanjing_supervisor, flag=late_payment_flag, reason="重复")


def test_a_dismissal_needs_reasons(late_payment_flag, nanjing_supervisor):
    with pytest.raises(ValidationError):
        services.flag_dismiss(actor=nanjing_supervisor, flag=late_payment_flag, reason="  ")
    flag = services.flag_dismiss(
        actor=nanjing_supervisor, flag=late_payment_flag, reason="供应商发票迟开，已核实"
    )
    assert flag.status == FlagStatus.DISMISSED
    assert flag.decided_by == nanjing_supervisor
    assert flag.history.first().history_user == nanjing_supervisor


def test_out_of_scope_supervisors_liaisons_and_auditors_cannot_decide_flags(
    late_payment_flag, suzhou_supervisor, nanjing_liaison, auditor
):
    with pytest.raises(services.OutOfScope):
        services.flag_dismiss(actor=suzhou_supervisor, flag=late_payment_flag, reason="x")
    for actor in (nanjing_liaison, auditor):
        with pytest.raises(PermissionDenied):
            confirm(late_payment_flag, actor)
    late_payment_flag.refresh_from_db()
    assert late_payment_flag.status == FlagStatus.OPEN


def test_a_failed_record_leaves_no_violation_behind(
    late_payment_flag, nanjing_supervisor, purchaser
):
    # The purchaser already has a dishonesty record under this decision number (entered in
    # the credit records, not as a procurement violation): the violation itself passes its
    # checks and is saved, then the record service refuses the duplicate.
    existing = make_record(purchaser, state="draft", decision_number="宁财采监〔2026〕1号")

    with pytest.raises(ValidationError) as refused:
        confirm(late_payment_flag, nanjing_supervisor, decision_number="宁财采监〔2026〕1号")

    # The record's own refusal (its unique decision number per department), not the
    # violation's.
    assert refused.value.messages == ["该部门已有相同决定文书号的记录。"]
    assert not Violation.objects.exists()
    assert not Violation.history.exists()  # saved, then rolled back with the record
    assert list(DishonestyRecord.objects.values_list("pk", flat=True)) == [existing.pk]
    late_payment_flag.refresh_from_db()
    assert late_payment_flag.status == FlagStatus.OPEN
    assert late_payment_flag.reason == ""


def test_a_violation_entered_by_hand_may_skip_the_record(purchaser, nanjing_supervisor):
    violation = services.violation_create(
        actor=nanjing_supervisor,
        purchaser=purchaser,
        kind=ViolationKind.DISCRIMINATE,
        severity="serious",
        decision_number="宁财采监〔2026〕9号",
        issuing_authority="南京市财政局",
        decided_on=datetime.date(2026, 11, 1),
        facts="以不合理条件对供应商实行差别待遇。",
        create_record=False,
    )
    assert violation.record is None


# --- the score ---------------------------------------------------------------------------------


def violation(purchaser, severity, decided_on, number):
    return services.violation_create(
        actor=None,
        purchaser=purchaser,
        kind=ViolationKind.OTHER,
        severity=severity,
        decision_number=number,
        issuing_authority="南京市财政局",
        decided_on=decided_on,
        facts="事实",
        create_record=False,
    )


def test_a_purchaser_without_violations_has_100_points_and_5_stars(purchaser):
    score = purchaser_score(purchaser)
    assert (score.score, score.stars) == (100, 5)
    assert len(score.reasons) == 2


def test_serious_violations_cost_50_and_general_ones_5_for_two_years(purchaser):
    violation(purchaser, "serious", datetime.date(2020, 1, 1), "A1")
    violation(purchaser, "general", datetime.date(2026, 1, 1), "A2")
    violation(purchaser, "general", datetime.date(2024, 11, 21), "A3")  # counts until 2026-11-21
    violation(purchaser, "general", datetime.date(2024, 11, 20), "A4")  # ended today
    score = purchaser_score(purchaser)
    assert score.score == 100 - 50 - 5 - 5
    assert score.stars == 1  # 40 < 60
    assert [v.decision_number for v in score.counted] == ["A1", "A3", "A2"]
    assert any("A3" in reason and "2026-11-21" in reason for reason in score.reasons)


def test_the_score_maps_to_stars_and_never_goes_below_zero(purchaser):
    for n in range(2):
        violation(purchaser, "general", datetime.date(2026, 6, 1), f"B{n}")
    assert (purchaser_score(purchaser).score, purchaser_score(purchaser).stars) == (90, 5)
    violation(purchaser, "general", datetime.date(2026, 6, 1), "B3")
    assert purchaser_score(purchaser).stars == 4
    for n in range(3):
        violation(purchaser, "serious", datetime.date(2026, 6, 1), f"C{n}")
    assert purchaser_score(purchaser).score == 0


@override_settings(
    CHENGXIN_PROCUREMENT_SCORE_GENERAL=10, CHENGXIN_PROCUREMENT_STAR_THRESHOLDS=[95, 85]
)
def test_the_scheme_is_configurable(purchaser):
    violation(purchaser, "general", datetime.date(2026, 6, 1), "D1")
    score = purchaser_score(purchaser)
    assert (score.score, score.stars) == (90, 4)


# --- what counts: the linked record's state, withdrawals -----------------------------------------


def with_record(purchaser, number, severity="general"):
    return services.violation_create(
        actor=None,
        purchaser=purchaser,
        kind=ViolationKind.OTHER,
        severity=severity,
        decision_number=number,
        issuing_authority="南京市财政局",
        decided_on=datetime.date(2026, 6, 1),
        facts="事实",
    )


def test_a_violation_counts_once_its_record_is_confirmed_and_not_after_an_exemption(
    purchaser, nanjing_supervisor
):
    entered = with_record(purchaser, "E1")
    assert entered.record.status == RecordStatus.DRAFT
    score = purchaser_score(purchaser)
    assert score.score == 100 and score.counted == []
    assert any("E1" in reason for reason in score.reasons)  # says why it does not count

    credit_services.record_confirm(record=entered.record, actor=nanjing_supervisor)
    assert purchaser_score(purchaser).score == 95

    claim = credit_services.fault_tolerance_claim_file(
        record=entered.record, actor=nanjing_supervisor, grounds="先行先试，程序合规"
    )
    credit_services.fault_tolerance_claim_review(
        claim=claim, actor=nanjing_supervisor, approve=True, reason="符合容错情形"
    )
    entered.record.refresh_from_db()
    assert entered.record.status == RecordStatus.EXEMPTED
    score = purchaser_score(purchaser)
    assert score.score == 100 and score.counted == []


def test_a_supervisor_withdraws_a_violation_entered_in_error(
    late_payment_flag, nanjing_supervisor, purchaser
):
    entered = confirm(late_payment_flag, nanjing_supervisor, severity="serious")
    record = entered.record
    credit_services.record_confirm(record=record, actor=nanjing_supervisor)
    assert purchaser_score(purchaser).score == 50

    with pytest.raises(ValidationError) as error:
        services.violation_withdraw(actor=nanjing_supervisor, violation=entered, reason=" ")
    assert "reason" in error.value.message_dict
    assert not Violation.objects.get(pk=entered.pk).is_withdrawn

    withdrawn = services.violation_withdraw(
        actor=nanjing_supervisor, violation=entered, reason="决定书已被撤销"
    )
    assert withdrawn.is_withdrawn and withdrawn.withdrawn_by == nanjing_supervisor
    last = withdrawn.history.first()
    assert last.history_user == nanjing_supervisor
    assert last.withdrawal_reason == "决定书已被撤销"
    assert last.history_change_reason
    score = purchaser_score(purchaser)
    assert score.score == 100 and score.counted == []
    # The flag it confirmed is dismissed with the reasons; the record is kept.
    late_payment_flag.refresh_from_db()
    assert late_payment_flag.status == FlagStatus.DISMISSED
    assert "决定书已被撤销" in late_payment_flag.reason
    record.refresh_from_db()
    assert record.status == RecordStatus.CONFIRMED

    with pytest.raises(services.WorkflowConflict):
        services.violation_withdraw(actor=nanjing_supervisor, violation=entered, reason="再次")


def test_only_supervisors_in_scope_withdraw_violations(
    purchaser, suzhou_supervisor, nanjing_liaison
):
    entered = violation(purchaser, "general", datetime.date(2026, 6, 1), "W1")
    with pytest.raises(services.OutOfScope):
        services.violation_withdraw(actor=suzhou_supervisor, violation=entered, reason="x")
    with pytest.raises(PermissionDenied):
        services.violation_withdraw(actor=nanjing_liaison, violation=entered, reason="x")
    assert purchaser_score(purchaser).score == 95


def test_the_workspace_form_and_the_api_withdraw_a_violation(
    login, purchaser, nanjing_supervisor, auditor
):
    first = violation(purchaser, "general", datetime.date(2026, 6, 1), "F1")
    second = violation(purchaser, "general", datetime.date(2026, 6, 1), "F2")
    client = login(nanjing_supervisor)
    page = client.get(f"/workspace/procurement/violations/{first.pk}/").content.decode()
    assert f"/workspace/procurement/violations/{first.pk}/withdraw/" in page

    url = f"/workspace/procurement/violations/{first.pk}/withdraw/"
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 200 and "reason" in empty.context["form"].errors
    assert client.post(url, {"reason": "录入错误"}).status_code == 302
    page = client.get(f"/workspace/procurement/violations/{first.pk}/").content.decode()
    assert "录入错误" in page and url not in page

    api = f"/api/v1/procurement/violations/{second.pk}/withdraw/"
    assert client.post(api, {}, content_type="application/json").status_code == 400
    response = client.post(api, {"reason": "重复录入"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["withdrawal_reason"] == "重复录入"
    again = client.post(api, {"reason": "x"}, content_type="application/json")
    assert again.status_code == 409
    assert purchaser_score(purchaser).score == 100

    assert login(auditor).post(url, {"reason": "x"}).status_code == 403
