"""Writes. Every change goes through a function here: keyword-only arguments, the acting
user as ``actor`` (None for trusted system calls: imports from the command line, the
periodic scan, the demo), role and scope checked first, one transaction, history written.

Each write re-checks the red-flag rules of the project it touched (``evaluate_project``),
and the periodic ``scan`` catches what only the passing of time reveals (a contract still
unsigned, a payment still unpaid). A flag is raised once per rule and object: the unique
constraint on ``(rule, object_key)`` decides, however often and however concurrently the
checks run.
"""

import datetime
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exceptions import OutOfScope, WorkflowConflict
from core.models import Department
from core.roles import Role
from core.services import ensure_in_scope, ensure_role
from credit_records.models import RecordCategory, RecordSource
from credit_records.services import lock_department, record_create

from . import rules
from .models import (
    Acceptance,
    AcceptanceResult,
    Contract,
    FlagRule,
    FlagStatus,
    Payment,
    ProcurementMethod,
    ProcurementProject,
    RedFlag,
    Supplier,
    Violation,
    ViolationKind,
)

logger = logging.getLogger(__name__)
# Projects whose checks wait for the end of a ``deferred_flag_checks`` block (this thread).
_deferred = threading.local()

__all__ = ["OutOfScope", "WorkflowConflict"]

# The violation a confirmed flag becomes, unless the official chooses another kind.
FLAG_VIOLATION_KIND = {
    FlagRule.LATE_SIGNING: ViolationKind.NOT_SIGNING,
    FlagRule.SUPPLEMENTARY_OVER_CAP: ViolationKind.CONTRACT_MANAGEMENT,
    FlagRule.SME_PAYMENT_LATE: ViolationKind.SME_ARREARS,
    FlagRule.ACCEPTANCE_LATE: ViolationKind.CONTRACT_MANAGEMENT,
    FlagRule.FILING_LATE: ViolationKind.CONTRACT_MANAGEMENT,
    FlagRule.AWARD_OVER_BUDGET: ViolationKind.CONTRACT_MANAGEMENT,
    FlagRule.SINGLE_SOURCE_SHARE: ViolationKind.AVOID_OPEN_TENDER,
}


def _save(instance, *, actor, reason: str = "") -> None:
    instance._history_user = actor
    instance._change_reason = reason[:100]
    instance.save()


def _check_purchaser(actor, purchaser_id) -> None:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Department, purchaser_id)


def _check_project(actor, project_id) -> None:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, ProcurementProject, project_id)


# --------------------------------------------------------------------------------------------
# Suppliers, projects, contracts, acceptance, payments
# --------------------------------------------------------------------------------------------


@transaction.atomic
def supplier_save(*, actor, supplier: Supplier) -> Supplier:
    ensure_role(actor, Role.SUPERVISOR)
    supplier.full_clean()
    _save(supplier, actor=actor)
    if supplier.pk:
        # Becoming (or ceasing to be) an SME changes the due dates of its payments.
        for contract in Contract.objects.filter(project__supplier=supplier):
            _refresh_payments(contract)
    return supplier


@transaction.atomic
def project_save(*, actor, project: ProcurementProject) -> ProcurementProject:
    """Create or edit a project: its notice and, once decided, its award.

    Moving a project to another purchaser moves its red flags along (they are scoped by
    their own ``purchaser``), so the old purchaser's officials stop seeing them and the new
    one's can decide them. Once a violation was found on the project it stays with the
    purchaser that committed it: the move is refused."""
    previous_purchaser_id = None
    if project.pk:
        _check_project(actor, project.pk)
        previous_purchaser_id = (
            ProcurementProject.objects.select_for_update()
            .values_list("purchaser_id", flat=True)
            .get(pk=project.pk)
        )
    _check_purchaser(actor, project.purchaser_id)
    moved = previous_purchaser_id is not None and previous_purchaser_id != project.purchaser_id
    if moved and Violation.objects.filter(project_id=project.pk).exists():
        raise ValidationError(
            {
                "purchaser": _(
                    "The purchaser cannot be changed: a violation was already recorded on "
                    "this project."
                )
            }
        )
    project.full_clean()
    _save(project, actor=actor)
    if moved:
        _move_flags(project, actor=actor)
    if hasattr(project, "contract"):
        _refresh_payments(project.contract)
    evaluate_project(project)
    return project


