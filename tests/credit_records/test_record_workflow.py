"""The dishonesty-record workflow, driven through the services: who may take which step in
which state, what each step records, and that a refused step changes nothing."""

import datetime
from dataclasses import dataclass

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.exceptions import OutOfScope, WorkflowConflict
from credit_records import selectors, services
from credit_records.models import (
    AccountabilityEntry,
    Commitment,
    CommitmentStatus,
    CreditRepairApplication,
    DeadlineExtension,
    DishonestyRecord,
    FaultToleranceClaim,
    RecordCategory,
    RecordEvent,
    Rectification,
    RectificationReport,
    ReportDecision,
    ReviewStatus,
)

from ..builders.core import DepartmentFactory, UserFactory
from ..builders.records import OfficialFactory, make_record

STATES = [
    "draft",
    "confirmed",
    "rectification_required",
    "in_progress",
    "report_submitted",
    "verified",
    "closed",
    "exempted",
]

# Who tries, what kind of user they are, and whether the record (in a Nanjing city
# department) lies inside their scope.
ROLES = {
    "nanjing_supervisor": ("supervisor", True),
    "nanjing_liaison": ("liaison", True),
    "other_liaison": ("liaison", False),  # liaison of another Nanjing department
    "auditor": ("auditor", True),  # provincial auditor: sees everything, writes nothing
    "suzhou_supervisor": ("supervisor", False),
}


@pytest.fixture
def other_liaison(regions):
    other = DepartmentFactory(name="南京市交通运输局", region=regions["320100"])
    return UserFactory(username="other-liaison", role="Department liaison", department=other)


def today():
    return timezone.localdate()


@dataclass(frozen=True)
class Action:
    """One workflow step: who may take it, from which states, and where it leads (None: the
    record's status stays as it was)."""

    run: object
    kinds: frozenset
    states: frozenset
    event: str
    target: str | None = None
    reason: str = ""


SUPERVISOR = frozenset({"supervisor"})
LIAISON = frozenset({"liaison"})
SUPERVISOR_OR_LIAISON = frozenset({"supervisor", "liaison"})
RECTIFYING = frozenset({"rectification_required", "in_progress", "report_submitted"})


def _extend(record, actor):
    rectification = Rectification.objects.filter(record=record).first()
    current = rectification.deadline if rectification else today()
    return services.rectification_extend(
        record=record,
        actor=actor,
        new_deadline=current + datetime.timedelta(days=15),
        reason="疫情影响，材料无法按期取得",
    )


ACTIONS = {
    "confirm": Action(
        lambda r, u: services.record_confirm(record=r, actor=u, reason="经核实无误"),
        SUPERVISOR,
        frozenset({"draft"}),
        "confirm",
        "confirmed",
        "经核实无误",
    ),
    "require_rectification": Action(
        lambda r, u: services.record_require_rectification(
            record=r,
            actor=u,
            deadline=today() + datetime.timedelta(days=20),
            requirements="补缴欠款",
            reason="限期整改",
        ),
        SUPERVISOR,
        frozenset({"confirmed"}),
        "require_rectification",
        "rectification_required",
        "限期整改",
    ),
    "submit_explanation": Action(
        lambda r, u: services.record_submit_explanation(
            record=r, actor=u, explanation="审批环节过多导致逾期。"
        ),
        LIAISON,
        frozenset({"rectification_required"}),
        "submit_explanation",
        "in_progress",
    ),
    "submit_report": Action(
        lambda r, u: services.record_submit_report(record=r, actor=u, content="已全部付清。"),
        LIAISON,
        frozenset({"in_progress"}),
        "submit_report",
        "report_submitted",
    ),
    "verify": Action(
        lambda r, u: services.record_verify(record=r, actor=u, reason="凭证齐全"),
        SUPERVISOR,
        frozenset({"report_submitted"}),
        "verify",
        "verified",
        "凭证齐全",
    ),
    "return": Action(
        lambda r, u: services.record_return(record=r, actor=u, reason="缺少付款凭证"),
        SUPERVISOR,
        frozenset({"report_submitted"}),
        "return_report",
        "in_progress",
        "缺少付款凭证",
    ),
    "close": Action(
        lambda r, u: services.record_close(record=r, actor=u, reason="无需整改"),
        SUPERVISOR,
        frozenset({"confirmed", "verified"}),
        "close",
        "closed",
        "无需整改",
    ),
    "extend_deadline": Action(
        _extend, SUPERVISOR, RECTIFYING, "extend_deadline", reason="疫情影响，材料无法按期取得"
    ),
    "claim_fault_tolerance": Action(
        lambda r, u: services.fault_tolerance_claim_file(
            record=r, actor=u, grounds="改革探索中的无心之失"
        ),
        SUPERVISOR_OR_LIAISON,
        frozenset({"confirmed", "rectification_required"}),
        "claim_filed",
        reason="改革探索中的无心之失",
    ),
    "apply_credit_repair": Action(
        lambda r, u: services.credit_repair_apply(
            record=r, actor=u, commitment_text="本单位承诺依法履约", statement="已纠正"
        ),
        SUPERVISOR_OR_LIAISON,
        frozenset({"verified", "closed"}),
        "repair_applied",
        reason="已纠正",
    ),
}


