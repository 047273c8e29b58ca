"""Every workflow transition of the four apps, taken twice at the same moment (or together
with the step it excludes) by two officials on two database connections, on PostgreSQL.

Each test asserts what a user would notice: exactly one of them succeeds, the other is told
why not (``WorkflowConflict``, the API's 409, or a form error), and each side effect (timeline
events, history rows, notifications, accountability entries, created dishonesty records,
violations, warnings) happens exactly once. See ``tests/integration/race.py`` for how the
threads are made to meet at the row lock.
"""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import WorkflowConflict
from core.models import Notification
from credit_records import services
from credit_records.models import (
    AccountabilityEntry,
    Commitment,
    CommitmentStatus,
    CreditRepairApplication,
    DeadlineExtension,
    DishonestyRecord,
    FaultToleranceClaim,
    RecordEvent,
    RecordStatus,
    Rectification,
    RectificationReport,
    ReportDecision,
    ReviewStatus,
)

from ..builders.core import UserFactory
from ..builders.records import OfficialFactory, make_record
from .race import one_wins, race, split

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def row_locks(require_postgres):
    """Every race here needs a database that takes row locks: on SQLite a transaction locks
    the whole file from its start (``BEGIN IMMEDIATE``), so the threads could never meet at
    the row lock and the race would test nothing. Skipped on SQLite, required in CI."""


def today():
    return timezone.localdate()


@pytest.fixture
def colleague(require_postgres, regions):
    """A second supervisor of Nanjing's credit office."""
    return UserFactory(username="nanjing-2", role="Supervisor", region=regions["320100"])


@pytest.fixture
def second_liaison(nanjing_department):
    return UserFactory(
        username="liaison-2", role="Department liaison", department=nanjing_department
    )


@pytest.fixture
def record_in(nanjing_department, nanjing_supervisor, nanjing_liaison):
    """``record_in(state)``: decided four months ago (past its minimum disclosure period),
    brought to ``state`` by Nanjing's staff."""

    def _make(state, **fields):
        return make_record(
            nanjing_department,
            actor=nanjing_supervisor,
            liaison=nanjing_liaison,
            state=state,
            decision_date=today() - relativedelta(months=4),
            **fields,
        )

    return _make


def events(record, action):
    return RecordEvent.objects.filter(record=record, action=action)


# --------------------------------------------------------------------------------------------
# Dishonesty records: the same step twice
# --------------------------------------------------------------------------------------------


def test_two_supervisors_confirming_one_draft_confirm_it_once_with_one_accountability_entry(
    record_in, nanjing_department, nanjing_supervisor, colleague, monkeypatch
):
    officials = [OfficialFactory(department=nanjing_department) for _ in range(2)]
    record = record_in("draft", officials=officials)

    outcomes = race(
        monkeypatch,
        lambda: services.record_confirm(record=record, actor=nanjing_supervisor, reason="甲"),
        lambda: services.record_confirm(record=record, actor=colleague, reason="乙"),
    )

    one_wins(outcomes, WorkflowConflict)
    record.refresh_from_db()
    assert record.status == RecordStatus.CONFIRMED
    assert events(record, "confirm").count() == 1
    assert record.history.filter(status=RecordStatus.CONFIRMED).count() == 1
    assert AccountabilityEntry.objects.filter(record=record).count() == 2


def test_two_supervisors_requiring_rectification_at_once_create_one_rectification(
    record_in, nanjing_supervisor, colleague, nanjing_liaison, monkeypatch
):
    record = record_in("confirmed")
    Notification.objects.all().delete()
    deadline = today() + datetime.timedelta(days=30)

    outcomes = race(
        monkeypatch,
        *(
            lambda actor=actor: services.record_require_rectification(
                record=record, actor=actor, deadline=deadline, requirements="补缴"
            )
            for actor in (nanjing_supervisor, colleague)
        ),
    )

    one_wins(outcomes, WorkflowConflict)
    assert Rectification.objects.filter(record=record).count() == 1
    assert events(record, "require_rectification").count() == 1
    assert Notification.objects.about(record).filter(recipient=nanjing_liaison).count() == 1