def _ensure_same_parent(instance, field: str) -> None:
    """A contract stays with its project, an acceptance or a payment with its contract:
    moving one would carry its figures (and flags) into another purchase's history."""
    if not instance.pk:
        return
    attname = f"{field}_id"
    stored = type(instance).objects.filter(pk=instance.pk).values_list(attname, flat=True).first()
    if stored is not None and stored != getattr(instance, attname):
        raise ValidationError(
            {
                field: _("This cannot be moved to another %(parent)s.")
                % {"parent": instance._meta.get_field(field).verbose_name}
            }
        )


@transaction.atomic
def contract_save(*, actor, contract: Contract) -> Contract:
    _check_project(actor, contract.project_id)
    _ensure_same_parent(contract, "project")
    project = contract.project
    contract.full_clean()
    _save(contract, actor=actor)
    _refresh_payments(contract)
    evaluate_project(project)
    return contract


@transaction.atomic
def acceptance_save(*, actor, acceptance: Acceptance) -> Acceptance:
    contract = acceptance.contract
    _check_project(actor, contract.project_id)
    _ensure_same_parent(acceptance, "contract")
    if acceptance.acceptance_date and acceptance.result == AcceptanceResult.PENDING:
        acceptance.result = AcceptanceResult.PASSED
    acceptance.full_clean()
    _save(acceptance, actor=actor)
    _refresh_payments(contract)
    evaluate_project(contract.project)
    return acceptance


@transaction.atomic
def payment_save(*, actor, payment: Payment) -> Payment:
    contract = payment.contract
    _check_project(actor, contract.project_id)
    _ensure_same_parent(payment, "contract")
    # One payment of a contract at a time: the check of their total against the contract
    # amount (Payment.clean) must see the others'.
    Contract.objects.select_for_update().values_list("pk", flat=True).get(pk=contract.pk)
    _compute_payment(payment, contract)
    payment.full_clean()
    _save(payment, actor=actor)
    evaluate_project(contract.project)
    return payment


def _move_flags(project: ProcurementProject, *, actor) -> None:
    """The project's flags follow it to its new purchaser (each with a history entry)."""
    flags = RedFlag.objects.filter(Q(project=project) | Q(payment__contract__project=project))
    for flag in flags.exclude(purchaser_id=project.purchaser_id):
        flag.purchaser_id = project.purchaser_id
        _save(flag, actor=actor, reason=_("Project moved to another purchaser"))


def _compute_payment(payment: Payment, contract: Contract) -> None:
    acceptance = getattr(contract, "acceptance", None)
    supplier = contract.project.supplier
    payment.due_date = rules.payment_due_date(
        delivery_date=acceptance.delivery_date if acceptance else None,
        acceptance_date=acceptance.acceptance_date
        if acceptance and acceptance.result == AcceptanceResult.PASSED
        else None,
        after_acceptance=contract.payment_after_acceptance,
        agreed_days=contract.payment_term_days,
        is_sme=bool(supplier and supplier.is_sme),
    )
    payment.late_days = rules.days_late(payment.due_date, payment.paid_date)
    payment.late_interest = rules.late_interest(payment.amount, payment.late_days)


def _refresh_payments(contract: Contract) -> None:
    """Recompute due dates and interest after the contract or its acceptance changed."""
    contract = Contract.objects.select_related("project__supplier", "acceptance").get(
        pk=contract.pk
    )
    for payment in contract.payments.all():
        before = (payment.due_date, payment.late_days, payment.late_interest)
        _compute_payment(payment, contract)
        if before != (payment.due_date, payment.late_days, payment.late_interest):
            _save(payment, actor=None, reason=_("Due date recomputed"))


# --------------------------------------------------------------------------------------------
# Red flags
# --------------------------------------------------------------------------------------------


@dataclass
class Finding:
    rule: str
    object_key: str
    purchaser_id: int
    evidence: dict
    project_id: int | None = None
    payment_id: int | None = None
    extra: dict = field(default_factory=dict)


