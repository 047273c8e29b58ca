"""Objections to a record (异议申诉): the department (its liaison, or the credit office or the
provincial platform on its behalf) files one with grounds, an explanation and evidence; the
credit office that confirmed the record acknowledges it, may suspend its disclosure, and
decides: upheld, the record is corrected field by field or withdrawn; rejected, with reasons,
and the same grounds cannot be raised again for that record.

Every write goes through a function here: keyword-only arguments, the acting user as
``actor``, one transaction, the record's timeline and history written with it, and both
sides told after commit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exceptions import WorkflowConflict
from core.models import User
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, review_decide, save_with_history
from credit_records import exchange
from credit_records.models import (
    COUNTING_STATUSES,
    AccountabilityEntry,
    DishonestyRecord,
    Objection,
    ObjectionGrounds,
    ObjectionOutcome,
    ObjectionStatus,
    RecordEventAction,
    Severity,
)
from credit_records.rules import disclosure_window, objection_dues
from credit_records.services.base import (
    attach,
    ensure_facts_name_no_official,
    excerpt,
    locked_record,
    log_event,
    record_step,
    require_text,
    tell,
)

# The fields an upheld objection may correct. The disclosure window follows the severity and
# the decision date (rules.disclosure_window), so "wrong severity or period" is corrected
# through those two.
CORRECTABLE_FIELDS = (
    "category",
    "severity",
    "decision_number",
    "issuing_authority",
    "decision_date",
    "facts",
    "disclose",
)


def _ensure_may_file(actor) -> None:
    """The department's liaison files; the credit office (and the provincial platform's
    account, which is a supervisor's or an administrator's) may file on its behalf. Auditors
    read only."""
    if actor is None:
        return
    if actor.is_superuser or actor.role in (Role.LIAISON, Role.SUPERVISOR, Role.ADMINISTRATOR):
        return
    raise PermissionDenied(_("Your role does not allow this action."))


def _locked_objection(objection: Objection) -> Objection:
    return Objection.objects.select_for_update().get(pk=objection.pk)


def _ensure_pending(objection: Objection) -> None:
    if objection.status != ObjectionStatus.PENDING:
        raise WorkflowConflict(str(objection.already_decided_message))


@transaction.atomic
def objection_file(
    *,
    record: DishonestyRecord,
    actor: User | None,
    grounds: str,
    explanation: str,
    files=(),
) -> Objection:
    """File an objection to a confirmed or published record (国办发〔2025〕22号: the subject may
    dispute published credit information). One may be pending per record at a time; grounds
    once rejected for this record cannot be raised again."""
    _ensure_may_file(actor)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    if grounds not in ObjectionGrounds.values:
        raise ValidationError({"grounds": _("Choose the grounds of the objection.")})
    explanation = require_text(explanation, "explanation", _("Explain why the record is wrong."))
    record = locked_record(record)
    if record.status not in COUNTING_STATUSES:
        raise WorkflowConflict(
            _(
                "An objection can only be filed against a confirmed record; this one is "
                "“%(status)s”."
            )
            % {"status": record.get_status_display()}
        )
    if record.objections.filter(status=ObjectionStatus.PENDING).exists():
        raise WorkflowConflict(_("This record already has an objection under review."))
    rejected = (
        record.objections.filter(status=ObjectionStatus.REJECTED, grounds=grounds)
        .order_by("decided_at")
        .first()
    )
    if rejected is not None:
        raise ValidationError(
            {
                "grounds": _(
                    "An objection on these grounds (%(grounds)s) was rejected on %(date)s: "
                    "the same grounds cannot be raised again for this record."
                )
                % {
                    "grounds": ObjectionGrounds(grounds).label,
                    "date": timezone.localdate(rejected.decided_at).isoformat(),
                }
            }
        )
    acknowledge_due, decide_due = objection_dues(timezone.localdate())
    objection = Objection.objects.create(
        record=record,
        grounds=grounds,
        explanation=explanation,
        filed_by=actor,
        filed_on_behalf=actor is None or actor.role != Role.LIAISON,
        acknowledge_due=acknowledge_due,
        decide_due=decide_due,
    )
    attach(files, actor=actor, department=record.department, objection=objection)
    log_event(
        record,
        action=RecordEventAction.OBJECTION_FILED,
        actor=actor,
        reason=f"{ObjectionGrounds(grounds).label}：{excerpt(explanation)}",
    )
    tell(
        record,
        to="supervisors",
        title=gettext_lazy("Objection to decide: %(number)s"),
        message=gettext_lazy("%(department)s objects to the record."),
    )
    tell(
        record,
        to="liaisons",
        title=gettext_lazy("Objection filed: %(number)s"),
        message=gettext_lazy("The objection of %(department)s was received."),
    )
    return objection


def _ensure_office(actor, objection: Objection) -> None:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Objection, objection.pk)


def _suspend(objection: Objection, record, *, actor, reason: str) -> None:
    objection.disclosure_suspended = True
    log_event(record, action=RecordEventAction.DISCLOSURE_SUSPENDED, actor=actor, reason=reason)


@transaction.atomic
def objection_acknowledge(
    *, objection: Objection, actor: User | None, suspend_disclosure: bool = False, note: str = ""
) -> Objection:
    """The credit office acknowledges the objection (within the acknowledgement period), and
    may suspend the record's disclosure until its decision."""
    _ensure_office(actor, objection)
    record = locked_record(objection.record)
    objection = _locked_objection(objection)
    _ensure_pending(objection)
    if objection.acknowledged_at is not None:
        raise WorkflowConflict(_("This objection has already been acknowledged."))
    objection.acknowledged_at = timezone.now()
    objection.acknowledged_by = actor
    note = (note or "").strip()
    log_event(record, action=RecordEventAction.OBJECTION_ACKNOWLEDGED, actor=actor, reason=note)
    if suspend_disclosure and not objection.disclosure_suspended:
        _suspend(objection, record, actor=actor, reason=note)
    save_with_history(
        objection, actor=actor, reason=str(RecordEventAction.OBJECTION_ACKNOWLEDGED.label)
    )
    exchange.publication_sync(record, actor=actor, cause="suspended")
    tell(
        record,
        to="liaisons",
        title=gettext_lazy("Objection acknowledged: %(number)s")
        if not objection.disclosure_suspended
        else gettext_lazy("Objection acknowledged, disclosure suspended: %(number)s"),
        message=gettext_lazy("The credit office will decide the objection of %(department)s."),
    )
    return objection