def test_two_liaisons_explaining_at_once_explain_once(
    record_in, nanjing_liaison, second_liaison, monkeypatch
):
    record = record_in("rectification_required")

    outcomes = race(
        monkeypatch,
        lambda: services.record_submit_explanation(
            record=record, actor=nanjing_liaison, explanation="甲的说明"
        ),
        lambda: services.record_submit_explanation(
            record=record, actor=second_liaison, explanation="乙的说明"
        ),
    )

    winner, _ = one_wins(outcomes, WorkflowConflict)
    rectification = Rectification.objects.get(record=record)
    assert rectification.explanation == ("甲的说明", "乙的说明")[winner]
    assert rectification.explanation_submitted_by == (nanjing_liaison, second_liaison)[winner]
    assert events(record, "submit_explanation").count() == 1


@pytest.mark.parametrize(
    ("state", "step"),
    [
        ("report_submitted", "return"),
        ("verified", "close"),
        ("confirmed", "close"),
    ],
)
def test_two_supervisors_taking_the_same_step_at_once_take_it_once(
    record_in, nanjing_supervisor, colleague, monkeypatch, state, step
):
    record = record_in(state)
    service = {"return": services.record_return, "close": services.record_close}[step]
    action = {"return": "return_report", "close": "close"}[step]

    outcomes = race(
        monkeypatch,
        lambda: service(record=record, actor=nanjing_supervisor, reason="甲的理由"),
        lambda: service(record=record, actor=colleague, reason="乙的理由"),
    )

    one_wins(outcomes, WorkflowConflict)
    assert events(record, action).count() == 1
    if step == "return":
        [report] = RectificationReport.objects.filter(rectification__record=record)
        assert report.decision == ReportDecision.RETURNED


def test_two_extensions_to_the_same_day_at_once_extend_once(
    record_in, nanjing_supervisor, colleague, monkeypatch
):
    record = record_in("in_progress")
    old = Rectification.objects.get(record=record).deadline
    new = old + datetime.timedelta(days=20)

    outcomes = race(
        monkeypatch,
        lambda: services.rectification_extend(
            record=record, actor=nanjing_supervisor, new_deadline=new, reason="疫情"
        ),
        lambda: services.rectification_extend(
            record=record, actor=colleague, new_deadline=new, reason="汛期"
        ),
    )

    one_wins(outcomes, ValidationError)
    [extension] = DeadlineExtension.objects.filter(rectification__record=record)
    assert (extension.previous_deadline, extension.new_deadline) == (old, new)
    assert Rectification.objects.get(record=record).deadline == new
    assert events(record, "extend_deadline").count() == 1


def test_two_extensions_to_different_days_at_once_are_both_kept_in_order(
    record_in, nanjing_supervisor, colleague, monkeypatch
):
    """Not a conflict: the lock serialises them, so no extension is lost and each one's
    previous deadline is the one the other set."""
    record = record_in("in_progress")
    old = Rectification.objects.get(record=record).deadline
    near, far = old + datetime.timedelta(days=10), old + datetime.timedelta(days=20)

    outcomes = race(
        monkeypatch,
        lambda: services.rectification_extend(
            record=record, actor=nanjing_supervisor, new_deadline=near, reason="近"
        ),
        lambda: services.rectification_extend(
            record=record, actor=colleague, new_deadline=far, reason="远"
        ),
    )

    _, failures = split(outcomes)
    chain = list(
        DeadlineExtension.objects.filter(rectification__record=record)
        .order_by("pk")
        .values_list("previous_deadline", "new_deadline")
    )
    if failures:  # the far one went first: the near one is no longer later, and is refused
        assert [type(f) for f in failures] == [ValidationError]
        assert chain == [(old, far)]
    else:
        assert chain == [(old, near), (near, far)]
    assert Rectification.objects.get(record=record).deadline == far


# --------------------------------------------------------------------------------------------
# Dishonesty records: conflicting steps
# --------------------------------------------------------------------------------------------