def _percent(value: Decimal) -> str:
    return format((value * 100).quantize(Decimal("0.01")).normalize(), "f")


def project_findings(
    project: ProcurementProject, today: datetime.date | None = None
) -> list[Finding]:
    """What the rules find wrong with one project today (nothing is written)."""
    today = today or timezone.localdate()
    found = []
    key = f"project:{project.pk}"

    def add(rule, evidence, **kwargs):
        found.append(
            Finding(
                rule,
                kwargs.pop("object_key", key),
                project.purchaser_id,
                evidence,
                project.pk,
                **kwargs,
            )
        )

    if project.award_amount is not None and project.award_amount > project.budget:
        add(
            FlagRule.AWARD_OVER_BUDGET,
            {"award_amount": str(project.award_amount), "budget": str(project.budget)},
        )
    if not project.is_awarded:
        return found
    contract = Contract.objects.filter(project=project).select_related("acceptance").first()
    signed_or_today = contract.signed_date if contract else today
    if rules.signing_is_late(project.award_date, signed_or_today):
        add(
            FlagRule.LATE_SIGNING,
            {
                "award_date": project.award_date.isoformat(),
                "signed_date": contract.signed_date.isoformat() if contract else None,
                "provisional": contract is None,
                "days": (signed_or_today - project.award_date).days,
                "limit": settings.CHENGXIN_PROCUREMENT_SIGNING_DAYS,
                "as_of": today.isoformat(),
            },
        )
    if contract is None:
        return found
    if rules.supplementary_over_cap(contract.amount, contract.supplementary_amount):
        add(
            FlagRule.SUPPLEMENTARY_OVER_CAP,
            {
                "amount": str(contract.amount),
                "supplementary_amount": str(contract.supplementary_amount),
                "share_percent": _percent(contract.supplementary_amount / contract.amount),
                "cap_percent": _percent(
                    Decimal(str(settings.CHENGXIN_PROCUREMENT_SUPPLEMENTARY_CAP))
                ),
            },
        )
    deadline = rules.filing_deadline(contract.signed_date)
    if (contract.filed_date or today) > deadline:
        add(
            FlagRule.FILING_LATE,
            {
                "signed_date": contract.signed_date.isoformat(),
                "deadline": deadline.isoformat(),
                "filed_date": contract.filed_date.isoformat() if contract.filed_date else None,
                "provisional": contract.filed_date is None,
                "as_of": today.isoformat(),
            },
        )
    acceptance = getattr(contract, "acceptance", None)
    if acceptance is not None:
        deadline = rules.acceptance_deadline(acceptance.delivery_date)
        if (acceptance.acceptance_date or today) > deadline:
            add(
                FlagRule.ACCEPTANCE_LATE,
                {
                    "delivery_date": acceptance.delivery_date.isoformat(),
                    "deadline": deadline.isoformat(),
                    "acceptance_date": acceptance.acceptance_date.isoformat()
                    if acceptance.acceptance_date
                    else None,
                    "provisional": acceptance.acceptance_date is None,
                    "as_of": today.isoformat(),
                },
            )
    if project.supplier and project.supplier.is_sme:
        for payment in contract.payments.filter(due_date__isnull=False):
            days = rules.days_late(payment.due_date, payment.paid_date or today)
            if days <= 0:
                continue
            add(
                FlagRule.SME_PAYMENT_LATE,
                {
                    "amount": str(payment.amount),
                    "due_date": payment.due_date.isoformat(),
                    "paid_date": payment.paid_date.isoformat() if payment.paid_date else None,
                    "provisional": payment.paid_date is None,
                    "days_late": days,
                    "late_interest": str(rules.late_interest(payment.amount, days)),
                    "as_of": today.isoformat(),
                },
                object_key=f"payment:{payment.pk}",
                payment_id=payment.pk,
            )
    return found


