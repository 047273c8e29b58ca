"""Reads. Every queryset a user reaches starts from ``credit_records.scope_queryset``;
the public pages read only the published selectors at the bottom."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Department
from core.scope import scope_queryset
from credit_records.models import COUNTING_STATUSES, RecordStatus

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
    Stage,
    Supplier,
    Violation,
)


def suppliers_for(user) -> QuerySet[Supplier]:
    """The shared supplier register: every active official with a scope sees all of it (see
    ``Supplier``); anyone without a scope sees none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Supplier.objects.none()
    if user.has_full_scope or user.region_id or user.department_id:
        return Supplier.objects.all()
    return Supplier.objects.none()


def projects_in_scope(user) -> QuerySet[ProcurementProject]:
    return scope_queryset(
        user,
        ProcurementProject.objects.select_related(
            "purchaser", "purchaser__region", "supplier", "contract", "contract__acceptance"
        ),
    )


def stage_q(stage: str) -> Q:
    """Projects at ``stage``, as one filter (lists and exports)."""
    accepted = Q(contract__acceptance__result=AcceptanceResult.PASSED)
    with_payments = Q(pk__in=Payment.objects.values("contract__project"))
    unpaid = Q(pk__in=Payment.objects.filter(paid_date__isnull=True).values("contract__project"))
    all_paid = with_payments & ~unpaid
    return {
        Stage.NOTICED: Q(award_date__isnull=True),
        Stage.AWARDED: Q(award_date__isnull=False, contract__isnull=True),
        Stage.CONTRACTED: Q(contract__isnull=False) & ~accepted,
        Stage.ACCEPTED: accepted & ~all_paid,
        Stage.PAID: accepted & all_paid,
    }[stage]


def project_life(project: ProcurementProject) -> dict:
    """Everything the project page shows, in the order of its life."""
    contract = getattr(project, "contract", None)
    acceptance = getattr(contract, "acceptance", None) if contract else None
    payments = list(contract.payments.order_by("sequence")) if contract else []
    today = timezone.localdate()
    deadlines = {}
    if project.award_date:
        deadlines["signing"] = rules.signing_deadline(project.award_date)
    if contract:
        deadlines["filing"] = rules.filing_deadline(contract.signed_date)
        deadlines["supplementary_cap"] = rules.supplementary_cap(contract.amount)
    if acceptance:
        deadlines["acceptance"] = rules.acceptance_deadline(
            acceptance.delivery_date, contract.acceptance_period_days
        )
    for payment in payments:
        with_lateness(payment, today)
    return {
        "contract": contract,
        "acceptance": acceptance,
        "payments": payments,
        "deadlines": deadlines,
        "flags": list(
            RedFlag.objects.filter(Q(project=project) | Q(payment__contract__project=project))
            .select_related("payment", "decided_by")
            .order_by("raised_at", "pk")
        ),
        "violations": list(project.violations.select_related("record")),
        "stage": project.stage(),
        "today": today,
        "default_acceptance_days": settings.CHENGXIN_PROCUREMENT_ACCEPTANCE_DAYS,
    }


# --- lateness of payments -------------------------------------------------------------------

# The payment fields ``lateness`` reads, in its order (exports read them with values_list()).
LATENESS_FIELDS = (
    "amount",
    "disputed_amount",
    "due_date",
    "paid_date",
    "late_days",
    "late_interest",
    "contract__late_interest_rate",
)


def lateness(
    amount: Decimal,
    disputed_amount: Decimal,
    due_date: datetime.date | None,
    paid_date: datetime.date | None,
    late_days: int,
    late_interest: Decimal,
    annual_percent: Decimal | None = None,
    today: datetime.date | None = None,
) -> tuple[int, Decimal]:
    """Days late and late interest as the pages, exports and API show them: for a paid
    instalment the stored figures (to the day it was paid); for an unpaid one the figures
    so far, to today (the stored ones stay 0 until it is paid). Both count on the
    undisputed part at the contract's agreed rate (else 0.05% a day)."""
    if paid_date is not None:
        return late_days, late_interest
    return rules.payment_lateness(
        amount=amount,
        disputed_amount=disputed_amount,
        due_date=due_date,
        paid_or_today=today or timezone.localdate(),
        annual_percent=annual_percent,
    )


def lateness_values(payment: Payment) -> tuple:
    """The ``LATENESS_FIELDS`` of a payment object (its contract is read for the rate)."""
    return (
        payment.amount,
        payment.disputed_amount,
        payment.due_date,
        payment.paid_date,
        payment.late_days,
        payment.late_interest,
        payment.contract.late_interest_rate,
    )


def with_lateness(payment: Payment, today: datetime.date | None = None) -> Payment:
    """Sets ``overdue`` (unpaid past its due date), ``days_so_far`` and ``interest_so_far``
    on the payment, for the templates."""
    today = today or timezone.localdate()
    payment.days_so_far, payment.interest_so_far = lateness(*lateness_values(payment), today=today)
    payment.overdue = payment.paid_date is None and payment.days_so_far > 0
    return payment


# --- purchaser credit ------------------------------------------------------------------------


