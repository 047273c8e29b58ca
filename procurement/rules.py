"""Procurement rules with numbers in them, in one place (BRIEF.md names their sources).

* Contract signed within 30 days of the award notice; filed within 7 working days of
  signing; supplementary contracts at most 10% of the original amount.
* 《保障中小企业款项支付条例》: pay an SME within 30 days of delivery, or of passing acceptance
  when payment depends on it; a contract may agree another term, but not beyond 60 days.
  Late payment bears 0.05% a day.
* Purchaser credit: start at 100, a serious violation −50, a general one −5 for two years,
  mapped to 1-5 stars (the Shanxi 2021 scheme).

Every number is a ``CHENGXIN_PROCUREMENT_*`` setting; money and rates are ``Decimal``.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from core.calendar import add_working_days

CENT = Decimal("0.01")


def _decimal(name: str) -> Decimal:
    return Decimal(str(getattr(settings, name)))


# --- contract signing and filing -----------------------------------------------------------


def signing_deadline(award_date: datetime.date) -> datetime.date:
    """The last day the contract may be signed (30 days after the award by default)."""
    return award_date + datetime.timedelta(days=settings.CHENGXIN_PROCUREMENT_SIGNING_DAYS)


def signing_is_late(award_date: datetime.date, signed_or_today: datetime.date) -> bool:
    return signed_or_today > signing_deadline(award_date)


def filing_deadline(signed_date: datetime.date) -> datetime.date:
    """The last day to file the contract copy: 7 working days after signing, by the
    working-day calendar (holidays and 调休 weekends)."""
    return add_working_days(signed_date, settings.CHENGXIN_PROCUREMENT_FILING_WORKING_DAYS)


def supplementary_cap(amount: Decimal) -> Decimal:
    return (amount * _decimal("CHENGXIN_PROCUREMENT_SUPPLEMENTARY_CAP")).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def supplementary_over_cap(amount: Decimal, supplementary: Decimal) -> bool:
    """Exactly the cap (10%) is allowed; a cent more is not. Compared unrounded."""
    return supplementary > amount * _decimal("CHENGXIN_PROCUREMENT_SUPPLEMENTARY_CAP")


# --- acceptance and payment ----------------------------------------------------------------


def acceptance_deadline(delivery_date: datetime.date) -> datetime.date:
    return delivery_date + datetime.timedelta(days=settings.CHENGXIN_PROCUREMENT_ACCEPTANCE_DAYS)


def payment_term(agreed_days: int | None, *, is_sme: bool) -> int:
    """Days allowed to pay: the agreed term, else the statutory 30; for an SME never more
    than 60, whatever the contract says."""
    days = agreed_days if agreed_days else settings.CHENGXIN_PROCUREMENT_SME_PAYMENT_DAYS
    if is_sme:
        days = min(days, settings.CHENGXIN_PROCUREMENT_SME_PAYMENT_MAX_DAYS)
    return days


def payment_due_date(
    *,
    delivery_date: datetime.date | None,
    acceptance_date: datetime.date | None,
    after_acceptance: bool,
    agreed_days: int | None,
    is_sme: bool,
) -> datetime.date | None:
    """When a payment falls due, or None while the day the term runs from is unknown."""
    start = acceptance_date if after_acceptance else delivery_date
    if start is None:
        return None
    return start + datetime.timedelta(days=payment_term(agreed_days, is_sme=is_sme))


def days_late(due_date: datetime.date | None, paid_or_today: datetime.date | None) -> int:
    if due_date is None or paid_or_today is None:
        return 0
    return max(0, (paid_or_today - due_date).days)


def late_interest(amount: Decimal, days: int, daily_rate: Decimal | None = None) -> Decimal:
    """Interest on a late payment: amount × daily rate × days, to the cent (half up)."""
    if days <= 0:
        return Decimal("0.00")
    rate = (
        daily_rate
        if daily_rate is not None
        else _decimal("CHENGXIN_PROCUREMENT_LATE_INTEREST_DAILY_RATE")
    )
    return (Decimal(amount) * rate * days).quantize(CENT, rounding=ROUND_HALF_UP)


# --- single-source share -------------------------------------------------------------------


def single_source_share_exceeded(single_source: Decimal, total: Decimal, projects: int) -> bool:
    """A purchaser's single-source awards above the threshold share of the year's awarded
    amount, once it has enough awarded projects for a share to mean something."""
    if projects < settings.CHENGXIN_PROCUREMENT_SINGLE_SOURCE_MIN_PROJECTS or total <= 0:
        return False
    return single_source / total > _decimal("CHENGXIN_PROCUREMENT_SINGLE_SOURCE_SHARE")


# --- purchaser credit score ----------------------------------------------------------------


def violation_points(severity: str) -> int:
    if severity == "serious":
        return settings.CHENGXIN_PROCUREMENT_SCORE_SERIOUS
    return settings.CHENGXIN_PROCUREMENT_SCORE_GENERAL


def violation_counts_until(severity: str, decided_on: datetime.date) -> datetime.date | None:
    """The day a violation stops counting: general ones after two years; serious ones
    count without limit unless ``CHENGXIN_PROCUREMENT_SERIOUS_COUNTS_YEARS`` says so."""
    from dateutil.relativedelta import relativedelta

    years = (
        settings.CHENGXIN_PROCUREMENT_SERIOUS_COUNTS_YEARS
        if severity == "serious"
        else settings.CHENGXIN_PROCUREMENT_GENERAL_COUNTS_YEARS
    )
    return decided_on + relativedelta(years=years) if years else None


def stars(score: int) -> int:
    """1-5 stars from the score: one star more for each threshold reached (90/80/70/60)."""
    thresholds = sorted(settings.CHENGXIN_PROCUREMENT_STAR_THRESHOLDS, reverse=True)
    for index, threshold in enumerate(thresholds):
        if score >= threshold:
            return 5 - index
    return 1


# --- flag evidence, in words -----------------------------------------------------------------


def _money(value) -> str:
    return f"{Decimal(str(value)):,.2f}"


def describe_flag(rule: str, evidence: dict) -> str:
    """The finding behind a flag, in the reader's language (the evidence is stored as data)."""
    e = evidence
    if rule == "late_signing":
        if e.get("signed_date"):
            return _(
                "Awarded on %(award)s, signed on %(signed)s: %(days)d days (limit %(limit)d)."
            ) % {
                "award": e["award_date"],
                "signed": e["signed_date"],
                "days": e["days"],
                "limit": e["limit"],
            }
        return _(
            "Awarded on %(award)s and still not signed after %(days)d days (limit %(limit)d)."
        ) % {
            "award": e["award_date"],
            "days": e["days"],
            "limit": e["limit"],
        }
    if rule == "supplementary_over_cap":
        return _(
            "Supplementary contracts of %(supplementary)s yuan on a contract of %(amount)s "
            "yuan: %(share)s%% (cap %(cap)s%%)."
        ) % {
            "supplementary": _money(e["supplementary_amount"]),
            "amount": _money(e["amount"]),
            "share": e["share_percent"],
            "cap": e["cap_percent"],
        }
    if rule == "sme_payment_late":
        if e.get("paid_date"):
            return _(
                "%(amount)s yuan due on %(due)s, paid on %(paid)s: %(days)d days late, late "
                "interest %(interest)s yuan."
            ) % {
                "amount": _money(e["amount"]),
                "due": e["due_date"],
                "paid": e["paid_date"],
                "days": e["days_late"],
                "interest": _money(e["late_interest"]),
            }
        return _(
            "%(amount)s yuan due on %(due)s still unpaid on %(today)s: %(days)d days late, "
            "late interest so far %(interest)s yuan."
        ) % {
            "amount": _money(e["amount"]),
            "due": e["due_date"],
            "today": e["as_of"],
            "days": e["days_late"],
            "interest": _money(e["late_interest"]),
        }
    if rule == "acceptance_late":
        return _("Delivered on %(delivery)s; acceptance due by %(deadline)s, %(state)s.") % {
            "delivery": e["delivery_date"],
            "deadline": e["deadline"],
            "state": _("done on %(date)s") % {"date": e["acceptance_date"]}
            if e.get("acceptance_date")
            else _("not done by %(date)s") % {"date": e["as_of"]},
        }
    if rule == "filing_late":
        return _("Signed on %(signed)s; filing due by %(deadline)s, %(state)s.") % {
            "signed": e["signed_date"],
            "deadline": e["deadline"],
            "state": _("filed on %(date)s") % {"date": e["filed_date"]}
            if e.get("filed_date")
            else _("not filed by %(date)s") % {"date": e["as_of"]},
        }
    if rule == "award_over_budget":
        return _("Awarded %(award)s yuan against a budget of %(budget)s yuan.") % {
            "award": _money(e["award_amount"]),
            "budget": _money(e["budget"]),
        }
    if rule == "single_source_share":
        return _(
            "In %(year)s, %(share)s%% of the awarded amount (%(single)s of %(total)s yuan, "
            "%(projects)d projects) went to single-source procurement (threshold %(limit)s%%)."
        ) % {
            "year": e["year"],
            "share": e["share_percent"],
            "single": _money(e["single_source_amount"]),
            "total": _money(e["total_amount"]),
            "projects": e["projects"],
            "limit": e["threshold_percent"],
        }
    if rule == "complaint":
        from credit_records.models import ComplaintCategory

        return _("Complaint %(number)s (%(category)s): %(finding)s") % {
            "number": e["tracking_number"],
            "category": dict(ComplaintCategory.choices).get(e["category"], e["category"]),
            "finding": e["finding"],
        }
    return ""