def single_source_findings(purchaser_id: int, year: int) -> list[Finding]:
    from .selectors import single_source_by_year

    figures = single_source_by_year(purchaser_id, year)
    if not rules.single_source_share_exceeded(
        figures["single"], figures["total"], figures["projects"]
    ):
        return []
    threshold = Decimal(str(settings.CHENGXIN_PROCUREMENT_SINGLE_SOURCE_SHARE))
    return [
        Finding(
            FlagRule.SINGLE_SOURCE_SHARE,
            f"purchaser:{purchaser_id}:{year}",
            purchaser_id,
            {
                "year": year,
                "single_source_amount": str(figures["single"]),
                "total_amount": str(figures["total"]),
                "projects": figures["projects"],
                "share_percent": _percent(figures["single"] / figures["total"]),
                "threshold_percent": _percent(threshold),
            },
        )
    ]


def raise_flags(findings: list[Finding]) -> list[RedFlag]:
    """Raise the flags not raised yet; returns the new ones. Safe to call concurrently: the
    unique constraint lets exactly one insert per (rule, object) through."""
    raised = []
    for finding in findings:
        if RedFlag.objects.filter(rule=finding.rule, object_key=finding.object_key).exists():
            continue
        try:
            with transaction.atomic():
                flag = RedFlag(
                    rule=finding.rule,
                    object_key=finding.object_key,
                    purchaser_id=finding.purchaser_id,
                    project_id=finding.project_id,
                    payment_id=finding.payment_id,
                    evidence=finding.evidence,
                )
                flag._change_reason = "raised"
                flag.save()
        except IntegrityError:
            continue  # raised by someone else a moment ago
        raised.append(flag)
    return raised


def evaluate_project(
    project: ProcurementProject,
    today: datetime.date | None = None,
    *,
    raise_provisional: bool = True,
) -> list[RedFlag]:
    """Check one project's rules (and its purchaser's single-source share in the award's
    year) and raise what is new. Without ``raise_provisional`` a finding that rests on a
    date not on file yet ("not signed", "unpaid") raises no flag: the periodic ``scan``
    raises it if the date is still missing then."""
    deferred = getattr(_deferred, "projects", None)
    if deferred is not None:
        deferred.add(project.pk)
        return []
    project = ProcurementProject.objects.select_related("supplier").get(pk=project.pk)
    findings = project_findings(project, today)
    _update_provisional_flags(project, findings)
    if not raise_provisional:
        findings = [finding for finding in findings if not finding.evidence.get("provisional")]
    if project.award_date:
        # Any award moves the year's share (and the count of projects it needs).
        findings += single_source_findings(project.purchaser_id, project.award_date.year)
    return raise_flags(findings)


@contextmanager
def deferred_flag_checks(*, raise_provisional: bool = True):
    """Check each project touched inside the block once, at its end: for entering a
    project's past (award, contract, acceptance, payments) in one go, so that the award
    alone does not look like a contract never signed.

    Spreadsheet imports pass ``raise_provisional=False``: projects, contracts, acceptances
    and payments come in separate files, and a historical project imported before its
    contract must not get a "not signed" flag that the contract file then withdraws. What
    is still missing once the files are in, the periodic scan flags."""
    if getattr(_deferred, "projects", None) is not None:
        yield  # nested: the outermost block checks
        return
    _deferred.projects = set()
    try:
        yield
        projects = _deferred.projects
    finally:
        _deferred.projects = None
    for pk in sorted(projects):
        evaluate_project(ProcurementProject(pk=pk), raise_provisional=raise_provisional)


def _update_provisional_flags(project: ProcurementProject, findings: list[Finding]) -> None:
    """A flag raised because a date was still missing ("not signed yet", "unpaid") follows
    the facts while it is open: its evidence is brought up to date (the days late and the
    interest so far grow every day until the date is recorded, then show the recorded
    date), or, if the rule no longer finds anything (the contract was in fact signed in
    time), it is withdrawn. Flags on recorded facts stay for an official to decide."""
    found = {(finding.rule, finding.object_key): finding for finding in findings}
    open_flags = RedFlag.objects.filter(
        Q(project=project) | Q(payment__contract__project=project),
        status=FlagStatus.OPEN,
        evidence__provisional=True,
    )
    for flag in open_flags:
        finding = found.get((flag.rule, flag.object_key))
        if finding is not None:
            if finding.evidence != flag.evidence:
                flag.evidence = finding.evidence
                _save(flag, actor=None, reason=_("Evidence updated"))
            continue
        flag.status = FlagStatus.DISMISSED
        flag.reason = _("Withdrawn automatically: the missing date was recorded within the limit.")
        flag.decided_at = timezone.now()
        _save(flag, actor=None, reason=str(FlagStatus.DISMISSED.label))


