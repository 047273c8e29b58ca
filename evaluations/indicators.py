"""The registry of computed indicators.

Each formula is a function ``(subject, period) -> (score, inputs)``: ``subject`` is a
``RoundSubject`` (a region and its whole subtree, or one department), ``period`` a
``Period``; ``score`` is a ``Decimal`` between 0 and 100 (two places) and ``inputs`` a JSON-able
dict saying which figures and which records counted, shown beside the score. Each formula's
documentation (``Formula.text``) is copied onto the indicators that use it.

A subject with nothing to measure (no departments, no projects, no debt profile) scores
full marks on that indicator, and its inputs say so (``"no_data": true``).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Department
from credit_records.models import (
    COUNTING_STATUSES,
    Commitment,
    CommitmentStatus,
    DishonestyRecord,
    Rectification,
)
from credit_records.punctuality import Punctuality, punctuality, with_report_times

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class Formula:
    key: str
    label: str
    text: str
    function: Callable


REGISTRY: dict[str, Formula] = {}


def register(key: str, label, text):
    def decorator(function):
        REGISTRY[key] = Formula(key=key, label=label, text=text, function=function)
        return function

    return decorator


def choices() -> list[tuple[str, str]]:
    return [(formula.key, formula.label) for formula in REGISTRY.values()]


def compute(key: str, subject, period: Period) -> tuple[Decimal, dict]:
    score, inputs = REGISTRY[key].function(subject, period)
    return clamp(score), inputs


def clamp(value) -> Decimal:
    value = Decimal(value)
    return min(max(value, Decimal(0)), HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(part: int, whole: int) -> Decimal:
    """``part`` per 100 of ``whole``, to two places."""
    return (HUNDRED * part / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def departments(subject) -> QuerySet[Department]:
    """The departments a subject answers for: its own, or every active one in its subtree."""
    if subject.department_id:
        return Department.objects.filter(pk=subject.department_id)
    return Department.objects.filter(region__path__startswith=subject.region.path, active=True)


def _department_q(subject, prefix: str) -> Q:
    if subject.department_id:
        return Q(**{f"{prefix}department_id": subject.department_id})
    return Q(**{f"{prefix}department__region__path__startswith": subject.region.path})


# --- 依法行政 / 失信惩戒: dishonesty records and their rectification ---------------------------


@register(
    "records_per_100_departments",
    _("Dishonesty records per 100 departments"),
    _(
        "Confirmed (not exempted) dishonesty records decided in the period, per 100 active "
        "departments of the subject. Score = 100 − 10 × records per 100 departments, at least 0."
    ),
)
def records_per_100_departments(subject, period: Period):
    department_count = departments(subject).count()
    records = DishonestyRecord.objects.filter(
        _department_q(subject, ""),
        status__in=COUNTING_STATUSES,
        decision_date__range=(period.start, period.end),
    )
    record_ids = sorted(records.values_list("pk", flat=True))
    if not department_count:
        return HUNDRED, {"departments": 0, "records": len(record_ids), "no_data": True}
    rate = ratio(len(record_ids), department_count)
    return HUNDRED - 10 * rate, {
        "departments": department_count,
        "records": len(record_ids),
        "per_100_departments": str(rate),
        "record_ids": record_ids,
    }


def _rectifications(subject, period: Period) -> QuerySet[Rectification]:
    return Rectification.objects.filter(
        _department_q(subject, "record__"), deadline__range=(period.start, period.end)
    )


@register(
    "rectification_on_time",
    _("On-time rectification rate"),
    _(
        "Rectifications whose deadline fell in the period and has passed (or that were verified): "
        "the share whose verified report was submitted on or before the deadline, however late "
        "the verification came. A returned report does not count; a rectification whose report "
        "was submitted by the deadline and still awaits verification is left out until it is "
        "decided. Score = the rate, as a percentage."
    ),
)
def rectification_on_time(subject, period: Period):
    # The rule is credit_records.punctuality's, shared with the public figures and agreeing
    # with the escalation ladder, which stands still while a report awaits verification.
    today = timezone.localdate()
    due, on_time, awaiting = [], [], []
    rows = with_report_times(_rectifications(subject, period)).values_list(
        "record_id",
        "deadline",
        "verified_at",
        "verified_report_submitted_at",
        "pending_report_submitted_at",
    )
    for record_id, deadline, verified_at, verified_report_at, pending_report_at in rows:
        outcome = punctuality(
            deadline=deadline,
            today=today,
            verified_report_submitted_on=_local_day(verified_report_at),
            verified_on=_local_day(verified_at),
            pending_report_submitted_on=_local_day(pending_report_at),
        )
        if outcome == Punctuality.NOT_DUE:
            continue
        if outcome == Punctuality.AWAITING_VERIFICATION:
            awaiting.append(record_id)
            continue
        due.append(record_id)
        if outcome == Punctuality.ON_TIME:
            on_time.append(record_id)
    if not due:
        inputs = {"due": 0, "on_time": 0, "no_data": True}
        if awaiting:
            inputs["awaiting_verification_record_ids"] = sorted(awaiting)
        return HUNDRED, inputs
    inputs = {
        "due": len(due),
        "on_time": len(on_time),
        "record_ids": sorted(due),
        "on_time_record_ids": sorted(on_time),
    }
    if awaiting:
        inputs["awaiting_verification_record_ids"] = sorted(awaiting)
    return ratio(len(on_time), len(due)), inputs


def _local_day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment is not None else None


@register(
    "escalated_rectifications",
    _("Escalated rectifications"),
    _(
        "Rectifications with a deadline in the period that were escalated to the parent "
        "region's office or further (escalation level 2 or more). Score = 100 − 20 × escalations, "
        "at least 0."
    ),
)
def escalated_rectifications(subject, period: Period):
    record_ids = sorted(
        _rectifications(subject, period)
        .filter(escalation_level__gte=2)
        .values_list("record_id", flat=True)
    )
    return HUNDRED - 20 * len(record_ids), {
        "escalated": len(record_ids),
        "record_ids": record_ids,
    }


# --- 守信践诺: commitments ----------------------------------------------------------------------


@register(
    "commitments_kept",
    _("Commitments kept"),
    _(
        "Public commitments promised for a day in the period and assessed: the share fulfilled. "
        "Score = the rate, as a percentage."
    ),
)
def commitments_kept(subject, period: Period):
    rows = list(
        Commitment.objects.filter(
            _department_q(subject, ""),
            promised_date__range=(period.start, period.end),
            status__in=[CommitmentStatus.FULFILLED, CommitmentStatus.BROKEN],
        ).values_list("pk", "status")
    )
    if not rows:
        return HUNDRED, {"assessed": 0, "kept": 0, "no_data": True}
    kept = sorted(pk for pk, status in rows if status == CommitmentStatus.FULFILLED)
    broken = sorted(pk for pk, status in rows if status == CommitmentStatus.BROKEN)
    return ratio(len(kept), len(rows)), {
        "assessed": len(rows),
        "kept": len(kept),
        "commitment_ids": kept,
        "broken_commitment_ids": broken,
    }


# --- procurement --------------------------------------------------------------------------------


def _purchaser_q(subject, prefix: str) -> Q:
    if subject.department_id:
        return Q(**{f"{prefix}purchaser_id": subject.department_id})
    return Q(**{f"{prefix}purchaser__region__path__startswith": subject.region.path})


@register(
    "procurement_red_flags",
    _("Procurement red flags per 100 projects"),
    _(
        "Red flags not dismissed, on projects (or their payments) noticed in the period, per 100 "
        "such projects. Score = 100 − 10 × flags per 100 projects, at least 0."
    ),
)
def procurement_red_flags(subject, period: Period):
    from procurement.models import FlagStatus, ProcurementProject, RedFlag

    projects = ProcurementProject.objects.filter(
        _purchaser_q(subject, ""), notice_date__range=(period.start, period.end)
    )
    project_ids = list(projects.values_list("pk", flat=True))
    if not project_ids:
        return HUNDRED, {"projects": 0, "flags": 0, "no_data": True}
    flag_ids = sorted(
        RedFlag.objects.filter(
            Q(project_id__in=project_ids) | Q(payment__contract__project_id__in=project_ids)
        )
        .exclude(status=FlagStatus.DISMISSED)
        .values_list("pk", flat=True)
        .distinct()
    )
    rate = ratio(len(flag_ids), len(project_ids))
    return HUNDRED - 10 * rate, {
        "projects": len(project_ids),
        "flags": len(flag_ids),
        "per_100_projects": str(rate),
        "flag_ids": flag_ids,
    }


@register(
    "sme_payment_on_time",
    _("On-time payment of SMEs"),
    _(
        "Payments to small and medium-sized suppliers falling due in the period that were paid "
        "or are overdue: the share paid on time. Score = the rate, as a percentage."
    ),
)
def sme_payment_on_time(subject, period: Period):
    from procurement.models import Payment

    today = timezone.localdate()
    rows = list(
        Payment.objects.filter(
            _purchaser_q(subject, "contract__project__"),
            contract__project__supplier__is_sme=True,
            due_date__range=(period.start, period.end),
        )
        # An unpaid instalment wholly in dispute is not late (SME payment regulation art. 15).
        .filter(Q(paid_date__isnull=False) | Q(due_date__lt=today, disputed_amount__lt=F("amount")))
        .values_list("pk", "paid_date", "late_days")
    )
    if not rows:
        return HUNDRED, {"payments_due": 0, "on_time": 0, "no_data": True}
    on_time = sorted(pk for pk, paid, late in rows if paid is not None and late == 0)
    late = sorted(pk for pk, _paid, _late in rows if pk not in on_time)
    return ratio(len(on_time), len(rows)), {
        "payments_due": len(rows),
        "on_time": len(on_time),
        "payment_ids": sorted(pk for pk, *_rest in rows),
        "late_payment_ids": late,
    }


# --- government agreements and arrears ----------------------------------------------------------


def _department_q(subject, prefix: str) -> Q:
    if subject.department_id:
        return Q(**{f"{prefix}department_id": subject.department_id})
    return Q(**{f"{prefix}department__region__path__startswith": subject.region.path})


@register(
    "agreements_kept_on_time",
    _("Government agreements kept on time"),
    _(
        "Obligations of government agreements falling due in the period that were fulfilled or "
        "are overdue: the share fulfilled by the due date. Score = the rate, as a percentage."
    ),
)
def agreements_kept_on_time(subject, period: Period):
    from procurement.models import Obligation

    today = timezone.localdate()
    rows = list(
        Obligation.objects.filter(
            _department_q(subject, "agreement__"), due_date__range=(period.start, period.end)
        )
        # Due but neither fulfilled nor late yet (due today or later) is not counted.
        .filter(Q(fulfilled_on__isnull=False) | Q(due_date__lt=today))
        .values_list("pk", "due_date", "fulfilled_on")
    )
    if not rows:
        return HUNDRED, {"obligations_due": 0, "kept": 0, "no_data": True}
    kept = sorted(pk for pk, due, done in rows if done is not None and done <= due)
    broken = sorted(pk for pk, *_rest in rows if pk not in kept)
    return ratio(len(kept), len(rows)), {
        "obligations_due": len(rows),
        "kept": len(kept),
        "obligation_ids": sorted(pk for pk, *_rest in rows),
        "late_obligation_ids": broken,
    }


@register(
    "arrears_reduced",
    _("Arrears reduced against the baseline"),
    _(
        "The region's arrears to enterprises outstanding at the end of the period (or today, if "
        "sooner) against its latest baseline on or before then: the share of the baseline "
        "cleared. Score = that share as a percentage, 0 where the stock grew."
    ),
)
def arrears_reduced(subject, period: Period):
    from procurement.ledger import progress

    if subject.department_id:
        return HUNDRED, {"no_data": True, "reason": "department"}
    as_of = min(period.end, timezone.localdate())
    result = progress(subject.region, as_of)
    if result is None or result.percent is None:
        return HUNDRED, {"no_data": True, "as_of": as_of.isoformat()}
    return result.percent, {
        "baseline_id": result.baseline.pk,
        "baseline_as_of": result.baseline.as_of.isoformat(),
        "baseline_amount": str(result.baseline.amount),
        "outstanding": str(result.outstanding),
        "reduced": str(result.reduced),
        "as_of": as_of.isoformat(),
    }


# --- debt -----------------------------------------------------------------------------------------

GRADE_SCORES = {"green": 100, "yellow": 80, "orange": 60, "red": 30}


def _assessment(subject, period: Period):
    """The region's latest risk assessment for a year up to the one the period ends in: the
    assessment of a year is made once its figures are in, so the current year usually has
    none yet and the previous one is what is known."""
    from debt.models import RiskAssessment

    if subject.department_id:
        return None
    return (
        RiskAssessment.objects.filter(
            profile__region_id=subject.region_id, profile__year__lte=period.end.year
        )
        .select_related("profile")
        .order_by("-profile__year")
        .first()
    )


def _no_assessment(period: Period) -> tuple[Decimal, dict]:
    return HUNDRED, {"period_year": period.end.year, "no_data": True}


@register(
    "debt_risk_grade",
    _("Debt risk grade"),
    _(
        "The debt risk grade of the subject's latest debt risk assessment for a year up to the "
        "one the period ends in: green 100, yellow 80, orange 60, red 30. Without any "
        "assessment: no data, full marks."
    ),
)
def debt_risk_grade(subject, period: Period):
    assessment = _assessment(subject, period)
    if assessment is None:
        return _no_assessment(period)
    return Decimal(GRADE_SCORES[assessment.grade]), {
        "year": assessment.profile.year,
        "period_year": period.end.year,
        "grade": assessment.grade,
        "debt_ratio": str(assessment.debt_ratio),
        "assessment_id": assessment.pk,
    }


@register(
    "debt_limit_compliance",
    _("Debt limit compliance"),
    _(
        "Whether the debt balances stayed within their approved limits (100) or exceeded them "
        "(0) in the subject's latest debt risk assessment for a year up to the one the period "
        "ends in; 20 points off for overdue debt. Without any assessment: no data, full marks."
    ),
)
def debt_limit_compliance(subject, period: Period):
    assessment = _assessment(subject, period)
    if assessment is None:
        return _no_assessment(period)
    score = Decimal(0) if assessment.limit_breached else HUNDRED
    if assessment.overdue_amount and assessment.overdue_amount > 0:
        score -= 20
    return score, {
        "year": assessment.profile.year,
        "period_year": period.end.year,
        "limit_breached": assessment.limit_breached,
        "overdue_amount": str(assessment.overdue_amount or 0),
        "assessment_id": assessment.pk,
    }