def expected_outcome(action: Action, state: str, role: str):
    """The rule, stated once: a kind of user who may never take the step is refused for
    their role; one who may is refused outside their scope; inside it, only the step's
    states allow it."""
    kind, in_scope = ROLES[role]
    if kind not in action.kinds:
        return PermissionDenied
    if not in_scope:
        return OutOfScope
    if state not in action.states:
        return WorkflowConflict
    return None


def snapshot(record) -> dict:
    """Everything a workflow step could touch, as stored."""
    stored = DishonestyRecord.objects.get(pk=record.pk)
    related = {"record": record}
    return {
        "record": (
            stored.status,
            stored.closed_on,
            stored.disclosure_ended_early_on,
            stored.updated_at,
        ),
        "history": list(stored.history.values_list("history_id", flat=True)),
        "events": list(RecordEvent.objects.filter(**related).values()),
        "rectification": list(Rectification.objects.filter(**related).values()),
        "reports": list(RectificationReport.objects.filter(rectification__record=record).values()),
        "extensions": list(DeadlineExtension.objects.filter(rectification__record=record).values()),
        "claims": list(FaultToleranceClaim.objects.filter(**related).values()),
        "repairs": list(CreditRepairApplication.objects.filter(**related).values()),
        "accountability": list(AccountabilityEntry.objects.filter(**related).values()),
    }


@pytest.fixture
def record_in(nanjing_department, nanjing_supervisor, nanjing_liaison):
    """``record_in(state)``: a general record decided four months ago (so past its minimum
    disclosure period, still disclosed), brought to ``state`` by Nanjing's own staff."""

    def _make(state):
        return make_record(
            nanjing_department,
            actor=nanjing_supervisor,
            liaison=nanjing_liaison,
            state=state,
            decision_date=today() - relativedelta(months=4),
        )

    return _make


class _Undo(Exception):
    """Raised to roll a successful attempt back, so the next one starts from the same state."""


def attempt(action: Action, state: str, record, user, role: str, before: dict) -> str | None:
    """Try ``action`` as ``user`` inside a savepoint that is always rolled back (so every
    attempt starts from ``before``); returns what went wrong, or None if the outcome was the
    one the rule expects."""
    try:
        with transaction.atomic():
            raise _Undo(outcome_problem(action, state, record, user, role, before))
    except _Undo as undo:
        return undo.args[0]


def outcome_problem(action: Action, state: str, record, user, role: str, before: dict):
    expected = expected_outcome(action, state, role)
    try:
        action.run(record, user)
    except Exception as error:
        if expected is None or not isinstance(error, expected):
            return f"expected {expected and expected.__name__}, got {error!r}"
        if snapshot(record) != before:
            return "refused, but something changed"
        return None
    if expected is not None:
        return f"expected {expected.__name__}, but it succeeded"
    return check_success(action, state, record, user, before)