def test_verifying_and_returning_one_report_at_once_decide_it_once(
    record_in, nanjing_supervisor, colleague, monkeypatch
):
    record = record_in("report_submitted")

    outcomes = race(
        monkeypatch,
        lambda: services.record_verify(record=record, actor=nanjing_supervisor, reason="到位"),
        lambda: services.record_return(record=record, actor=colleague, reason="证据不足"),
    )

    winner, _ = one_wins(outcomes, WorkflowConflict)
    record.refresh_from_db()
    [report] = RectificationReport.objects.filter(rectification__record=record)
    if winner == 0:
        assert (record.status, report.decision) == (RecordStatus.VERIFIED, ReportDecision.ACCEPTED)
        assert not events(record, "return_report").exists()
    else:
        assert (record.status, report.decision) == (
            RecordStatus.IN_PROGRESS,
            ReportDecision.RETURNED,
        )
        assert not events(record, "verify").exists()
        assert record.rectification.verified_at is None


def test_verifying_and_extending_at_once_never_extends_a_verified_rectification(
    record_in, nanjing_supervisor, colleague, monkeypatch
):
    record = record_in("report_submitted")
    new = Rectification.objects.get(record=record).deadline + datetime.timedelta(days=10)

    outcomes = race(
        monkeypatch,
        lambda: services.record_verify(record=record, actor=nanjing_supervisor, reason="到位"),
        lambda: services.rectification_extend(
            record=record, actor=colleague, new_deadline=new, reason="延期"
        ),
    )

    assert not isinstance(outcomes[0], Exception), outcomes
    extensions = DeadlineExtension.objects.filter(rectification__record=record)
    if isinstance(outcomes[1], Exception):  # verified first: nothing left to extend
        assert isinstance(outcomes[1], WorkflowConflict)
        assert not extensions.exists()
    else:  # extended first, then verified: both kept, in that order
        [extension] = extensions
        assert extension.granted_at <= Rectification.objects.get(record=record).verified_at
    assert DishonestyRecord.objects.get(pk=record.pk).status == RecordStatus.VERIFIED


def test_closing_and_requiring_rectification_at_once_do_one_of_them(
    record_in, nanjing_supervisor, colleague, monkeypatch
):
    record = record_in("confirmed")

    outcomes = race(
        monkeypatch,
        lambda: services.record_close(record=record, actor=nanjing_supervisor, reason="无需整改"),
        lambda: services.record_require_rectification(
            record=record, actor=colleague, deadline=today() + datetime.timedelta(days=30)
        ),
    )

    winner, _ = one_wins(outcomes, WorkflowConflict)
    record.refresh_from_db()
    if winner == 0:
        assert record.status == RecordStatus.CLOSED
        assert not Rectification.objects.filter(record=record).exists()
    else:
        assert record.status == RecordStatus.RECTIFICATION_REQUIRED
        assert record.closed_on is None


# --------------------------------------------------------------------------------------------
# Fault tolerance and credit repair
# --------------------------------------------------------------------------------------------


def test_two_liaisons_claiming_fault_tolerance_at_once_file_one_claim(
    record_in, nanjing_liaison, second_liaison, monkeypatch
):
    record = record_in("confirmed")

    outcomes = race(
        monkeypatch,
        *(
            lambda actor=actor: services.fault_tolerance_claim_file(
                record=record, actor=actor, grounds="先行先试"
            )
            for actor in (nanjing_liaison, second_liaison)
        ),
    )

    one_wins(outcomes, WorkflowConflict)
    assert FaultToleranceClaim.objects.filter(record=record).count() == 1
    assert events(record, "claim_filed").count() == 1


def test_approving_and_rejecting_one_claim_at_once_decide_it_once(
    record_in, nanjing_liaison, nanjing_supervisor, colleague, monkeypatch
):
    record = record_in("rectification_required")
    claim = services.fault_tolerance_claim_file(record=record, actor=nanjing_liaison, grounds="试")

    outcomes = race(
        monkeypatch,
        lambda: services.fault_tolerance_claim_review(
            claim=claim, actor=nanjing_supervisor, approve=True, reason="符合"
        ),
        lambda: services.fault_tolerance_claim_review(
            claim=claim, actor=colleague, approve=False, reason="不符合"
        ),
    )

    winner, _ = one_wins(outcomes, WorkflowConflict)
    claim.refresh_from_db()
    record.refresh_from_db()
    if winner == 0:
        assert (claim.status, record.status) == (ReviewStatus.APPROVED, RecordStatus.EXEMPTED)
        assert events(record, "exempt").count() == 1
        assert not events(record, "claim_rejected").exists()
    else:
        assert (claim.status, record.status) == (
            ReviewStatus.REJECTED,
            RecordStatus.RECTIFICATION_REQUIRED,
        )
        assert events(record, "claim_rejected").count() == 1
        assert not events(record, "exempt").exists()


