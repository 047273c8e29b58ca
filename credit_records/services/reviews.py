"""Requests a supervisor decides: fault-tolerance claims (容错纠错) and credit repair (信用修复).

Every write goes through a function here: keyword-only arguments, the acting user as
``actor``, one transaction, and the audit trail written with it."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.calendar import add_working_days
from core.exceptions import WorkflowConflict
from core.models import User
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, review_decide, save_with_history
from credit_records import exchange
from credit_records.models import (
    AccountabilityEntry,
    CreditRepairApplication,
    DishonestyRecord,
    FaultToleranceClaim,
    RecordStatus,
    ReviewStatus,
)
from credit_records.services.base import (
    ACTION_LABELS,
    attach,
    locked_record,
    log_event,
    record_step,
    require_text,
    tell,
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
    grounds = require_text(grounds, "grounds", _("State the grounds of the claim."))
    record = locked_record(record)
    if record.status not in (RecordStatus.CONFIRMED, RecordStatus.RECTIFICATION_REQUIRED):
        raise WorkflowConflict(
            _("A fault-tolerance claim can only be filed on a confirmed record.")
        )
    if record.fault_tolerance_claims.filter(status=ReviewStatus.PENDING).exists():
        raise WorkflowConflict(_("This record already has a claim awaiting review."))
    claim = FaultToleranceClaim.objects.create(record=record, grounds=grounds, filed_by=actor)
    attach(files, actor=actor, department=record.department, claim=claim)
    log_event(record, action="claim_filed", actor=actor, reason=grounds)
    return claim


@transaction.atomic
def fault_tolerance_claim_review(
    *, claim: FaultToleranceClaim, actor: User | None, approve: bool, reason: str
) -> FaultToleranceClaim:
    """A supervisor decides a claim; approval exempts the record (kept for audit)."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, FaultToleranceClaim, claim.pk)
    reason = require_text(reason, "reason", _("Give the reasons for the decision."))
    record = locked_record(claim.record)
    claim = review_decide(review=claim, actor=actor, approve=approve, reason=reason)
    if approve:
        record_step(record, "exempt", actor=actor, reason=reason)
        # The officials' entries stay in their files for audit, marked, no longer counted.
        for entry in AccountabilityEntry.objects.select_for_update().filter(
            record=record, exempted_at__isnull=True
        ):
            entry.exempted_at = claim.decided_at
            save_with_history(entry, actor=actor, reason=reason)
        exchange.workflow_event(
            exchange.EXEMPTION_APPROVED, record, actor=actor, obj=claim, reason=reason
        )
        exchange.publication_sync(record, actor=actor, cause="exempted")
    else:
        log_event(record, action="claim_rejected", actor=actor, reason=reason)
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
    commitment_text = require_text(
        commitment_text, "commitment_text", _("The credit commitment is required.")
    )
    record = locked_record(record)
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
    log_event(record, action="repair_applied", actor=actor, reason=statement)
    tell(
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
    reason = require_text(reason, "reason", _("Give the reasons for the decision."))
    record = locked_record(application.record)
    application = review_decide(review=application, actor=actor, approve=approve, reason=reason)
    if approve:
        record.disclosure_ended_early_on = timezone.localdate()
        save_with_history(record, actor=actor, reason=str(ACTION_LABELS["repair_approved"]))
    log_event(
        record,
        action="repair_approved" if approve else "repair_rejected",
        actor=actor,
        reason=reason,
    )
    if approve:
        exchange.workflow_event(
            exchange.REPAIR_APPROVED, record, actor=actor, obj=application, reason=reason
        )
        exchange.publication_sync(record, actor=actor, cause="repaired")
    tell(
        record,
        to="liaisons",
        title=gettext_lazy("Credit repair approved: %(number)s")
        if approve
        else gettext_lazy("Credit repair rejected: %(number)s"),
    )
    return application
