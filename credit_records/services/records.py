"""Dishonesty records and their workflow: create, edit, confirm, require rectification, the
department's explanation and reports, verify, return, close, and evidence.

Every write goes through a function here: keyword-only arguments, the acting user as
``actor``, one transaction, and the audit trail written with it."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import WorkflowConflict
from core.models import Department, User
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history
from credit_records import deadlines, exchange
from credit_records.models import (
    AccountabilityEntry,
    DishonestyRecord,
    RecordSource,
    RecordStatus,
    Rectification,
    RectificationReport,
    ReportDecision,
    Severity,
)
from credit_records.rules import (
    DISCLOSURE_PERIODS,
    default_rectification_deadline,
    disclosure_window,
)
from credit_records.services.base import (
    ACTION_LABELS,
    attach,
    ensure_department_role,
    ensure_facts_name_no_official,
    excerpt,
    lock_department,
    locked_record,
    log_event,
    officials_of,
    record_step,
    require_text,
    tell,
    transition_step_label,
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
    record.officials.set(officials_of(department, officials, facts=record.facts))
    attach(files, actor=actor, department=department, record=record)
    log_event(record, action="created", actor=actor, to_status=record.status)
    return record


@transaction.atomic
def record_update(*, record: DishonestyRecord, actor: User | None, **changes) -> DishonestyRecord:
    """Edit a draft. Once confirmed, a record's facts are fixed; corrections go on its timeline."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    record = locked_record(record)
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
        record.officials.set(officials_of(record.department, officials, facts=record.facts))
    else:
        ensure_facts_name_no_official(record.facts, record.officials.all())
    log_event(record, action="updated", actor=actor)
    return record


@transaction.atomic
def record_confirm(*, record: DishonestyRecord, actor: User | None, reason: str = ""):
    """Confirm a draft: it now counts against the department, and its responsible officials
    get an accountability entry in their files."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    record = locked_record(record)
    record_step(record, "confirm", actor=actor, reason=reason)
    for official in record.officials.all():
        AccountabilityEntry.objects.get_or_create(
            official=official, record=record, defaults={"note": reason}
        )
    exchange.workflow_event(exchange.RECORD_CONFIRMED, record, actor=actor, reason=reason)
    exchange.publication_sync(record, actor=actor)
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
    record = locked_record(record)
    today = timezone.localdate()
    # The rectification and explanation deadlines are the office's to set (限期整改: no law
    # fixes the number of days; the defaults are the office's configured proposal), so they
    # are kept as set and do not move past rest days (Civil Code art. 203 is for statutory
    # and agreed periods; docs/rules.md lists which deadlines roll).
    deadline = deadline or default_rectification_deadline(today)
    if deadline <= today:
        raise ValidationError({"deadline": _("The deadline must be after today.")})
    record_step(record, "require_rectification", actor=actor, reason=reason)
    Rectification.objects.create(
        record=record,
        deadline=deadline,
        explanation_due=min(
            deadline, today + datetime.timedelta(days=settings.CHENGXIN_EXPLANATION_DAYS)
        ),
        requirements=requirements,
    )
    tell(
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
    ensure_department_role(actor)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    explanation = require_text(
        explanation, "explanation", _("Write the explanation of the causes.")
    )
    record = locked_record(record)
    record_step(record, "submit_explanation", actor=actor, reason=excerpt(explanation))
    rectification = record.rectification
    rectification.explanation = explanation
    rectification.explanation_submitted_at = timezone.now()
    rectification.explanation_submitted_by = actor
    save_with_history(
        rectification, actor=actor, reason=transition_step_label("submit_explanation")
    )
    tell(
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
    ensure_department_role(actor)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    content = require_text(content, "content", _("Describe what was done to rectify."))
    record = locked_record(record)
    record_step(record, "submit_report", actor=actor, reason=excerpt(content))
    report = RectificationReport.objects.create(
        rectification=record.rectification, content=content, submitted_by=actor
    )
    attach(files, actor=actor, department=record.department, report=report)
    tell(
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
    reason = require_text(reason, "reason", _("Give the reasons for accepting the rectification."))
    record = locked_record(record)
    record_step(record, "verify", actor=actor, reason=reason)
    _decide_report(record, actor=actor, decision=ReportDecision.ACCEPTED, reason=reason)
    rectification = record.rectification
    rectification.verified_at = timezone.now()
    rectification.verified_by = actor
    rectification.verification_reason = reason
    save_with_history(rectification, actor=actor, reason=transition_step_label("verify"))
    tell(record, to="liaisons", title=gettext_lazy("Rectification verified: %(number)s"))
    return record


@transaction.atomic
def record_return(*, record: DishonestyRecord, actor: User | None, reason: str):
    """Send the latest report back with the reasons; the rectification goes on."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    reason = require_text(reason, "reason", _("Say why the report is returned."))
    record = locked_record(record)
    record_step(record, "return_report", actor=actor, reason=reason)
    report = _decide_report(record, actor=actor, decision=ReportDecision.RETURNED, reason=reason)
    # The escalation ladder stood still while the report awaited verification: those days do
    # not count towards its next step.
    rectification = Rectification.objects.select_for_update().get(record=record)
    if deadlines.ladder_pause_ended(
        rectification,
        paused_since=timezone.localtime(report.submitted_at).date(),
        today=timezone.localdate(),
    ):
        save_with_history(rectification, actor=actor, reason=transition_step_label("return_report"))
    tell(record, to="liaisons", title=gettext_lazy("Rectification report returned: %(number)s"))
    return record


@transaction.atomic
def record_close(*, record: DishonestyRecord, actor: User | None, reason: str = ""):
    """Close a verified record, or a confirmed one that needs no rectification, saying why."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    record = locked_record(record)
    reason = require_text(
        reason,
        "reason",
        _("Say why this record needs no rectification before closing it.")
        if record.status == RecordStatus.CONFIRMED
        else _("Say why the record is closed."),
    )
    record.closed_on = timezone.localdate()
    record_step(record, "close", actor=actor, reason=reason)
    return record


# A closed, exempted or withdrawn record's file is complete: no evidence is added to it.
EVIDENCE_CLOSED_STATUSES = (RecordStatus.CLOSED, RecordStatus.EXEMPTED, RecordStatus.WITHDRAWN)


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
    record = locked_record(record)
    if record.status in EVIDENCE_CLOSED_STATUSES:
        raise WorkflowConflict(
            _("This record is “%(status)s”: no more evidence can be added.")
            % {"status": record.get_status_display()}
        )
    attachments = attach(files, actor=actor, department=record.department, record=record)
    log_event(
        record,
        action="attachment_added",
        actor=actor,
        reason="、".join(a.original_name for a in attachments),
    )
    return attachments