def test_approving_a_claim_and_closing_the_record_at_once_do_one_of_them(
    record_in, nanjing_liaison, nanjing_supervisor, colleague, monkeypatch
):
    record = record_in("confirmed")
    claim = services.fault_tolerance_claim_file(record=record, actor=nanjing_liaison, grounds="试")

    outcomes = race(
        monkeypatch,
        lambda: services.fault_tolerance_claim_review(
            claim=claim, actor=nanjing_supervisor, approve=True, reason="符合"
        ),
        lambda: services.record_close(record=record, actor=colleague, reason="无需整改"),
    )

    winner, _ = one_wins(outcomes, WorkflowConflict)
    claim.refresh_from_db()
    record.refresh_from_db()
    if winner == 0:
        assert (claim.status, record.status) == (ReviewStatus.APPROVED, RecordStatus.EXEMPTED)
    else:
        # The approval was rolled back with the refused exemption: the claim still waits.
        assert (claim.status, record.status) == (ReviewStatus.PENDING, RecordStatus.CLOSED)


def test_two_credit_repair_applications_at_once_file_one(
    record_in, nanjing_liaison, second_liaison, monkeypatch
):
    record = record_in("verified")

    outcomes = race(
        monkeypatch,
        *(
            lambda actor=actor: services.credit_repair_apply(
                record=record, actor=actor, commitment_text="承诺依法履约"
            )
            for actor in (nanjing_liaison, second_liaison)
        ),
    )

    one_wins(outcomes, WorkflowConflict)
    assert CreditRepairApplication.objects.filter(record=record).count() == 1
    assert events(record, "repair_applied").count() == 1


def test_two_supervisors_approving_one_repair_at_once_approve_it_once(
    record_in, nanjing_liaison, nanjing_supervisor, colleague, monkeypatch
):
    record = record_in("verified")
    application = services.credit_repair_apply(
        record=record, actor=nanjing_liaison, commitment_text="承诺依法履约"
    )

    outcomes = race(
        monkeypatch,
        *(
            lambda actor=actor: services.credit_repair_decide(
                application=application, actor=actor, approve=True, reason="已纠正"
            )
            for actor in (nanjing_supervisor, colleague)
        ),
    )

    one_wins(outcomes, WorkflowConflict)
    record.refresh_from_db()
    assert record.disclosure_ended_early_on == today()
    assert events(record, "repair_approved").count() == 1
    assert record.history.filter(disclosure_ended_early_on__isnull=False).count() == 1


# --------------------------------------------------------------------------------------------
# Commitments and new records
# --------------------------------------------------------------------------------------------


@pytest.fixture
def due_commitment(nanjing_department, nanjing_supervisor):
    return services.commitment_save(
        actor=nanjing_supervisor,
        commitment=Commitment(
            department=nanjing_department,
            content="三十日内办结全部积案",
            promised_date=today() - datetime.timedelta(days=3),
        ),
    )


def test_assessing_one_commitment_twice_at_once_assesses_it_once(
    due_commitment, nanjing_supervisor, colleague, monkeypatch
):
    outcomes = race(
        monkeypatch,
        lambda: services.commitment_assess(
            commitment=due_commitment, actor=nanjing_supervisor, fulfilled=True, evidence="办结"
        ),
        lambda: services.commitment_assess(
            commitment=due_commitment, actor=colleague, fulfilled=False, evidence="未办结"
        ),
    )

    winner, _ = one_wins(outcomes, WorkflowConflict)
    due_commitment.refresh_from_db()
    assert due_commitment.status == (CommitmentStatus.FULFILLED, CommitmentStatus.BROKEN)[winner]
    assert due_commitment.history.exclude(status=CommitmentStatus.PENDING).count() == 1


