"""Writes. Every change of state goes through a function here: keyword-only arguments, the
acting user as ``actor``, one transaction, and the audit trail written with it.
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from core.calendar import add_working_days
from core.exceptions import WorkflowConflict
from core.models import Department, NotificationKind, Region, User
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history
from core.uploads import validate_attachment

from . import deadlines
from .models import (
    RECTIFYING_STATUSES,
    AccountabilityEntry,
    Attachment,
    Commendation,
    Commitment,
    CommitmentStatus,
    CreditRepairApplication,
    DeadlineExtension,
    DishonestyRecord,
    FaultToleranceClaim,
    PublicOfficial,
    RecordCategory,
    RecordEvent,
    RecordEventAction,
    RecordSource,
    RecordStatus,
    Rectification,
    RectificationReport,
    ReportDecision,
    ReviewStatus,
    Severity,
)
from .rules import DISCLOSURE_PERIODS, default_rectification_deadline, disclosure_window

# --------------------------------------------------------------------------------------------
# Dishonesty records and their workflow
# --------------------------------------------------------------------------------------------


def _ensure_department_role(actor) -> None:
    """The department's own steps (its explanation, its reports) are refused to every other
    role whatever the record's state, as supervisors' steps are refused to liaisons: a
    supervisor is told "not your role" (403), never "not possible now" (409)."""
    if actor is not None and actor.role != Role.LIAISON:
        raise PermissionDenied(_("Your role does not allow this action."))


def _locked_record(record: DishonestyRecord) -> DishonestyRecord:
    """The record re-read under a row lock: two officials acting at once are serialised, and
    the second one sees the first one's result."""
    return (
        DishonestyRecord.objects.select_for_update().select_related("department").get(pk=record.pk)
    )


def _log(
    record,
    *,
    action,
    actor,
    reason="",
    from_status="",
    to_status="",
    reason_code="",
    reason_params=None,
) -> RecordEvent:
    return RecordEvent.objects.create(
        record=record,
        action=action,
        actor=actor,
        reason=reason,
        reason_code=reason_code,
        reason_params=reason_params or {},
        from_status=from_status,
        to_status=to_status,
    )


def transition_label(method_name: str):
    """The imperative label a record transition declares ("Verify the rectification")."""
    field = DishonestyRecord._meta.get_field("status")
    for candidate in field.get_all_transitions(DishonestyRecord):
        if candidate.name == method_name:
            return candidate.custom["label"]
    return method_name


def _run_transition(record, method_name: str, *, actor, reason: str) -> str:
    """Check and apply one FSM transition on a locked record; returns the previous status."""
    method = getattr(record, method_name)
    if not can_proceed(method):
        raise WorkflowConflict(
            _("This record is “%(status)s”: “%(action)s” is not possible now.")
            % {"status": record.get_status_display(), "action": transition_label(method_name)}
        )
    if actor is not None and not has_transition_perm(method, actor):
        raise PermissionDenied(_("Your role does not allow this action on this record."))
    previous = record.status
    method()
    return previous


def _transition_label(method_name: str) -> str:
    return str(ACTION_LABELS.get(method_name, method_name))


# Labels of the record actions, for messages and the timeline.
ACTION_LABELS = dict(RecordEventAction.choices)


def _record_step(record, method_name: str, *, actor, reason: str = "") -> DishonestyRecord:
    previous = _run_transition(record, method_name, actor=actor, reason=reason)
    save_with_history(record, actor=actor, reason=reason or _transition_label(method_name))
    _log(
        record,
        action=method_name,
        actor=actor,
        reason=reason,
        from_status=previous,
        to_status=record.status,
    )
    return record


def _tell(record, *, to: str, title, message="") -> None:
    """Tell the department's liaisons or its supervising office about a workflow step, in
    their own language, after commit (see notifications.notify)."""
    from django.urls import reverse

    from core.notifications import liaisons_of, notify_translated, supervisors_of

    recipients = (
        liaisons_of(record.department)
        if to == "liaisons"
        else supervisors_of(record.department.region)
    )
    notify_translated(
        recipients,
        kind=NotificationKind.WORKFLOW,
        describe=lambda: (
            title % {"number": record.decision_number},
            message % {"department": record.department.name} if message else "",
        ),
        url=reverse("workspace:record_detail", args=[record.pk]),
        target=record,
    )


