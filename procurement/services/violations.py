"""Decisions on red flags (dismissed with reasons, or confirmed as a violation) and the
purchasers' violations: entered (normally with a dishonesty record) and withdrawn."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exceptions import WorkflowConflict
from core.models import Department
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history
from credit_records.models import RecordCategory, RecordSource
from credit_records.services import lock_department, record_create

from ..models import (
    FlagStatus,
    ProcurementProject,
    RedFlag,
    Violation,
    ViolationKind,
)
from .base import _check_purchaser, default_violation_kind

# The dishonesty record's category by the violation's kind; every other kind is a
# procurement violation.
RECORD_CATEGORY = {
    ViolationKind.SME_ARREARS: RecordCategory.SME_ARREARS,
    ViolationKind.AGREEMENT_BREACH: RecordCategory.BROKEN_COMMITMENT,
}


# A red flag is not a core Review (core.services.review_decide): the checks raise it, nobody
# files it; it is open/confirmed/dismissed, once per rule and object rather than one pending
# per subject; confirming it enters a violation inside the decision; and its history names
# the new status, not the reasons. The shared helper would change each of these.
def _locked_flag(flag: RedFlag) -> RedFlag:
    return RedFlag.objects.select_for_update().select_related("purchaser").get(pk=flag.pk)


@transaction.atomic
def flag_dismiss(*, actor, flag: RedFlag, reason: str) -> RedFlag:
    """Dismiss a flag with the reasons (an explained delay, a data error)."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, RedFlag, flag.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reasons for dismissing this flag.")})
    flag = _locked_flag(flag)
    if flag.status != FlagStatus.OPEN:
        raise WorkflowConflict(
            _("This flag is already “%(status)s”.") % {"status": flag.get_status_display()}
        )
    flag.status = FlagStatus.DISMISSED
    flag.reason = reason
    flag.decided_by = actor
    flag.decided_at = timezone.now()
    save_with_history(flag, actor=actor, reason=str(FlagStatus.DISMISSED.label))
    return flag


@transaction.atomic
def flag_confirm(
    *,
    actor,
    flag: RedFlag,
    severity: str,
    decision_number: str,
    issuing_authority: str,
    kind: str = "",
    decided_on: datetime.date | None = None,
    facts: str = "",
    create_record: bool = True,
) -> Violation:
    """Confirm a flag as a violation of its purchaser (and, normally, a dishonesty record)."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, RedFlag, flag.pk)
    flag = _locked_flag(flag)
    if flag.status != FlagStatus.OPEN:
        raise WorkflowConflict(
            _("This flag is already “%(status)s”.") % {"status": flag.get_status_display()}
        )
    if not facts:
        # The record is an official document: its facts are written in the portal's language.
        with translation.override(settings.LANGUAGE_CODE):
            facts = f"{flag.get_rule_display()}：{flag.describe()}"
    violation = violation_create(
        actor=actor,
        purchaser=flag.purchaser,
        project=flag.project,
        flag=flag,
        kind=kind or default_violation_kind(flag),
        severity=severity,
        decision_number=decision_number,
        issuing_authority=issuing_authority,
        decided_on=decided_on or timezone.localdate(),
        facts=facts,
        create_record=create_record,
    )
    flag.status = FlagStatus.CONFIRMED
    flag.reason = _("Confirmed as violation %(number)s") % {"number": violation.decision_number}
    flag.decided_by = actor
    flag.decided_at = timezone.now()
    save_with_history(flag, actor=actor, reason=str(FlagStatus.CONFIRMED.label))
    return violation


@transaction.atomic
def violation_create(
    *,
    actor,
    purchaser: Department,
    kind: str,
    severity: str,
    decision_number: str,
    issuing_authority: str,
    decided_on: datetime.date,
    facts: str,
    project: ProcurementProject | None = None,
    flag: RedFlag | None = None,
    create_record: bool = True,
) -> Violation:
    """Enter a purchaser's violation; with ``create_record`` it also becomes a draft
    dishonesty record (category SME arrears or procurement violation, source procurement)
    through the credit-records service, linked both ways."""
    _check_purchaser(actor, purchaser.pk)
    if project is not None:
        if actor is not None:
            ensure_in_scope(actor, ProcurementProject, project.pk)
        if project.purchaser_id != purchaser.pk:
            raise ValidationError({"project": _("The project belongs to another purchaser.")})
    if decided_on and decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The decision date cannot be in the future.")})
    # Serialise entries for one purchaser, so a duplicate decision number entered twice at
    # once is a form error for the second official, not an IntegrityError.
    lock_department(purchaser)
    violation = Violation(
        purchaser=purchaser,
        project=project,
        flag=flag,
        kind=kind,
        severity=severity,
        decision_number=(decision_number or "").strip(),
        issuing_authority=(issuing_authority or "").strip(),
        decided_on=decided_on,
        facts=(facts or "").strip(),
        created_by=actor,
    )
    violation.full_clean()
    save_with_history(violation, actor=actor)
    if create_record:
        record = record_create(
            actor=actor,
            department=purchaser,
            category=RECORD_CATEGORY.get(kind, RecordCategory.PROCUREMENT_VIOLATION),
            severity=severity,
            decision_number=violation.decision_number,
            issuing_authority=violation.issuing_authority,
            decision_date=violation.decided_on,
            facts=violation.facts,
            source=RecordSource.PROCUREMENT,
        )
        violation.record = record
        save_with_history(violation, actor=actor, reason=_("Dishonesty record created"))
    return violation


@transaction.atomic
def violation_withdraw(*, actor, violation: Violation, reason: str) -> Violation:
    """Withdraw a violation entered in error, with the reasons. It stays on file and in its
    history but no longer counts in the purchaser's score; the red flag it confirmed is
    dismissed with the same reasons. Its dishonesty record, if any, is left to the
    credit-records workflow (a draft one simply never gets confirmed); nothing is deleted."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Violation, violation.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reasons for withdrawing this violation.")})
    violation = Violation.objects.select_for_update().get(pk=violation.pk)
    if violation.is_withdrawn:
        raise WorkflowConflict(_("This violation has already been withdrawn."))
    violation.withdrawn_at = timezone.now()
    violation.withdrawn_by = actor
    violation.withdrawal_reason = reason
    save_with_history(violation, actor=actor, reason=_("Withdrawn"))
    if violation.flag_id:
        flag = _locked_flag(violation.flag)
        flag.status = FlagStatus.DISMISSED
        flag.reason = _("Violation %(number)s withdrawn: %(reason)s") % {
            "number": violation.decision_number,
            "reason": reason,
        }
        flag.decided_by = actor
        flag.decided_at = violation.withdrawn_at
        save_with_history(flag, actor=actor, reason=str(FlagStatus.DISMISSED.label))
    return violation