def test_turning_a_broken_commitment_into_a_record_twice_at_once_makes_one_record(
    due_commitment, nanjing_department, nanjing_supervisor, colleague, monkeypatch
):
    services.commitment_assess(commitment=due_commitment, actor=nanjing_supervisor, fulfilled=False)

    outcomes = race(
        monkeypatch,
        *(
            lambda actor=actor: services.commitment_to_record(
                commitment=due_commitment, actor=actor
            )
            for actor in (nanjing_supervisor, colleague)
        ),
    )

    _, record = one_wins(outcomes, WorkflowConflict)
    assert list(DishonestyRecord.objects.filter(department=nanjing_department)) == [record]
    due_commitment.refresh_from_db()
    assert due_commitment.resulting_record == record


def test_entering_one_decision_twice_at_once_stores_one_record_and_says_why_not(
    nanjing_department, nanjing_supervisor, colleague, monkeypatch
):
    """Two officials typing in the same decision: the second one gets the form error of the
    unique decision number, never a 500 from the database."""

    def enter(actor):
        return services.record_create(
            actor=actor,
            department=nanjing_department,
            category="administrative_penalty",
            severity="general",
            decision_number="宁财罚〔2026〕9号",
            issuing_authority="南京市财政局",
            decision_date=today() - datetime.timedelta(days=3),
            facts="逾期支付中小企业账款。",
        )

    outcomes = race(monkeypatch, lambda: enter(nanjing_supervisor), lambda: enter(colleague))

    _, record = one_wins(outcomes, ValidationError)
    [failure] = split(outcomes)[1]
    assert "decision_number" in str(failure.message_dict) or "__all__" in failure.message_dict
    assert list(DishonestyRecord.objects.filter(department=nanjing_department)) == [record]
    assert RecordEvent.objects.filter(action="created").count() == 1


# --------------------------------------------------------------------------------------------
# Procurement: red flags and violations
# --------------------------------------------------------------------------------------------


@pytest.fixture
def late_signing_flag(require_postgres, nanjing_department):
    """An open flag: the contract was signed 45 days after the award."""
    from procurement.models import FlagRule, RedFlag

    from ..builders.procurement import make_contract, make_project

    make_contract(make_project(nanjing_department), signed_after=45)
    return RedFlag.objects.get(rule=FlagRule.LATE_SIGNING)


def confirm_flag(flag, actor, number="宁财采罚〔2026〕1号"):
    from procurement import services as procurement

    return procurement.flag_confirm(
        actor=actor,
        flag=flag,
        severity="general",
        decision_number=number,
        issuing_authority="南京市财政局",
    )


def dismiss_flag(flag, actor):
    from procurement import services as procurement

    return procurement.flag_dismiss(actor=actor, flag=flag, reason="合同延期经批准")


@pytest.mark.parametrize(
    "steps",
    [("confirm", "confirm"), ("confirm", "dismiss"), ("dismiss", "dismiss")],
    ids="-".join,
)
def test_deciding_one_red_flag_twice_at_once_decides_it_once(
    late_signing_flag, nanjing_department, nanjing_supervisor, colleague, monkeypatch, steps
):
    from procurement.models import FlagStatus, Violation

    calls = {
        "confirm": lambda actor, n: confirm_flag(
            late_signing_flag, actor, f"宁财采罚〔2026〕{n}号"
        ),
        "dismiss": lambda actor, n: dismiss_flag(late_signing_flag, actor),
    }
    outcomes = race(
        monkeypatch,
        lambda: calls[steps[0]](nanjing_supervisor, 1),
        lambda: calls[steps[1]](colleague, 2),
    )

    winner, _ = one_wins(outcomes, WorkflowConflict)
    late_signing_flag.refresh_from_db()
    confirmed = steps[winner] == "confirm"
    assert late_signing_flag.status == (FlagStatus.CONFIRMED if confirmed else FlagStatus.DISMISSED)
    assert Violation.objects.count() == int(confirmed)
    assert DishonestyRecord.objects.filter(department=nanjing_department).count() == int(confirmed)
    assert late_signing_flag.history.exclude(status=FlagStatus.OPEN).count() == 1


