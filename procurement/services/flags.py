"""Red-flag checks: what the rules find in a project or a purchaser's year, raising each flag
once per rule and object (the unique constraint on ``(rule, object_key)`` decides, however
often and concurrently the checks run), checks deferred to the end of a batch, and the
periodic ``scan`` that catches what only the passing of time reveals."""

import datetime
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import last_working_day_before
from core.services import save_with_history

from .. import rules
from ..models import (
    Contract,
    FlagRule,
    FlagStatus,
    ProcurementMethod,
    ProcurementProject,
    RedFlag,
)

logger = logging.getLogger(__name__)
# Projects whose checks wait for the end of a ``deferred_flag_checks`` block (this thread).
_deferred = threading.local()


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
                "deadline": rules.signing_deadline(project.award_date).isoformat(),
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
    supplier_is_sme = bool(project.supplier and project.supplier.is_sme)
    if rules.term_over_limit(contract.payment_term_days, is_sme=supplier_is_sme):
        add(
            FlagRule.SME_TERM_OVER_LIMIT,
            {
                "supplier": project.supplier.name,
                "agreed_days": contract.payment_term_days,
                "limit": settings.CHENGXIN_PROCUREMENT_SME_PAYMENT_MAX_DAYS,
                "signed_date": contract.signed_date.isoformat(),
            },
            object_key=f"contract:{contract.pk}",
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
        deadline = rules.acceptance_deadline(
            acceptance.delivery_date, contract.acceptance_period_days
        )
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
    if supplier_is_sme:
        for payment in contract.payments.filter(due_date__isnull=False):
            days, interest = rules.payment_lateness(
                amount=payment.amount,
                disputed_amount=payment.disputed_amount,
                due_date=payment.due_date,
                paid_or_today=payment.paid_date or today,
                annual_percent=contract.late_interest_rate,
            )
            if days <= 0:
                continue
            add(
                FlagRule.SME_PAYMENT_LATE,
                {
                    "amount": str(payment.amount),
                    "disputed_amount": str(payment.disputed_amount),
                    "due_date": payment.due_date.isoformat(),
                    "paid_date": payment.paid_date.isoformat() if payment.paid_date else None,
                    "provisional": payment.paid_date is None,
                    "days_late": days,
                    "late_interest": str(interest),
                    "as_of": today.isoformat(),
                },
                object_key=f"payment:{payment.pk}",
                payment_id=payment.pk,
            )
    return found


def single_source_findings(purchaser_id: int, year: int) -> list[Finding]:
    from ..selectors import single_source_by_year

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
                    # The agreement and arrears checks name their object here
                    # (obligation_id, instalment_id).
                    **finding.extra,
                )
                flag._change_reason = "raised"
                flag.save()
        except IntegrityError:
            continue  # raised by someone else a moment ago
        raised.append(flag)
    return raised


def flag_from_complaint(*, complaint, actor, reason: str) -> str:
    """The "procurement red flag" outcome of a complaint (registered with credit_records'
    ``complaint_outcomes`` from ``ProcurementConfig.ready``): a flag against the department
    complained about as purchaser, open for an official to confirm or dismiss like any other,
    once per complaint. Returns the flag's reference, kept on the complaint."""
    from core.models import Department
    from core.roles import Role
    from core.services import ensure_in_scope, ensure_role

    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Department, complaint.department_id)
    key = f"complaint:{complaint.pk}"
    raise_flags(
        [
            Finding(
                FlagRule.COMPLAINT,
                key,
                complaint.department_id,
                {
                    "tracking_number": complaint.tracking_number,
                    "category": complaint.category,
                    "finding": reason[:1000],
                },
            )
        ]
    )
    flag = RedFlag.objects.get(rule=FlagRule.COMPLAINT, object_key=key)
    return _("Red flag #%(id)d") % {"id": flag.pk}


def flag_from_trading_item(item, *, actor) -> str:
    """Accepting an intake item of public-resource trading credit information about a
    purchaser (registered with credit_records' ``intake_handlers`` from
    ``ProcurementConfig.ready``): a red flag against the purchaser, once per item, which an
    official confirms as a violation (counted in the purchaser's score) or dismisses. The
    intake service has checked the actor's role and scope. Returns the flag's reference."""
    payload = item.payload
    key = f"intake:{item.pk}"
    evidence = {
        name: str(payload.get(name, ""))[:1000]
        for name in ("document_number", "authority", "violation_type", "penalty_content")
    }
    evidence["source"] = item.source.name
    raise_flags([Finding(FlagRule.TRADING_VIOLATION, key, item.department_id, evidence)])
    flag = RedFlag.objects.get(rule=FlagRule.TRADING_VIOLATION, object_key=key)
    return _("Red flag #%(id)d") % {"id": flag.pk}


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
                save_with_history(flag, actor=None, reason=_("Evidence updated"))
            continue
        flag.status = FlagStatus.DISMISSED
        flag.reason = _("Withdrawn automatically: the missing date was recorded within the limit.")
        flag.decided_at = timezone.now()
        save_with_history(flag, actor=None, reason=str(FlagStatus.DISMISSED.label))


def _acceptance_overdue(over_by: datetime.date) -> Q:
    """Pending acceptances whose agreed period (each contract's own, the default where none
    was agreed) is over: one condition per distinct agreed period, a handful in practice."""
    default = settings.CHENGXIN_PROCUREMENT_ACCEPTANCE_DAYS
    periods = set(
        Contract.objects.filter(acceptance__acceptance_date__isnull=True)
        .values_list("acceptance_period_days", flat=True)
        .distinct()
    )
    pending = Q(contract__acceptance__acceptance_date__isnull=True)
    overdue = Q(pk__in=[])
    for period in periods:
        agreed = (
            Q(contract__acceptance_period_days=period)
            if period
            else Q(contract__acceptance_period_days__isnull=True)
        )
        overdue |= agreed & Q(
            contract__acceptance__delivery_date__lte=over_by
            - datetime.timedelta(days=period or default)
        )
    return pending & overdue


def scan(today: datetime.date | None = None) -> dict[str, int]:
    """The periodic check: every project time can put in breach today, and every purchaser
    year with single-source awards. Derives its work from the database; idempotent."""
    today = today or timezone.localdate()
    # A deadline that ends on a rest day moves to the next working day (Civil Code art. 203),
    # so a period is over today exactly when its unrolled last day is on or before the last
    # working day before today: the stored start dates are compared with that day, less the
    # period (on a Monday after a weekend a period that ended on Saturday is not over yet).
    over_by = last_working_day_before(today)
    signing_cutoff = over_by - datetime.timedelta(days=settings.CHENGXIN_PROCUREMENT_SIGNING_DAYS)
    # Seven working days are at least seven calendar days: a cheap, safe pre-filter.
    filing_cutoff = today - datetime.timedelta(
        days=settings.CHENGXIN_PROCUREMENT_FILING_WORKING_DAYS
    )
    candidates = ProcurementProject.objects.filter(
        Q(award_date__lte=signing_cutoff, contract__isnull=True)
        | Q(contract__filed_date__isnull=True, contract__signed_date__lt=filing_cutoff)
        | _acceptance_overdue(over_by)
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