def _attach(files, *, actor, department, **owner) -> list[Attachment]:
    # Check every file before storing any: a rolled-back transaction takes the rows back but
    # not the files already written to storage, which would be left there orphaned.
    checked, problems = [], []
    for uploaded in files or []:
        try:
            checked.append((uploaded, validate_attachment(uploaded)))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"files": problems})
    return [
        Attachment.objects.create(
            file=uploaded,
            original_name=Path(uploaded.name).name[:255],
            content_type=content_type,
            size=uploaded.size,
            uploaded_by=actor,
            department=department,
            **owner,
        )
        for uploaded, content_type in checked
    ]


def _require_text(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _excerpt(text: str, limit: int = 200) -> str:
    """The start of a long text, as the "why" of a timeline entry (the text itself is kept
    whole on the rectification or report)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lock_department(department: Department) -> None:
    """Lock the department's row until the end of the transaction. Two officials entering
    the same decision at once are serialised: the second one's ``full_clean`` sees the
    first one's row and answers with the form error of the unique decision number, instead
    of both passing validation and the second insert failing in the database (a 500)."""
    list(Department.objects.select_for_update().filter(pk=department.pk).values_list("pk"))


def _officials_of(department: Department, officials, *, facts: str = "") -> list[PublicOfficial]:
    """The responsible officials of a record, each of whom must work in its department and
    none of whom the facts name: the facts are published as written, while the disclosure
    pages show the officials' names masked."""
    officials = list(officials)
    for official in officials:
        if official.department_id != department.pk:
            raise ValidationError(
                {"officials": _("%(name)s does not work in this department.") % {"name": official}}
            )
    _ensure_facts_name_no_official(facts, officials)
    return officials


def _ensure_facts_name_no_official(facts: str, officials) -> None:
    for official in officials:
        name = (official.name or "").strip()
        if len(name) >= 2 and name in (facts or ""):
            raise ValidationError(
                {
                    "facts": _(
                        "The facts are published as written: do not name %(name)s in them. "
                        "Responsible officials are linked to the record and shown masked."
                    )
                    % {"name": name}
                }
            )


@transaction.atomic
def record_create(
    *,
    actor: User | None,
    department: Department,
    category: str,
    severity: str,
    decision_number: str,
    issuing_authority: str,
    decision_date,
    facts: str,
    officials=(),
    internal_notes: str = "",
    source: str = RecordSource.MANUAL,
    files=(),
    disclose: bool | None = None,
) -> DishonestyRecord:
    """Enter a new record as a draft; a supervisor confirms it."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Department, department.pk)
    lock_department(department)
    minimum_ends, disclosure_ends = (None, None)
    if severity in Severity.values and decision_date:
        minimum_ends, disclosure_ends = disclosure_window(severity, decision_date)
    record = DishonestyRecord(
        department=department,
        category=category,
        severity=severity,
        decision_number=(decision_number or "").strip(),
        issuing_authority=(issuing_authority or "").strip(),
        decision_date=decision_date,
        facts=(facts or "").strip(),
        internal_notes=internal_notes or "",
        source=source,
        minimum_period_ends=minimum_ends,
        disclosure_ends=disclosure_ends,
        disclose=DISCLOSURE_PERIODS[severity].published_by_default
        if disclose is None and severity in Severity.values
        else bool(disclose),
        created_by=actor,
    )
    record.full_clean(exclude=["status"])
    save_with_history(record, actor=actor, reason=str(ACTION_LABELS["created"]))
    record.officials.set(_officials_of(department, officials, facts=record.facts))
    _attach(files, actor=actor, department=department, record=record)
    _log(record, action="created", actor=actor, to_status=record.status)
    return record


@transaction.atomic
def record_update(*, record: DishonestyRecord, actor: User | None, **changes) -> DishonestyRecord:
    """Edit a draft. Once confirmed, a record's facts are fixed; corrections go on its timeline."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    record = _locked_record(record)
    if record.status != RecordStatus.DRAFT:
        raise WorkflowConflict(_("Only a draft can be edited; this record is confirmed."))
    officials = changes.pop("officials", None)
    editable = {
        "category",
        "severity",
        "decision_number",
        "issuing_authority",
        "decision_date",
        "facts",
        "internal_notes",
        "disclose",
    }
    for name, value in changes.items():
        if name not in editable:
            raise ValueError(f"{name} cannot be edited")
        setattr(record, name, value)
    if record.disclose is None:
        record.disclose = DISCLOSURE_PERIODS[Severity(record.severity)].published_by_default
    record.minimum_period_ends, record.disclosure_ends = disclosure_window(
        record.severity, record.decision_date
    )
    record.full_clean(exclude=["status"])
    save_with_history(record, actor=actor, reason=str(ACTION_LABELS["updated"]))
    if officials is not None:
        record.officials.set(_officials_of(record.department, officials, facts=record.facts))
    else:
        _ensure_facts_name_no_official(record.facts, record.officials.all())
    _log(record, action="updated", actor=actor)
    return record


@transaction.atomic
def record_confirm(*, record: DishonestyRecord, actor: User | None, reason: str = ""):
    """Confirm a draft: it now counts against the department, and its responsible officials
    get an accountability entry in their files."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    record = _locked_record(record)
    _record_step(record, "confirm", actor=actor, reason=reason)
    for official in record.officials.all():
        AccountabilityEntry.objects.get_or_create(
            official=official, record=record, defaults={"note": reason}
        )
    return record


@transaction.atomic
def record_require_rectification(
    *,
    record: DishonestyRecord,
    actor: User | None,
    deadline=None,
    requirements: str = "",
    reason: str = "",
) -> DishonestyRecord:
    """Require the department to explain the causes in writing and rectify by a deadline."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    record = _locked_record(record)
    today = timezone.localdate()
    deadline = deadline or default_rectification_deadline(today)
    if deadline <= today:
        raise ValidationError({"deadline": _("The deadline must be after today.")})
    _record_step(record, "require_rectification", actor=actor, reason=reason)
    Rectification.objects.create(
        record=record,
        deadline=deadline,
        explanation_due=min(
            deadline, today + datetime.timedelta(days=settings.CHENGXIN_EXPLANATION_DAYS)
        ),
        requirements=requirements,
    )
    _tell(
        record,
        to="liaisons",
        title=gettext_lazy("Rectification required: %(number)s"),
        message=gettext_lazy(
            "%(department)s must explain the causes in writing and rectify by the deadline."
        ),
    )
    return record


@transaction.atomic
def record_submit_explanation(
    *, record: DishonestyRecord, actor: User | None, explanation: str
) -> DishonestyRecord:
    """The liaison's written explanation of the causes (书面说明原因)."""
    _ensure_department_role(actor)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    explanation = _require_text(
        explanation, "explanation", _("Write the explanation of the causes.")
    )
    record = _locked_record(record)
    _record_step(record, "submit_explanation", actor=actor, reason=_excerpt(explanation))
    rectification = record.rectification
    rectification.explanation = explanation
    rectification.explanation_submitted_at = timezone.now()
    rectification.explanation_submitted_by = actor
    save_with_history(rectification, actor=actor, reason=_transition_label("submit_explanation"))
    _tell(
        record,
        to="supervisors",
        title=gettext_lazy("Written explanation to review: %(number)s"),
        message=gettext_lazy("%(department)s explained the causes in writing."),
    )
    return record


@transaction.atomic
def record_submit_report(
    *, record: DishonestyRecord, actor: User | None, content: str, files=()
) -> RectificationReport:
    """The liaison reports what was done, with evidence."""
    _ensure_department_role(actor)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    content = _require_text(content, "content", _("Describe what was done to rectify."))
    record = _locked_record(record)
    _record_step(record, "submit_report", actor=actor, reason=_excerpt(content))
    report = RectificationReport.objects.create(
        rectification=record.rectification, content=content, submitted_by=actor
    )
    _attach(files, actor=actor, department=record.department, report=report)
    _tell(
        record,
        to="supervisors",
        title=gettext_lazy("Rectification report to verify: %(number)s"),
        message=gettext_lazy("%(department)s submitted a rectification report."),
    )
    return report


def _decide_report(record, *, actor, decision: str, reason: str) -> RectificationReport:
    report = record.rectification.reports.filter(decision=ReportDecision.PENDING).last()
    if report is None:
        raise WorkflowConflict(_("There is no report awaiting verification."))
    report.decision = decision
    report.decision_reason = reason
    report.decided_by = actor
    report.decided_at = timezone.now()
    save_with_history(report, actor=actor, reason=reason)
    return report


@transaction.atomic
def record_verify(*, record: DishonestyRecord, actor: User | None, reason: str = ""):
    """Accept the latest report, with the reasons of the verification decision: the
    rectification is done."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    reason = _require_text(reason, "reason", _("Give the reasons for accepting the rectification."))
    record = _locked_record(record)
    _record_step(record, "verify", actor=actor, reason=reason)
    _decide_report(record, actor=actor, decision=ReportDecision.ACCEPTED, reason=reason)
    rectification = record.rectification
    rectification.verified_at = timezone.now()
    rectification.verified_by = actor
    rectification.verification_reason = reason
    save_with_history(rectification, actor=actor, reason=_transition_label("verify"))
    _tell(record, to="liaisons", title=gettext_lazy("Rectification verified: %(number)s"))
    return record


@transaction.atomic
def record_return(*, record: DishonestyRecord, actor: User | None, reason: str):
    """Send the latest report back with the reasons; the rectification goes on."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    reason = _require_text(reason, "reason", _("Say why the report is returned."))
    record = _locked_record(record)
    _record_step(record, "return_report", actor=actor, reason=reason)
    report = _decide_report(record, actor=actor, decision=ReportDecision.RETURNED, reason=reason)
    # The escalation ladder stood still while the report awaited verification: those days do
    # not count towards its next step.
    rectification = Rectification.objects.select_for_update().get(record=record)
    if deadlines.ladder_pause_ended(
        rectification,
        paused_since=timezone.localtime(report.submitted_at).date(),
        today=timezone.localdate(),
    ):
        save_with_history(rectification, actor=actor, reason=_transition_label("return_report"))
    _tell(record, to="liaisons", title=gettext_lazy("Rectification report returned: %(number)s"))
    return record


@transaction.atomic
def record_close(*, record: DishonestyRecord, actor: User | None, reason: str = ""):
    """Close a verified record, or a confirmed one that needs no rectification, saying why."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    record = _locked_record(record)
    reason = _require_text(
        reason,
        "reason",
        _("Say why this record needs no rectification before closing it.")
        if record.status == RecordStatus.CONFIRMED
        else _("Say why the record is closed."),
    )
    record.closed_on = timezone.localdate()
    _record_step(record, "close", actor=actor, reason=reason)
    return record


@transaction.atomic
def rectification_extend(
    *, record: DishonestyRecord, actor: User | None, new_deadline, reason: str
) -> DeadlineExtension:
    """A supervisor moves the deadline later, with a reason."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    reason = _require_text(reason, "reason", _("Give the reason for the extension."))
    record = _locked_record(record)
    if record.status not in RECTIFYING_STATUSES:
        raise WorkflowConflict(_("Only a rectification under way can be extended."))
    rectification = Rectification.objects.select_for_update().get(record=record)
    if new_deadline is None or new_deadline <= rectification.deadline:
        raise ValidationError(
            {
                "new_deadline": _("The new deadline must be later than %(deadline)s.")
                % {"deadline": rectification.deadline.isoformat()}
            }
        )
    extension = DeadlineExtension.objects.create(
        rectification=rectification,
        previous_deadline=rectification.deadline,
        new_deadline=new_deadline,
        reason=reason,
        granted_by=actor,
    )
    escalated_to = rectification.escalated_to
    rectification.deadline = new_deadline
    # A deadline moved to a future day is no longer missed: the escalation ladder starts again
    # (the steps taken stay in the timeline) and a miss of the new deadline is overdue anew.
    restarted_from = 0
    if new_deadline >= timezone.localdate():
        restarted_from = deadlines.ladder_restart(rectification)
    save_with_history(rectification, actor=actor, reason=reason)
    timeline_reason = f"{extension.previous_deadline} → {new_deadline}: {reason}"
    if restarted_from:
        timeline_reason += " " + _(
            "The escalation (step %(level)d) is withdrawn; a miss of the new deadline starts "
            "it again."
        ) % {"level": restarted_from}
    _log(record, action="extend_deadline", actor=actor, reason=timeline_reason)
    _tell_extension(record, new_deadline=new_deadline, escalated_to=escalated_to, actor=actor)
    return extension


def _tell_extension(record, *, new_deadline, escalated_to, actor) -> None:
    """The department, its supervising office and the office it was escalated to (if any)
    learn the new deadline; not the official who granted it."""
    from django.urls import reverse

    from core.notifications import liaisons_of, notify_translated, supervisors_of

    recipients = [*liaisons_of(record.department), *supervisors_of(record.department.region)]
    if escalated_to is not None:
        recipients += supervisors_of(escalated_to)
    notify_translated(
        [user for user in recipients if actor is None or user.pk != actor.pk],
        kind=NotificationKind.WORKFLOW,
        describe=lambda: (
            _("Deadline extended: %(number)s") % {"number": record.decision_number},
            _("The rectification of %(number)s by %(department)s is now due on %(date)s.")
            % {
                "number": record.decision_number,
                "department": record.department.name,
                "date": new_deadline.isoformat(),
            },
        ),
        url=reverse("workspace:record_detail", args=[record.pk]),
        target=record,
    )


@transaction.atomic
def fault_tolerance_claim_file(
    *, record: DishonestyRecord, actor: User | None, grounds: str, files=()
) -> FaultToleranceClaim:
    """The department (or its supervisor) claims fault tolerance (容错纠错)."""
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
        if not (
            actor.role in (Role.SUPERVISOR, Role.ADMINISTRATOR, Role.LIAISON) or actor.is_superuser
        ):
            raise PermissionDenied(_("Your role does not allow this action."))
    grounds = _require_text(grounds, "grounds", _("State the grounds of the claim."))
    record = _locked_record(record)
    if record.status not in (RecordStatus.CONFIRMED, RecordStatus.RECTIFICATION_REQUIRED):
        raise WorkflowConflict(
            _("A fault-tolerance claim can only be filed on a confirmed record.")
        )
    if record.fault_tolerance_claims.filter(status=ReviewStatus.PENDING).exists():
        raise WorkflowConflict(_("This record already has a claim awaiting review."))
    claim = FaultToleranceClaim.objects.create(record=record, grounds=grounds, filed_by=actor)
    _attach(files, actor=actor, department=record.department, claim=claim)
    _log(record, action="claim_filed", actor=actor, reason=grounds)
    return claim


@transaction.atomic
def fault_tolerance_claim_review(
    *, claim: FaultToleranceClaim, actor: User | None, approve: bool, reason: str
) -> FaultToleranceClaim:
    """A supervisor decides a claim; approval exempts the record (kept for audit)."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, FaultToleranceClaim, claim.pk)
    reason = _require_text(reason, "reason", _("Give the reasons for the decision."))
    record = _locked_record(claim.record)
    claim = FaultToleranceClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ReviewStatus.PENDING:
        raise WorkflowConflict(_("This claim has already been decided."))
    claim.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
    claim.reviewed_by = actor
    claim.reviewed_at = timezone.now()
    claim.review_reason = reason
    save_with_history(claim, actor=actor, reason=reason)
    if approve:
        _record_step(record, "exempt", actor=actor, reason=reason)
        # The officials' entries stay in their files for audit, marked, no longer counted.
        for entry in AccountabilityEntry.objects.select_for_update().filter(
            record=record, exempted_at__isnull=True
        ):
            entry.exempted_at = claim.reviewed_at
            save_with_history(entry, actor=actor, reason=reason)
    else:
        _log(record, action="claim_rejected", actor=actor, reason=reason)
    return claim


@transaction.atomic
def credit_repair_apply(
    *, record: DishonestyRecord, actor: User | None, commitment_text: str, statement: str = ""
) -> CreditRepairApplication:
    """Apply for credit repair: only for a rectified record whose minimum disclosure period
    has passed, with a written credit commitment."""
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
        if not (
            actor.role in (Role.SUPERVISOR, Role.ADMINISTRATOR, Role.LIAISON) or actor.is_superuser
        ):
            raise PermissionDenied(_("Your role does not allow this action."))
    commitment_text = _require_text(
        commitment_text, "commitment_text", _("The credit commitment is required.")
    )
    record = _locked_record(record)
    today = timezone.localdate()
    if record.status not in (RecordStatus.VERIFIED, RecordStatus.CLOSED):
        raise WorkflowConflict(_("Credit repair needs a rectified record."))
    if record.disclosure_ended_early_on or record.disclosure_ends <= today:
        raise WorkflowConflict(_("This record is no longer disclosed; there is nothing to repair."))
    if today < record.minimum_period_ends:
        raise WorkflowConflict(
            _(
                "Credit repair can be applied for from %(date)s, when the minimum disclosure "
                "period has passed."
            )
            % {"date": record.minimum_period_ends.isoformat()}
        )
    if record.repair_applications.filter(status=ReviewStatus.PENDING).exists():
        raise WorkflowConflict(_("This record already has an application under review."))
    application = CreditRepairApplication.objects.create(
        record=record,
        commitment_text=commitment_text,
        statement=statement,
        filed_by=actor,
        review_due=add_working_days(today, settings.CHENGXIN_REPAIR_REVIEW_WORKING_DAYS),
    )
    _log(record, action="repair_applied", actor=actor, reason=statement)
    _tell(
        record,
        to="supervisors",
        title=gettext_lazy("Credit repair to decide: %(number)s"),
        message=gettext_lazy("%(department)s applied for credit repair."),
    )
    return application


@transaction.atomic
def credit_repair_decide(
    *, application: CreditRepairApplication, actor: User | None, approve: bool, reason: str
) -> CreditRepairApplication:
    """A supervisor decides; approval ends the record's public disclosure today."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, CreditRepairApplication, application.pk)
    reason = _require_text(reason, "reason", _("Give the reasons for the decision."))
    record = _locked_record(application.record)
    application = CreditRepairApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ReviewStatus.PENDING:
        raise WorkflowConflict(_("This application has already been decided."))
    application.status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.decision_reason = reason
    save_with_history(application, actor=actor, reason=reason)
    if approve:
        record.disclosure_ended_early_on = timezone.localdate()
        save_with_history(record, actor=actor, reason=str(ACTION_LABELS["repair_approved"]))
    _log(
        record,
        action="repair_approved" if approve else "repair_rejected",
        actor=actor,
        reason=reason,
    )
    _tell(
        record,
        to="liaisons",
        title=gettext_lazy("Credit repair approved: %(number)s")
        if approve
        else gettext_lazy("Credit repair rejected: %(number)s"),
    )
    return application


# A closed or exempted record's file is complete: no evidence is added to it.
EVIDENCE_CLOSED_STATUSES = (RecordStatus.CLOSED, RecordStatus.EXEMPTED)


@transaction.atomic
def record_add_evidence(*, record: DishonestyRecord, actor: User | None, files) -> list:
    """Attach more evidence to a record still being dealt with; a closed or exempted
    record's file is complete."""
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
        if actor.role == Role.AUDITOR:
            raise PermissionDenied(_("Your role does not allow this action."))
    if not files:
        raise ValidationError({"files": _("Choose at least one file.")})
    record = _locked_record(record)
    if record.status in EVIDENCE_CLOSED_STATUSES:
        raise WorkflowConflict(
            _("This record is “%(status)s”: no more evidence can be added.")
            % {"status": record.get_status_display()}
        )
    attachments = _attach(files, actor=actor, department=record.department, record=record)
    _log(
        record,
        action="attachment_added",
        actor=actor,
        reason="、".join(a.original_name for a in attachments),
    )
    return attachments


# --------------------------------------------------------------------------------------------
# Officials, commendations and commitments
# --------------------------------------------------------------------------------------------


def _check_department(actor, department) -> None:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Department, department.pk)