def check_success(action: Action, state: str, record, user, before) -> str | None:
    stored = DishonestyRecord.objects.get(pk=record.pk)
    if stored.status != (action.target or state):
        return f"status is {stored.status}"
    events = list(
        RecordEvent.objects.filter(record=record).exclude(
            pk__in=[event["id"] for event in before["events"]]
        )
    )
    if [(e.action, e.actor) for e in events] != [(action.event, user)]:
        return f"timeline got {[(e.action, e.actor) for e in events]}"
    [event] = events
    if action.reason not in event.reason:
        return f"the reason was not recorded: {event.reason!r}"
    moved = (state, action.target) if action.target else ("", "")
    if (event.from_status, event.to_status) != moved:
        return f"event moved {event.from_status} → {event.to_status}"
    history = list(stored.history.exclude(history_id__in=before["history"]))
    if action.target and [(h.status, h.history_user) for h in history] != [(action.target, user)]:
        return f"history got {[(h.status, h.history_user) for h in history]}"
    if not action.target and history:
        return "the record was saved although its status stays"
    return None


@pytest.mark.parametrize("state", STATES)
def test_each_step_is_taken_only_by_the_right_role_in_the_right_state(request, record_in, state):
    """The matrix for one state: every action tried by every kind of user. Allowed ones move
    the record and are recorded; refused ones raise the refusal the rule says and change
    nothing."""
    record = record_in(state)
    users = {role: request.getfixturevalue(role) for role in ROLES}
    before = snapshot(record)

    problems = {
        f"{name} by {role}": problem
        for name, action in ACTIONS.items()
        for role, user in users.items()
        if (problem := attempt(action, state, record, user, role, before)) is not None
    }

    assert problems == {}
    assert snapshot(record) == before  # every attempt was rolled back


def test_the_actions_offered_to_each_user_are_exactly_those_that_would_succeed(request, record_in):
    slugs = {
        "confirm": "confirm",
        "require_rectification": "require-rectification",
        "submit_explanation": "submit-explanation",
        "submit_report": "submit-report",
        "verify": "verify",
        "return": "return",
        "close": "close",
        "extend_deadline": "extend-deadline",
        "claim_fault_tolerance": "claim-fault-tolerance",
        "apply_credit_repair": "apply-credit-repair",
    }
    users = {role: request.getfixturevalue(role) for role in ROLES}
    for state in STATES:
        record = record_in(state)
        for role, user in users.items():
            expected = {
                slugs[name]
                for name, action in ACTIONS.items()
                if expected_outcome(action, state, role) is None
            }
            # An objection is offered in the workspace to the department's own liaison, on
            # a record in the credit file (COUNTING_STATUSES) with none pending; a supervisor
            # files one on the department's behalf through the API only
            # (tests/credit_records/test_objections.py covers who may file).
            if role == "nanjing_liaison" and state in {
                "confirmed",
                "rectification_required",
                "in_progress",
                "report_submitted",
                "verified",
                "closed",
            }:
                expected.add("object")
            offered = set(selectors.available_actions(record, user))
            assert offered == expected, (state, role)


# --- Deciding claims and repair applications ---------------------------------------------------


@pytest.fixture
def pending_claim(record_in, nanjing_liaison):
    record = record_in("rectification_required")
    return services.fault_tolerance_claim_file(
        record=record, actor=nanjing_liaison, grounds="按上级要求先行先试"
    )


@pytest.fixture
def pending_repair(record_in, nanjing_liaison):
    record = record_in("verified")
    return services.credit_repair_apply(
        record=record, actor=nanjing_liaison, commitment_text="本单位承诺依法履约"
    )


REVIEWERS = {
    "nanjing_supervisor": None,
    "nanjing_liaison": PermissionDenied,
    "other_liaison": PermissionDenied,
    "auditor": PermissionDenied,
    "suzhou_supervisor": OutOfScope,
}


