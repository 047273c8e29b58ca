"""Flag → violation → dishonesty record, dismissal, and the purchaser's credit score."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from credit_records.models import RecordCategory, RecordSource, RecordStatus
from procurement import services
from procurement.models import FlagRule, FlagStatus, RedFlag, Violation, ViolationKind
from procurement.selectors import purchaser_score

from .helpers import make_contract, make_project, paid_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_payment_flag(purchaser):
    payment = paid_project(purchaser, paid_days_after_acceptance=45)
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


def test_a_failed_record_leaves_no_violation_behind(late_payment_flag, nanjing_supervisor):
    with pytest.raises(ValidationError):
        confirm(late_payment_flag, nanjing_supervisor, decided_on=datetime.date(2027, 1, 1))
    assert not Violation.objects.exists()
    late_payment_flag.refresh_from_db()
    assert late_payment_flag.status == FlagStatus.OPEN


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