def test_a_project_checked_twice_at_once_raises_each_flag_once(
    require_postgres, nanjing_department, monkeypatch
):
    """Two saves (or a save and the hourly scan) checking one project at the same moment: the
    unique (rule, object) constraint lets one flag through, the other check skips it."""
    from procurement import services as procurement
    from procurement.models import RedFlag

    from ..builders.procurement import make_contract, make_project

    with procurement.deferred_flag_checks():
        project = make_project(nanjing_department, budget="90000", award_amount="100000")
        make_contract(project, signed_after=45)
    RedFlag.objects.all().delete()

    outcomes = race(
        monkeypatch,
        lambda: procurement.evaluate_project(project),
        lambda: procurement.scan(),
        at_the_lock=False,
    )

    assert not split(outcomes)[1], outcomes
    assert sorted(RedFlag.objects.values_list("rule", flat=True)) == [
        "award_over_budget",
        "late_signing",
    ]


def test_entering_one_violation_twice_at_once_stores_it_once(
    require_postgres, nanjing_department, nanjing_supervisor, colleague, monkeypatch
):
    from procurement import services as procurement
    from procurement.models import Violation

    def enter(actor):
        return procurement.violation_create(
            actor=actor,
            purchaser=nanjing_department,
            kind="not_signing",
            severity="general",
            decision_number="宁财采罚〔2026〕7号",
            issuing_authority="南京市财政局",
            decided_on=today() - datetime.timedelta(days=1),
            facts="中标后无正当理由不签订合同。",
        )

    outcomes = race(monkeypatch, lambda: enter(nanjing_supervisor), lambda: enter(colleague))

    _, violation = one_wins(outcomes, ValidationError)
    assert list(Violation.objects.all()) == [violation]
    assert DishonestyRecord.objects.filter(department=nanjing_department).count() == 1


# --------------------------------------------------------------------------------------------
# Debt: risk warnings
# --------------------------------------------------------------------------------------------


@pytest.fixture
def draft_warning(require_postgres, regions, nanjing_supervisor):
    from debt import services as debt

    return debt.warning_create(
        actor=nanjing_supervisor,
        region=regions["320115"],
        title="江宁区债务风险提示",
        reason="债务率上升",
        required_response="说明原因并提交化解方案",
    )


def _debt(name):
    from debt import services as debt

    return getattr(debt, name)


WARNING_STEPS = {
    "issue": lambda warning, actor: _debt("warning_issue")(actor=actor, warning=warning),
    "withdraw": lambda warning, actor: _debt("warning_withdraw")(
        actor=actor, warning=warning, note="误报"
    ),
    "respond": lambda warning, actor: _debt("warning_respond")(
        actor=actor, warning=warning, response=f"{actor.username} 的答复"
    ),
    "close": lambda warning, actor: _debt("warning_close")(
        actor=actor, warning=warning, note="已化解"
    ),
}


@pytest.mark.parametrize(
    ("start", "steps"),
    [
        ("draft", ("issue", "issue")),
        ("draft", ("issue", "withdraw")),
        ("draft", ("withdraw", "withdraw")),
        ("issued", ("respond", "respond")),
        ("responded", ("close", "close")),
    ],
    ids=lambda value: "-".join(value) if isinstance(value, tuple) else value,
)
def test_two_steps_on_one_warning_at_once_take_one(
    draft_warning, nanjing_supervisor, colleague, monkeypatch, start, steps
):
    from debt.models import RiskWarning

    warning = draft_warning
    if start in ("issued", "responded"):
        WARNING_STEPS["issue"](warning, nanjing_supervisor)
    if start == "responded":
        WARNING_STEPS["respond"](warning, nanjing_supervisor)
    Notification.objects.all().delete()
    history_before = warning.history.count()

    outcomes = race(
        monkeypatch,
        lambda: WARNING_STEPS[steps[0]](warning, nanjing_supervisor),
        lambda: WARNING_STEPS[steps[1]](warning, colleague),
    )

    winner, result = one_wins(outcomes, WorkflowConflict)
    warning = RiskWarning.objects.get(pk=warning.pk)
    assert warning.status == result.status
    assert warning.history.count() == history_before + 1
    if steps[winner] == "issue":
        # Nanjing's office (the county has none of its own) is told once.
        assert Notification.objects.count() == 2
    if steps[winner] == "respond":
        assert warning.response == f"{(nanjing_supervisor, colleague)[winner].username} 的答复"