@pytest.mark.parametrize(("role", "refusal"), list(REVIEWERS.items()))
def test_only_a_supervisor_in_scope_reviews_a_fault_tolerance_claim(
    request, pending_claim, role, refusal
):
    user = request.getfixturevalue(role)
    record = pending_claim.record
    before = snapshot(record)

    if refusal is not None:
        with pytest.raises(refusal):
            services.fault_tolerance_claim_review(
                claim=pending_claim, actor=user, approve=True, reason="符合容错情形"
            )
        assert snapshot(record) == before
        return

    services.fault_tolerance_claim_review(
        claim=pending_claim, actor=user, approve=True, reason="符合容错情形"
    )
    pending_claim.refresh_from_db()
    assert (pending_claim.status, pending_claim.decided_by) == (ReviewStatus.APPROVED, user)
    assert DishonestyRecord.objects.get(pk=record.pk).status == "exempted"


@pytest.mark.parametrize(("role", "refusal"), list(REVIEWERS.items()))
def test_only_a_supervisor_in_scope_decides_a_credit_repair(request, pending_repair, role, refusal):
    user = request.getfixturevalue(role)
    record = pending_repair.record
    before = snapshot(record)

    if refusal is not None:
        with pytest.raises(refusal):
            services.credit_repair_decide(
                application=pending_repair, actor=user, approve=True, reason="已纠正"
            )
        assert snapshot(record) == before
        return

    services.credit_repair_decide(
        application=pending_repair, actor=user, approve=True, reason="已纠正"
    )
    pending_repair.refresh_from_db()
    assert (pending_repair.status, pending_repair.decided_by) == (ReviewStatus.APPROVED, user)


def test_a_claim_already_decided_cannot_be_decided_again(pending_claim, nanjing_supervisor):
    services.fault_tolerance_claim_review(
        claim=pending_claim, actor=nanjing_supervisor, approve=False, reason="不符合容错情形"
    )
    before = snapshot(pending_claim.record)

    with pytest.raises(WorkflowConflict):
        services.fault_tolerance_claim_review(
            claim=pending_claim, actor=nanjing_supervisor, approve=True, reason="改判"
        )

    assert snapshot(pending_claim.record) == before


def test_a_repair_application_already_decided_cannot_be_decided_again(
    pending_repair, nanjing_supervisor
):
    services.credit_repair_decide(
        application=pending_repair, actor=nanjing_supervisor, approve=False, reason="未履行义务"
    )
    before = snapshot(pending_repair.record)

    with pytest.raises(WorkflowConflict):
        services.credit_repair_decide(
            application=pending_repair, actor=nanjing_supervisor, approve=True, reason="改判"
        )

    assert snapshot(pending_repair.record) == before


# --- What each step records ---------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_returning_a_report_needs_a_reason(record_in, nanjing_supervisor, reason):
    record = record_in("report_submitted")
    before = snapshot(record)

    with pytest.raises(ValidationError) as caught:
        services.record_return(record=record, actor=nanjing_supervisor, reason=reason)

    assert "reason" in caught.value.message_dict
    assert snapshot(record) == before


@pytest.mark.parametrize(("state", "step"), [("report_submitted", "verify"), ("verified", "close")])
@pytest.mark.parametrize("reason", ["", "   "])
def test_verifying_and_closing_need_a_reason(record_in, nanjing_supervisor, state, step, reason):
    record = record_in(state)
    before = snapshot(record)
    service = {"verify": services.record_verify, "close": services.record_close}[step]

    with pytest.raises(ValidationError) as caught:
        service(record=record, actor=nanjing_supervisor, reason=reason)

    assert "reason" in caught.value.message_dict
    assert snapshot(record) == before


def test_the_explanation_and_the_report_are_quoted_as_the_why_of_their_steps(
    record_in, nanjing_liaison
):
    record = record_in("rectification_required")
    long_report = "已全额支付欠款。" * 40  # 320 characters

    services.record_submit_explanation(
        record=record, actor=nanjing_liaison, explanation="审批环节过多导致逾期付款。"
    )
    services.record_submit_report(record=record, actor=nanjing_liaison, content=long_report)

    explained, reported = list(RecordEvent.objects.filter(record=record).order_by("pk"))[-2:]
    assert (explained.action, explained.reason) == (
        "submit_explanation",
        "审批环节过多导致逾期付款。",
    )
    assert reported.action == "submit_report"
    assert reported.reason == long_report[:199] + "…"
    # The texts themselves are kept whole.
    rectification = Rectification.objects.get(record=record)
    assert rectification.reports.get().content == long_report