@dataclass
class PurchaserScore:
    score: int
    stars: int
    reasons: list[str] = field(default_factory=list)
    counted: list = field(default_factory=list)


def purchaser_score(department: Department, today: datetime.date | None = None) -> PurchaserScore:
    """The purchaser's credit score and the reasons behind it: start at 100, each counting
    violation deducts its points (serious 50, general 5 for two years), never below 0.

    A violation counts unless it was withdrawn, or its dishonesty record is still a draft
    (not confirmed yet) or was exempted after a fault-tolerance review; the reasons say
    which ones do not count and why."""
    today = today or timezone.localdate()
    start = settings.CHENGXIN_PROCUREMENT_SCORE_START
    score = start
    reasons = [_("Starting score: %(points)d") % {"points": start}]
    counted = []
    violations = (
        department.procurement_violations.filter(decided_on__lte=today)
        .select_related("record")
        .order_by("decided_on", "pk")
    )
    for violation in violations:
        until = rules.violation_counts_until(violation.severity, violation.decided_on)
        if until is not None and until <= today:
            continue
        label = f"{violation.decision_number}（{violation.get_severity_display()}）"
        not_counted = _not_counted_because(violation)
        if not_counted:
            reasons.append(not_counted % {"violation": label})
            continue
        points = rules.violation_points(violation.severity)
        score -= points
        counted.append(violation)
        if until is None:
            reasons.append(
                _("%(violation)s: %(kind)s, −%(points)d")
                % {"violation": label, "kind": violation.get_kind_display(), "points": points}
            )
        else:
            reasons.append(
                _("%(violation)s: %(kind)s, −%(points)d until %(date)s")
                % {
                    "violation": label,
                    "kind": violation.get_kind_display(),
                    "points": points,
                    "date": until.isoformat(),
                }
            )
    score = max(score, 0)
    if not counted:
        reasons.append(_("No procurement violation counts against this purchaser."))
    return PurchaserScore(score, rules.stars(score), reasons, counted)


def _not_counted_because(violation: Violation) -> str:
    """Why a violation does not count in the score (a sentence with ``%(violation)s``), or
    "" when it counts."""
    if violation.is_withdrawn:
        return _("%(violation)s: withdrawn, not counted.")
    record = violation.record
    if record is not None and record.status == RecordStatus.DRAFT:
        return _("%(violation)s: its dishonesty record is not confirmed yet, not counted.")
    if record is not None and record.status not in COUNTING_STATUSES:
        return _("%(violation)s: exempted after a fault-tolerance review, not counted.")
    return ""


def purchaser_summary(department: Department) -> dict:
    projects = department.procurement_projects.all()
    figures = projects.aggregate(
        projects=Count("pk"),
        awarded=Count("pk", filter=Q(award_date__isnull=False)),
        awarded_amount=Sum("award_amount"),
    )
    figures["open_flags"] = department.procurement_flags.filter(status=FlagStatus.OPEN).count()
    figures.update(
        payment_punctuality(Payment.objects.filter(contract__project__purchaser=department))
    )
    return figures


def payment_punctuality(payments: QuerySet[Payment], today: datetime.date | None = None) -> dict:
    """Payments whose due date has passed or that were paid, and how many were on time: paid
    no later than due. The rate is a percentage, or None when nothing is due yet."""
    today = today or timezone.localdate()
    counts = payments.filter(due_date__isnull=False).aggregate(
        due=Count("pk", filter=Q(paid_date__isnull=False) | Q(due_date__lt=today)),
        on_time=Count("pk", filter=Q(paid_date__isnull=False, late_days=0)),
    )
    rate = None
    if counts["due"]:
        rate = (Decimal(100) * counts["on_time"] / counts["due"]).quantize(Decimal("0.1"))
    return {
        "payments_due": counts["due"],
        "payments_on_time": counts["on_time"],
        "on_time_rate": rate,
    }


# --- public disclosure ------------------------------------------------------------------------
#
# What the public sees of procurement is what the law already makes public: notices, awards
# (supplier and amount), contracts (amount, dates) and how punctually the purchaser pays.
# Red flags, violations in progress and internal notes never appear here; a violation that
# became a published dishonesty record is on the dishonesty-record pages.


def public_projects() -> QuerySet[ProcurementProject]:
    return ProcurementProject.objects.select_related(
        "purchaser", "purchaser__region", "supplier", "contract", "contract__acceptance"
    ).prefetch_related(
        Prefetch("contract__payments", queryset=Payment.objects.order_by("sequence"))
    )


def public_purchasers() -> QuerySet[Department]:
    return (
        Department.objects.filter(procurement_projects__isnull=False)
        .annotate(
            project_count=Count("procurement_projects", distinct=True),
            awarded_amount=Sum("procurement_projects__award_amount"),
        )
        .select_related("region")
        .order_by("region__code", "name")
    )


def single_source_by_year(department_id: int, year: int) -> dict:
    awarded = ProcurementProject.objects.filter(
        purchaser_id=department_id, award_date__year=year, award_amount__isnull=False
    )
    figures = awarded.aggregate(
        total=Sum("award_amount"),
        single=Sum("award_amount", filter=Q(method=ProcurementMethod.SINGLE_SOURCE)),
        projects=Count("pk"),
    )
    return {
        "total": figures["total"] or Decimal("0"),
        "single": figures["single"] or Decimal("0"),
        "projects": figures["projects"],
    }