def test_assessing_one_profile_twice_at_once_drafts_one_warning(
    require_postgres, regions, nanjing_supervisor, colleague, monkeypatch
):
    from debt import services as debt
    from debt.models import DebtProfile, RiskWarning

    from ..builders.debt import make_profile

    profile = make_profile(regions["320115"], ratio=90)
    DebtProfile.objects.filter(pk=profile.pk).update(general_balance=Decimal("250"))
    profile.refresh_from_db()
    Notification.objects.all().delete()

    outcomes = race(
        monkeypatch,
        *(
            lambda actor=actor: debt.assessment_compute(profile=profile, actor=actor)
            for actor in (nanjing_supervisor, colleague)
        ),
    )

    assert not split(outcomes)[1], outcomes
    [warning] = RiskWarning.objects.filter(profile=profile, automatic=True)
    assert warning.grade == "orange"
    assert Notification.objects.count() == 2  # the two supervisors, once each


# --------------------------------------------------------------------------------------------
# Evaluations: round transitions, manual scores, computation
# --------------------------------------------------------------------------------------------


@pytest.fixture
def evaluation_round(require_postgres, regions):
    from ..builders.evaluations import make_county_round, make_jiangning_data, make_small_scheme

    make_jiangning_data(regions)
    return make_county_round(regions, make_small_scheme())


def _evaluations(name):
    from evaluations import services as evaluations

    return getattr(evaluations, name)


def bring_round_to(evaluation_round, status):
    from ..builders.evaluations import make_score

    if status == "draft":
        return
    _evaluations("round_start_scoring")(actor=None, round=evaluation_round)
    _evaluations("round_compute")(actor=None, round=evaluation_round)
    # Every score entered: a round in scoring is ready to go to review.
    for code, value in (("320115", "80"), ("320102", "90")):
        make_score(evaluation_round, code, "B", value)
    if status == "scoring":
        return
    _evaluations("round_submit_for_review")(actor=None, round=evaluation_round)


@pytest.mark.parametrize(
    ("status", "steps"),
    [
        ("draft", ("round_start_scoring", "round_start_scoring")),
        ("scoring", ("round_submit_for_review", "round_submit_for_review")),
        ("review", ("round_return_to_scoring", "round_return_to_scoring")),
        ("review", ("round_publish", "round_publish")),
        ("review", ("round_publish", "round_return_to_scoring")),
    ],
    ids=lambda value: (
        "-".join(s.removeprefix("round_") for s in value) if isinstance(value, tuple) else value
    ),
)
def test_two_transitions_of_one_round_at_once_take_one(
    evaluation_round, nanjing_supervisor, colleague, monkeypatch, status, steps
):
    from evaluations.models import Round, RoundStatus

    bring_round_to(evaluation_round, status)
    history_before = evaluation_round.history.count()

    outcomes = race(
        monkeypatch,
        lambda: _evaluations(steps[0])(actor=nanjing_supervisor, round=evaluation_round),
        lambda: _evaluations(steps[1])(actor=colleague, round=evaluation_round),
    )

    winner, result = one_wins(outcomes, WorkflowConflict)
    evaluation_round = Round.objects.get(pk=evaluation_round.pk)
    assert evaluation_round.status == result.status
    assert evaluation_round.history.count() == history_before + 1
    if evaluation_round.status == RoundStatus.PUBLISHED:
        assert evaluation_round.published_by == (nanjing_supervisor, colleague)[winner]
        assert not evaluation_round.subjects.filter(total__isnull=True).exists()


