"""Officials, commendations and commitments (a broken commitment becomes a draft record).

Every write goes through a function here: keyword-only arguments, the acting user as
``actor``, one transaction, and the audit trail written with it."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import WorkflowConflict
from core.models import Department, User
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history
from credit_records.models import (
    Commendation,
    Commitment,
    CommitmentStatus,
    DishonestyRecord,
    PublicOfficial,
    RecordCategory,
    Severity,
)
from credit_records.services.base import ACTION_LABELS, attach
from credit_records.services.records import record_create


def _check_department(actor, department) -> None:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Department, department.pk)


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
    attach(files, actor=actor, department=commitment.department, commitment=commitment)
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