def test_a_returned_report_keeps_its_decision_and_the_department_reports_again(
    record_in, nanjing_supervisor, nanjing_liaison
):
    record = record_in("report_submitted")
    [first] = RectificationReport.objects.filter(rectification__record=record)

    services.record_return(record=record, actor=nanjing_supervisor, reason="缺少付款凭证")

    first.refresh_from_db()
    assert first.decision == ReportDecision.RETURNED
    assert (first.decision_reason, first.decided_by) == ("缺少付款凭证", nanjing_supervisor)
    assert first.decided_at is not None
    assert DishonestyRecord.objects.get(pk=record.pk).status == "in_progress"

    second = services.record_submit_report(
        record=record, actor=nanjing_liaison, content="补充了银行回单。"
    )
    services.record_verify(record=record, actor=nanjing_supervisor, reason="凭证齐全")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.decision == ReportDecision.RETURNED  # the earlier decision is not rewritten
    assert (second.decision, second.decision_reason, second.decided_by) == (
        ReportDecision.ACCEPTED,
        "凭证齐全",
        nanjing_supervisor,
    )
    rectification = Rectification.objects.get(record=record)
    assert rectification.verified_by == nanjing_supervisor
    assert rectification.verification_reason == "凭证齐全"


def test_a_verified_record_is_closed_on_the_day_it_is_closed(record_in, nanjing_supervisor):
    record = record_in("verified")

    services.record_close(record=record, actor=nanjing_supervisor, reason="整改完成")

    stored = DishonestyRecord.objects.get(pk=record.pk)
    assert (stored.status, stored.closed_on) == ("closed", today())
    assert list(RecordEvent.objects.filter(record=record).values_list("action", flat=True))[
        -2:
    ] == ["verify", "close"]


@pytest.mark.parametrize("reason", ["", "  "])
def test_a_confirmed_record_is_closed_without_rectification_only_with_a_reason(
    record_in, nanjing_supervisor, reason
):
    record = record_in("confirmed")
    before = snapshot(record)

    with pytest.raises(ValidationError) as caught:
        services.record_close(record=record, actor=nanjing_supervisor, reason=reason)

    assert "reason" in caught.value.message_dict
    assert snapshot(record) == before

    services.record_close(record=record, actor=nanjing_supervisor, reason="情节轻微，已当场纠正")
    stored = DishonestyRecord.objects.get(pk=record.pk)
    assert stored.status == "closed"
    assert RecordEvent.objects.filter(record=record).last().reason == "情节轻微，已当场纠正"


@pytest.mark.parametrize(
    ("days_later", "reason", "field_name"),
    [(0, "材料未齐", "new_deadline"), (-1, "材料未齐", "new_deadline"), (10, "", "reason")],
)
def test_an_extension_needs_a_later_deadline_and_a_reason(
    record_in, nanjing_supervisor, days_later, reason, field_name
):
    record = record_in("in_progress")
    deadline = Rectification.objects.get(record=record).deadline
    before = snapshot(record)

    with pytest.raises(ValidationError) as caught:
        services.rectification_extend(
            record=record,
            actor=nanjing_supervisor,
            new_deadline=deadline + datetime.timedelta(days=days_later),
            reason=reason,
        )

    assert field_name in caught.value.message_dict
    assert snapshot(record) == before