def test_asking_for_a_computation_and_submitting_for_review_at_once_do_one_of_them(
    evaluation_round, nanjing_supervisor, colleague, monkeypatch
):
    """Only a round in scoring (or a draft) is computed, and a round being computed is not
    submitted for review: reviewers must not see results a computation is replacing (nor
    can one then run over a published round). Whoever takes the round's lock first wins;
    the other is told why not."""
    from evaluations import services as evaluations
    from evaluations.models import ComputationStatus, Round, RoundStatus
    from evaluations.services import computation

    bring_round_to(evaluation_round, "scoring")
    queued = []
    monkeypatch.setattr(computation, "_enqueue", queued.append)

    outcomes = race(
        monkeypatch,
        lambda: evaluations.round_request_computation(actor=colleague, round=evaluation_round),
        lambda: evaluations.round_submit_for_review(
            actor=nanjing_supervisor, round=evaluation_round
        ),
    )

    winner, _ = one_wins(outcomes, WorkflowConflict)
    evaluation_round = Round.objects.get(pk=evaluation_round.pk)
    if winner == 0:
        assert evaluation_round.status == RoundStatus.SCORING
        assert evaluation_round.computation_status == ComputationStatus.QUEUED
        assert queued == [evaluation_round.pk]
    else:
        assert evaluation_round.status == RoundStatus.REVIEW
        assert evaluation_round.computation_status == ComputationStatus.DONE
        assert queued == []


def test_two_officials_asking_for_a_computation_at_once_queue_it_once(
    evaluation_round, nanjing_supervisor, colleague, monkeypatch
):
    """Two computations of one round at once overwrote each other's status (one could then
    fail half-way, leaving "failed" and no reason): the second request is refused before
    anything is queued."""
    from evaluations import services as evaluations
    from evaluations.models import ComputationStatus, Round
    from evaluations.services import computation

    bring_round_to(evaluation_round, "scoring")
    queued = []
    monkeypatch.setattr(computation, "_enqueue", queued.append)

    outcomes = race(
        monkeypatch,
        lambda: evaluations.round_request_computation(
            actor=nanjing_supervisor, round=evaluation_round
        ),
        lambda: evaluations.round_request_computation(actor=colleague, round=evaluation_round),
    )

    _winner, _round = one_wins(outcomes, WorkflowConflict)
    assert queued == [evaluation_round.pk]
    refusal = next(outcome for outcome in outcomes if isinstance(outcome, WorkflowConflict))
    assert "正在计算" in refusal.message
    evaluation_round = Round.objects.get(pk=evaluation_round.pk)
    assert evaluation_round.computation_status == ComputationStatus.QUEUED
    assert evaluation_round.computation_error == ""


def test_two_evaluators_scoring_one_indicator_at_once_leave_one_score_and_matching_totals(
    evaluation_round, nanjing_supervisor, colleague, monkeypatch
):
    """Not a conflict: the later entry replaces the earlier one (both stay in the history),
    and the subject's total is computed from the score that was kept."""
    from evaluations.models import RoundSubject, Score

    from ..builders.evaluations import indicator

    bring_round_to(evaluation_round, "scoring")
    subject = evaluation_round.subjects.get(region__code="320102")
    manual = indicator(evaluation_round.scheme, "B")
    # The round in scoring has every score entered already (one history row with a value).
    entered_before = (
        Score.objects.get(round=evaluation_round, subject=subject, indicator=manual)
        .history.filter(value__isnull=False)
        .count()
    )

    outcomes = race(
        monkeypatch,
        *(
            lambda actor=actor, value=value: _evaluations("score_enter")(
                actor=actor,
                round=evaluation_round,
                subject=subject,
                indicator=manual,
                value=Decimal(value),
                evidence="核查材料",
            )
            for actor, value in ((nanjing_supervisor, "70"), (colleague, "90"))
        ),
    )

    assert not split(outcomes)[1], outcomes
    [score] = Score.objects.filter(round=evaluation_round, subject=subject, indicator=manual)
    assert score.value in (Decimal("70.00"), Decimal("90.00"))
    assert score.history.filter(value__isnull=False).count() == entered_before + 2
    subject = RoundSubject.objects.get(pk=subject.pk)
    computed = sum(
        s.weighted_value for s in Score.objects.filter(subject=subject) if s.weighted_value
    )
    assert subject.base == computed