def scan(today: datetime.date | None = None) -> dict[str, int]:
    """The periodic check: every project time can put in breach today, and every purchaser
    year with single-source awards. Derives its work from the database; idempotent."""
    today = today or timezone.localdate()
    signing_cutoff = today - datetime.timedelta(days=settings.CHENGXIN_PROCUREMENT_SIGNING_DAYS)
    acceptance_cutoff = today - datetime.timedelta(
        days=settings.CHENGXIN_PROCUREMENT_ACCEPTANCE_DAYS
    )
    # Seven working days are at least seven calendar days: a cheap, safe pre-filter.
    filing_cutoff = today - datetime.timedelta(
        days=settings.CHENGXIN_PROCUREMENT_FILING_WORKING_DAYS
    )
    candidates = ProcurementProject.objects.filter(
        Q(award_date__lt=signing_cutoff, contract__isnull=True)
        | Q(contract__filed_date__isnull=True, contract__signed_date__lt=filing_cutoff)
        | Q(
            contract__acceptance__acceptance_date__isnull=True,
            contract__acceptance__delivery_date__lt=acceptance_cutoff,
        )
        | Q(
            contract__payments__paid_date__isnull=True,
            contract__payments__due_date__lt=today,
            supplier__is_sme=True,
        )
        # Rows written without a service (a raw import, a data fix): checked once more.
        | Q(updated_at__gte=timezone.now() - datetime.timedelta(days=2))
        # Open flags on a missing date: their evidence (days, interest so far) is refreshed.
        | Q(flags__status=FlagStatus.OPEN, flags__evidence__provisional=True)
    ).values_list("pk", flat=True)
    raised = 0
    checked = 0
    for pk in sorted(set(candidates)):
        project = ProcurementProject.objects.select_related("supplier").get(pk=pk)
        with transaction.atomic():
            findings = project_findings(project, today)
            _update_provisional_flags(project, findings)
            raised += len(raise_flags(findings))
        checked += 1
    years = (
        ProcurementProject.objects.filter(
            method=ProcurementMethod.SINGLE_SOURCE, award_date__isnull=False
        )
        .values_list("purchaser_id", "award_date__year")
        .distinct()
    )
    for purchaser_id, year in sorted(set(years)):
        with transaction.atomic():
            raised += len(raise_flags(single_source_findings(purchaser_id, year)))
    result = {"projects_checked": checked, "flags_raised": raised}
    logger.info("Procurement scan for %s: %s", today, result)
    return result


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
    _save(flag, actor=actor, reason=str(FlagStatus.DISMISSED.label))
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
        kind=kind or FLAG_VIOLATION_KIND[flag.rule],
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
    _save(flag, actor=actor, reason=str(FlagStatus.CONFIRMED.label))
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
    _save(violation, actor=actor)
    if create_record:
        record = record_create(
            actor=actor,
            department=purchaser,
            category=RecordCategory.SME_ARREARS
            if kind == ViolationKind.SME_ARREARS
            else RecordCategory.PROCUREMENT_VIOLATION,
            severity=severity,
            decision_number=violation.decision_number,
            issuing_authority=violation.issuing_authority,
            decision_date=violation.decided_on,
            facts=violation.facts,
            source=RecordSource.PROCUREMENT,
        )
        violation.record = record
        _save(violation, actor=actor, reason=_("Dishonesty record created"))
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
    _save(violation, actor=actor, reason=_("Withdrawn"))
    if violation.flag_id:
        flag = _locked_flag(violation.flag)
        flag.status = FlagStatus.DISMISSED
        flag.reason = _("Violation %(number)s withdrawn: %(reason)s") % {
            "number": violation.decision_number,
            "reason": reason,
        }
        flag.decided_by = actor
        flag.decided_at = violation.withdrawn_at
        _save(flag, actor=actor, reason=str(FlagStatus.DISMISSED.label))
    return violation