def test_an_extension_moves_the_deadline_and_is_recorded(record_in, nanjing_supervisor):
    record = record_in("in_progress")
    old = Rectification.objects.get(record=record).deadline
    new = old + datetime.timedelta(days=15)

    services.rectification_extend(
        record=record, actor=nanjing_supervisor, new_deadline=new, reason="汛期施工受阻"
    )

    rectification = Rectification.objects.get(record=record)
    assert rectification.deadline == new
    [extension] = rectification.extensions.all()
    assert (
        extension.previous_deadline,
        extension.new_deadline,
        extension.reason,
        extension.granted_by,
    ) == (old, new, "汛期施工受阻", nanjing_supervisor)
    event = RecordEvent.objects.filter(record=record).last()
    assert event.action == "extend_deadline"
    assert old.isoformat() in event.reason and new.isoformat() in event.reason
    assert rectification.history.first().history_user == nanjing_supervisor
    assert DishonestyRecord.objects.get(pk=record.pk).status == "in_progress"


def test_an_approved_claim_exempts_the_record_which_stays_for_audit_but_lifts_the_honours_ban(
    record_in, nanjing_department, nanjing_supervisor, nanjing_liaison
):
    record = record_in("rectification_required")
    assert selectors.honours_status(nanjing_department).eligible is False

    claim = services.fault_tolerance_claim_file(
        record=record, actor=nanjing_liaison, grounds="按上级要求先行先试"
    )
    services.fault_tolerance_claim_review(
        claim=claim, actor=nanjing_supervisor, approve=True, reason="符合容错情形"
    )

    stored = DishonestyRecord.objects.get(pk=record.pk)
    assert stored.status == "exempted"
    assert Rectification.objects.filter(record=record).exists()  # nothing is deleted
    event = RecordEvent.objects.filter(record=record).last()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "exempt",
        "rectification_required",
        "exempted",
        nanjing_supervisor,
    )
    assert selectors.honours_status(nanjing_department).eligible is True
    eligible = selectors.with_honours_eligibility(
        type(nanjing_department).objects.filter(pk=nanjing_department.pk)
    ).get()
    assert eligible.honours_eligible is True
    assert selectors.department_standing(nanjing_department).grade == "A"


def test_a_rejected_claim_leaves_the_record_where_it_was(
    record_in, nanjing_supervisor, nanjing_liaison
):
    record = record_in("confirmed")
    claim = services.fault_tolerance_claim_file(
        record=record, actor=nanjing_liaison, grounds="按上级要求先行先试"
    )

    services.fault_tolerance_claim_review(
        claim=claim, actor=nanjing_supervisor, approve=False, reason="不属于容错情形"
    )

    assert DishonestyRecord.objects.get(pk=record.pk).status == "confirmed"
    event = RecordEvent.objects.filter(record=record).last()
    assert (event.action, event.reason) == ("claim_rejected", "不属于容错情形")
    # A rejected claim does not block a new one.
    services.fault_tolerance_claim_file(
        record=record, actor=nanjing_liaison, grounds="补充了新的证据"
    )


def test_a_second_pending_claim_is_refused(record_in, nanjing_supervisor, nanjing_liaison):
    record = record_in("confirmed")
    services.fault_tolerance_claim_file(
        record=record, actor=nanjing_liaison, grounds="按上级要求先行先试"
    )
    before = snapshot(record)

    for actor in (nanjing_liaison, nanjing_supervisor):
        with pytest.raises(WorkflowConflict):
            services.fault_tolerance_claim_file(record=record, actor=actor, grounds="再次申请")

    assert snapshot(record) == before
    assert "claim-fault-tolerance" not in selectors.available_actions(record, nanjing_liaison)


def test_confirming_gives_each_responsible_official_an_accountability_entry(
    nanjing_department, nanjing_supervisor
):
    chief, deputy = (OfficialFactory(department=nanjing_department) for _ in range(2))
    bystander = OfficialFactory(department=nanjing_department)
    record = make_record(
        nanjing_department, actor=nanjing_supervisor, state="draft", officials=[chief, deputy]
    )
    assert not AccountabilityEntry.objects.exists()  # a draft holds nobody accountable

    services.record_confirm(record=record, actor=nanjing_supervisor, reason="主要负责人")

    entries = AccountabilityEntry.objects.filter(record=record)
    assert {entry.official for entry in entries} == {chief, deputy}
    assert not bystander.accountability_entries.exists()