@transaction.atomic
def department_save(*, actor: User | None, department: Department) -> Department:
    """Create or edit a department: validated by the model (the credit code's checksum among
    it), and only inside the actor's region, whether it is new, moved or edited in place."""
    ensure_role(actor, Role.SUPERVISOR)
    department.full_clean()
    if actor is not None:
        if department.pk:
            ensure_in_scope(actor, Department, department.pk)
        ensure_in_scope(actor, Region, department.region_id)
        if department.parent_id:
            ensure_in_scope(actor, Department, department.parent_id)
    save_with_history(department, actor=actor, reason="")
    return department


@transaction.atomic
def official_save(*, actor: User | None, official: PublicOfficial) -> PublicOfficial:
    _check_department(actor, official.department)
    official.full_clean()
    save_with_history(official, actor=actor, reason="")
    return official


@transaction.atomic
def commendation_save(*, actor: User | None, commendation: Commendation) -> Commendation:
    _check_department(actor, commendation.department)
    commendation.full_clean()
    save_with_history(commendation, actor=actor, reason="")
    return commendation


@transaction.atomic
def commitment_save(*, actor: User | None, commitment: Commitment) -> Commitment:
    _check_department(actor, commitment.department)
    if commitment.pk and commitment.status != CommitmentStatus.PENDING:
        raise WorkflowConflict(_("An assessed commitment cannot be edited."))
    commitment.full_clean()
    save_with_history(commitment, actor=actor, reason="")
    return commitment