@transaction.atomic
def objection_suspend_disclosure(
    *, objection: Objection, actor: User | None, reason: str
) -> Objection:
    """Take the record off the public pages and open data until the objection is decided."""
    _ensure_office(actor, objection)
    reason = require_text(reason, "reason", _("Say why disclosure is suspended."))
    record = locked_record(objection.record)
    objection = _locked_objection(objection)
    _ensure_pending(objection)
    if objection.disclosure_suspended:
        raise WorkflowConflict(_("The record's disclosure is already suspended."))
    if objection.acknowledged_at is None:
        objection.acknowledged_at = timezone.now()
        objection.acknowledged_by = actor
    _suspend(objection, record, actor=actor, reason=reason)
    save_with_history(objection, actor=actor, reason=reason)
    exchange.publication_sync(record, actor=actor, cause="suspended")
    tell(
        record,
        to="liaisons",
        title=gettext_lazy("Disclosure suspended pending the objection: %(number)s"),
    )
    return objection


def _shown(record: DishonestyRecord, name: str, value) -> str:
    """A field's value as people read it (labels for choices, ISO dates, 是/否)."""
    field = DishonestyRecord._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _apply_corrections(record: DishonestyRecord, corrections: dict, *, actor, reason: str) -> dict:
    """Correct the record field by field; returns {field: [before, after]} of what changed.
    Refuses an unknown field, a correction that changes nothing, and a result the record's
    own validation refuses (a duplicate decision number, a future decision date …)."""
    unknown = sorted(set(corrections) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise ValidationError(
            {
                "corrections": _("These fields cannot be corrected: %(fields)s.")
                % {"fields": ", ".join(unknown)}
            }
        )
    changed = {}
    for name, value in corrections.items():
        if isinstance(value, str) and name != "facts":
            value = value.strip()
        if name == "severity" and value not in Severity.values:
            raise ValidationError({"severity": _("Choose a severity.")})
        before = getattr(record, name)
        if value in (None, "") or value == before:
            continue
        changed[name] = [_shown(record, name, before), _shown(record, name, value)]
        setattr(record, name, value)
    if not changed:
        raise ValidationError(
            {"corrections": _("An upheld correction changes at least one field of the record.")}
        )
    if "severity" in changed or "decision_date" in changed:
        record.minimum_period_ends, record.disclosure_ends = disclosure_window(
            record.severity, record.decision_date
        )
    record.full_clean(exclude=["status"])
    ensure_facts_name_no_official(record.facts, record.officials.all())
    save_with_history(record, actor=actor, reason=f"{ObjectionOutcome.CORRECTED.label}: {reason}")
    return changed


@transaction.atomic
def objection_decide(
    *,
    objection: Objection,
    actor: User | None,
    uphold: bool,
    reason: str,
    outcome: str = "",
    corrections: dict | None = None,
) -> Objection:
    """The credit office decides. Upheld: the record is corrected (``corrections``, field by
    field, with history) or withdrawn (it leaves every public page and export, no longer
    counts against the department and lifts the honours restriction it caused). Rejected:
    with reasons; the department may not raise the same grounds again for this record."""
    _ensure_office(actor, objection)
    reason = require_text(reason, "reason", _("Give the reasons for the decision."))
    if uphold and outcome not in ObjectionOutcome.values:
        raise ValidationError(
            {"outcome": _("Say whether the upheld objection corrects or withdraws the record.")}
        )
    record = locked_record(objection.record)
    objection = review_decide(review=objection, actor=actor, approve=uphold, reason=reason)
    if objection.acknowledged_at is None:
        objection.acknowledged_at = objection.decided_at
        objection.acknowledged_by = actor
    if not uphold:
        log_event(record, action=RecordEventAction.OBJECTION_REJECTED, actor=actor, reason=reason)
    elif outcome == ObjectionOutcome.CORRECTED:
        objection.outcome = outcome
        objection.corrections = _apply_corrections(
            record, corrections or {}, actor=actor, reason=reason
        )
        changes = "；".join(
            f"{DishonestyRecord._meta.get_field(name).verbose_name}：{before} → {after}"
            for name, (before, after) in objection.corrections.items()
        )
        log_event(
            record,
            action=RecordEventAction.OBJECTION_UPHELD,
            actor=actor,
            reason=f"{reason}\n{changes}",
        )
    else:
        objection.outcome = outcome
        record_step(record, "withdraw", actor=actor, reason=reason)
        # The officials' entries stay in their files for audit, marked, no longer counted.
        for entry in AccountabilityEntry.objects.select_for_update().filter(
            record=record, exempted_at__isnull=True
        ):
            entry.exempted_at = objection.decided_at
            save_with_history(entry, actor=actor, reason=reason)
    save_with_history(objection, actor=actor, reason=reason)
    exchange.workflow_event(
        exchange.OBJECTION_DECIDED,
        record,
        actor=actor,
        obj=objection,
        upheld=uphold,
        outcome=objection.outcome or "",
        corrections=objection.corrections or {},
        reason=reason,
    )
    # Rejected: a record whose disclosure was suspended is back in view.
    cause = (
        ("withdrawn" if outcome == ObjectionOutcome.WITHDRAWN else "corrected") if uphold else ""
    )
    exchange.publication_sync(record, actor=actor, cause=cause)
    if uphold:
        title = (
            gettext_lazy("Objection upheld, record withdrawn: %(number)s")
            if outcome == ObjectionOutcome.WITHDRAWN
            else gettext_lazy("Objection upheld, record corrected: %(number)s")
        )
    else:
        title = gettext_lazy("Objection rejected: %(number)s")
    tell(record, to="liaisons", title=title)
    tell(record, to="supervisors", title=title)
    return objection