def release_changed_at(project: ProcurementProject) -> datetime.datetime:
    """When the project's public facts last changed: the project itself, its contract, its
    acceptance or any of its payments (a new, changed or removed instalment), read from
    their history (acceptances and payments have no timestamp of their own)."""
    from django.db.models import Max

    contract_id = Contract.objects.filter(project=project).values_list("pk", flat=True).first()
    moments = [project.updated_at]
    if contract_id is not None:
        moments += [
            Contract.history.filter(id=contract_id).aggregate(at=Max("history_date"))["at"],
            Acceptance.history.filter(contract_id=contract_id).aggregate(at=Max("history_date"))[
                "at"
            ],
            Payment.history.filter(contract_id=contract_id).aggregate(at=Max("history_date"))["at"],
        ]
    return max(moment for moment in moments if moment is not None)


def contracts_in_scope(user) -> QuerySet[Contract]:
    return scope_queryset(
        user, Contract.objects.select_related("project", "project__purchaser", "project__supplier")
    )


def violations_in_scope(user) -> QuerySet[Violation]:
    return scope_queryset(user, Violation.objects.select_related("purchaser", "project", "record"))


# --- the workspace cockpit ----------------------------------------------------------------
#
# The figures of the procurement panel and of "what is overdue", each an aggregate over the
# user's scope; the list filters (``filters.py``) select exactly the rows each one counts.


def signing_overdue_q(today: datetime.date) -> Q:
    """Awarded projects still without a contract after the signing deadline (the award plus
    ``CHENGXIN_PROCUREMENT_SIGNING_DAYS``, 30 days by default): deadline < today."""
    period = datetime.timedelta(days=settings.CHENGXIN_PROCUREMENT_SIGNING_DAYS)
    return Q(award_date__lt=today - period, contract__isnull=True)


def last_signing_day_past_filing(today: datetime.date) -> datetime.date:
    """The latest signing day whose filing deadline (``rules.filing_deadline``: 7 working days
    after signing, by the working-day calendar) is before ``today``: a contract signed on or
    before it and still unfiled is overdue. The deadline is the Nth working day after
    signing, so it has passed when N working days lie between the signing day and today:
    count them back from yesterday, with the calendar read once."""
    from core.calendar import is_working_day
    from core.models import CalendarDay

    needed = settings.CHENGXIN_PROCUREMENT_FILING_WORKING_DAYS
    # Holidays rarely stretch a period beyond three times its length; past the days read,
    # Monday to Friday are taken as working days.
    earliest = today - datetime.timedelta(days=needed * 3 + 30)
    exceptions = dict(
        CalendarDay.objects.filter(date__gte=earliest, date__lt=today).values_list(
            "date", "is_working_day"
        )
    )
    day, counted = today, 0
    while counted < needed:
        day -= datetime.timedelta(days=1)
        if is_working_day(day, exceptions):
            counted += 1
    return day - datetime.timedelta(days=1)


def filing_overdue_q(today: datetime.date) -> Q:
    """Contracts still unfiled after their filing deadline (on a Contract)."""
    return Q(filed_date__isnull=True, signed_date__lte=last_signing_day_past_filing(today))


def unpaid_late_q(today: datetime.date) -> Q:
    """Payments still unpaid after their due date (on a Payment), as the payment list's
    ``paid=false&late=true`` selects them."""
    return Q(paid_date__isnull=True, due_date__lt=today)


def open_flags_by_rule(user) -> dict[str, int]:
    """Open red flags in scope per rule (every rule, zero included)."""
    flags = dict(
        scope_queryset(user, RedFlag.objects.filter(status=FlagStatus.OPEN).order_by())
        .values_list("rule")
        .annotate(count=Count("pk"))
    )
    return {rule: flags.get(rule, 0) for rule in FlagRule}


def late_payments(user, today: datetime.date | None = None) -> dict:
    """Unpaid payments past their due date: all of them, those owed to SMEs (the SME payment
    regulation's 30/60 days) and the amount owed to SMEs."""
    today = today or timezone.localdate()
    sme = Q(contract__project__supplier__is_sme=True)
    figures = scope_queryset(
        user, Payment.objects.filter(unpaid_late_q(today)).order_by()
    ).aggregate(
        late=Count("pk"),
        late_sme=Count("pk", filter=sme),
        owed_sme=Sum("amount", filter=sme),
    )
    figures["owed_sme"] = figures["owed_sme"] or Decimal("0")
    return figures


def overdue_deadlines(user, today: datetime.date | None = None) -> dict[str, int]:
    """Projects past their signing deadline and contracts past their filing deadline."""
    today = today or timezone.localdate()
    return {
        "signing": scope_queryset(
            user, ProcurementProject.objects.filter(signing_overdue_q(today))
        ).count(),
        "filing": scope_queryset(user, Contract.objects.filter(filing_overdue_q(today))).count(),
    }