@transaction.atomic
def commitment_assess(
    *, commitment: Commitment, actor: User | None, fulfilled: bool, evidence: str = "", files=()
) -> Commitment:
    """Record whether a commitment was kept."""
    _check_department(actor, commitment.department)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != CommitmentStatus.PENDING:
        raise WorkflowConflict(_("This commitment has already been assessed."))
    if not fulfilled and timezone.localdate() <= commitment.promised_date:
        # It can still be kept until the end of its promised day.
        raise WorkflowConflict(
            _("A commitment can be found broken only after its promised date, %(date)s.")
            % {"date": commitment.promised_date.isoformat()}
        )
    commitment.status = CommitmentStatus.FULFILLED if fulfilled else CommitmentStatus.BROKEN
    commitment.evidence = evidence
    commitment.assessed_at = timezone.now()
    commitment.assessed_by = actor
    save_with_history(commitment, actor=actor, reason=commitment.get_status_display())
    _attach(files, actor=actor, department=commitment.department, commitment=commitment)
    return commitment


@transaction.atomic
def commitment_to_record(
    *,
    commitment: Commitment,
    actor: User | None,
    severity: str = Severity.GENERAL,
    issuing_authority: str = "",
) -> DishonestyRecord:
    """Turn a broken commitment into a draft dishonesty record in one action."""
    _check_department(actor, commitment.department)
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.status != CommitmentStatus.BROKEN:
        raise WorkflowConflict(_("Only a broken commitment can become a dishonesty record."))
    if commitment.resulting_record_id:
        raise WorkflowConflict(_("This commitment already has a dishonesty record."))
    today = timezone.localdate()
    record = record_create(
        actor=actor,
        department=commitment.department,
        category=RecordCategory.BROKEN_COMMITMENT,
        severity=severity,
        decision_number=_("Commitment %(number)s") % {"number": commitment.pk},
        issuing_authority=issuing_authority
        or (actor.scope_label if actor is not None else _("the system")),
        decision_date=min(today, commitment.promised_date + datetime.timedelta(days=1)),
        facts=_("Commitment made on %(made)s to be kept by %(due)s was broken: %(content)s")
        % {
            "made": timezone.localtime(commitment.created_at).date().isoformat(),
            "due": commitment.promised_date.isoformat(),
            "content": commitment.content,
        },
    )
    commitment.resulting_record = record
    save_with_history(commitment, actor=actor, reason=str(ACTION_LABELS["created"]))
    return record