def test_an_edit_cannot_make_an_official_of_another_department_responsible(
    nanjing_department, nanjing_supervisor, regions
):
    own = OfficialFactory(department=nanjing_department)
    stranger = OfficialFactory(department=DepartmentFactory(region=regions["320100"]))
    record = make_record(
        nanjing_department, actor=nanjing_supervisor, state="draft", officials=[own]
    )
    before = snapshot(record)

    with pytest.raises(ValidationError) as refused:
        services.record_update(
            record=record, actor=nanjing_supervisor, officials=[own, stranger], facts="补充事实"
        )

    assert "officials" in refused.value.error_dict
    assert snapshot(record) == before
    assert list(record.officials.all()) == [own]


@pytest.mark.parametrize("days_left", [0, 10])
def test_a_commitment_is_not_found_broken_before_its_promised_date(
    nanjing_department, nanjing_supervisor, days_left
):
    commitment = Commitment.objects.create(
        department=nanjing_department,
        content="三十日内清偿拖欠中小企业账款",
        promised_date=today() + datetime.timedelta(days=days_left),
    )

    with pytest.raises(WorkflowConflict) as refused:
        services.commitment_assess(commitment=commitment, actor=nanjing_supervisor, fulfilled=False)

    assert commitment.promised_date.isoformat() in refused.value.message
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.PENDING
    # Kept early is fine.
    services.commitment_assess(commitment=commitment, actor=nanjing_supervisor, fulfilled=True)
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.FULFILLED


def test_a_broken_commitment_becomes_a_linked_draft_record_in_one_call(
    nanjing_department, nanjing_supervisor
):
    commitment = Commitment.objects.create(
        department=nanjing_department,
        content="2026年6月30日前清偿全部中小企业账款",
        promised_date=today() - datetime.timedelta(days=40),
    )
    with pytest.raises(WorkflowConflict):  # not assessed yet: nothing was broken
        services.commitment_to_record(commitment=commitment, actor=nanjing_supervisor)
    services.commitment_assess(commitment=commitment, actor=nanjing_supervisor, fulfilled=False)

    record = services.commitment_to_record(
        commitment=commitment, actor=nanjing_supervisor, severity="general"
    )

    record.refresh_from_db()
    commitment.refresh_from_db()
    assert (record.status, record.category, record.department) == (
        "draft",
        RecordCategory.BROKEN_COMMITMENT,
        nanjing_department,
    )
    assert commitment.status == CommitmentStatus.BROKEN
    assert commitment.resulting_record == record
    assert record.broken_commitment == commitment
    assert commitment.content in record.facts
    assert record.events.get().action == "created"
    # One record per broken commitment.
    with pytest.raises(WorkflowConflict):
        services.commitment_to_record(commitment=commitment, actor=nanjing_supervisor)
    assert DishonestyRecord.objects.filter(department=nanjing_department).count() == 1


def test_the_facts_may_not_name_a_responsible_official_since_they_are_published_as_written(
    nanjing_department, nanjing_supervisor
):
    official = OfficialFactory(department=nanjing_department, name="张晓明")
    before = DishonestyRecord.objects.count()

    with pytest.raises(ValidationError) as refused:
        make_record(
            nanjing_department,
            actor=nanjing_supervisor,
            state="draft",
            officials=[official],
            facts="张晓明未按合同约定期限支付中小企业货款。",
        )

    assert "facts" in refused.value.error_dict
    assert "张晓明" in str(refused.value.error_dict["facts"])
    assert DishonestyRecord.objects.count() == before


def test_an_edit_of_the_facts_may_not_name_an_official_already_linked(
    nanjing_department, nanjing_supervisor
):
    official = OfficialFactory(department=nanjing_department, name="李建国")
    record = make_record(
        nanjing_department, actor=nanjing_supervisor, state="draft", officials=[official]
    )
    before = snapshot(record)

    with pytest.raises(ValidationError) as refused:
        services.record_update(
            record=record, actor=nanjing_supervisor, facts="经查，李建国负责的项目逾期付款。"
        )

    assert "facts" in refused.value.error_dict
    assert snapshot(record) == before
