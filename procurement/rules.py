"""Procurement rules with numbers in them, in one place (BRIEF.md and docs/rules.md name their
sources).

* 政府采购法 art. 46: the contract is signed within 30 days of the award notice; art. 47:
  its copy is filed within 7 working days of signing; art. 49: supplementary contracts at
  most 10% of the original amount.
* 《保障中小企业款项支付条例》 (State Council decree 802, in force 2025-06-01): art. 9, an
  agency or public institution pays an SME within 30 days of delivery, or of passing
  acceptance where payment depends on it (art. 10); a contract may agree another term, but
  not beyond 60 days. Art. 10: where the purchaser delays the acceptance, the term runs
  from the end of the agreed acceptance period. Art. 15: the undisputed part of a partly
  disputed payment is paid on time. Art. 17: late payment bears interest at the agreed
  rate, not below the one-year LPR at signing, else 0.05% a day.
* Purchaser credit: start at 100, a serious violation −50, a general one −5 for two years,
  mapped to 1-5 stars (the Shanxi 2021 scheme).

Civil Code art. 203 (a period ending on a holiday or rest day ends on the next working day)
applies to the periods counted in days here, statutory or agreed (art. 204): the signing
deadline, the acceptance period and the payment term roll forward (``core.calendar``). The
filing deadline is counted in working days and ends on one by construction. Nothing else
here is a period: the 10% cap and the single-source share are thresholds, and the two
years a general violation counts are a scoring convention, not a deadline anyone must meet.

Every number is a ``CHENGXIN_PROCUREMENT_*`` setting; money and rates are ``Decimal``.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from core.calendar import add_working_days, statutory_end
from core.money import format_money

CENT = Decimal("0.01")
# Days of a year when an annual rate becomes a daily one: the People's Bank of China's
# convention for loan interest (日利率 = 年利率 ÷ 360, 银发〔2005〕129号).
DAYS_OF_A_RATE_YEAR = 360


def _decimal(name: str) -> Decimal:
    return Decimal(str(getattr(settings, name)))


# --- contract signing and filing -----------------------------------------------------------


def signing_deadline(award_date: datetime.date) -> datetime.date:
    """The last day the contract may be signed: 30 days after the award (政府采购法 art. 46),
    moved to the next working day when that is a holiday or rest day (Civil Code art. 203)."""
    return statutory_end(award_date, days=settings.CHENGXIN_PROCUREMENT_SIGNING_DAYS)


def signing_is_late(award_date: datetime.date, signed_or_today: datetime.date) -> bool:
    return signed_or_today > signing_deadline(award_date)


def filing_deadline(signed_date: datetime.date) -> datetime.date:
    """The last day to file the contract copy: 7 working days after signing, by the
    working-day calendar (holidays and 调休 weekends); a working day by construction."""
    return add_working_days(signed_date, settings.CHENGXIN_PROCUREMENT_FILING_WORKING_DAYS)


def supplementary_cap(amount: Decimal) -> Decimal:
    return (amount * _decimal("CHENGXIN_PROCUREMENT_SUPPLEMENTARY_CAP")).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def supplementary_over_cap(amount: Decimal, supplementary: Decimal) -> bool:
    """Exactly the cap (10%) is allowed; a cent more is not. Compared unrounded."""
    return supplementary > amount * _decimal("CHENGXIN_PROCUREMENT_SUPPLEMENTARY_CAP")


# --- acceptance and payment ----------------------------------------------------------------


def acceptance_period(agreed_days: int | None) -> int:
    """The agreed acceptance period, or ``CHENGXIN_PROCUREMENT_ACCEPTANCE_DAYS`` (30) where
    the contract agrees none. Art. 10 requires the parties to agree a clear and reasonable
    period but sets no number: 30 days matches the statutory payment term and is the
    portal's documented default (docs/rules.md)."""
    return agreed_days or settings.CHENGXIN_PROCUREMENT_ACCEPTANCE_DAYS


def acceptance_deadline(
    delivery_date: datetime.date, agreed_days: int | None = None
) -> datetime.date:
    """The last day of the acceptance period after delivery, rolled to a working day (an
    agreed period is counted like a statutory one: Civil Code arts. 203-204)."""
    return statutory_end(delivery_date, days=acceptance_period(agreed_days))


def payment_term(agreed_days: int | None, *, is_sme: bool) -> int:
    """Days allowed to pay: the agreed term, else the statutory 30 (art. 9). With an SME a
    term beyond 60 days is not allowed: the clock counts the 60 days, and the agreement is
    raised as a red flag (``term_over_limit``), not capped silently."""
    days = agreed_days if agreed_days else settings.CHENGXIN_PROCUREMENT_SME_PAYMENT_DAYS
    if is_sme:
        days = min(days, settings.CHENGXIN_PROCUREMENT_SME_PAYMENT_MAX_DAYS)
    return days


def term_over_limit(agreed_days: int | None, *, is_sme: bool) -> bool:
    """A payment term agreed with an SME beyond the 60 days art. 9 allows."""
    return bool(
        is_sme and agreed_days and agreed_days > settings.CHENGXIN_PROCUREMENT_SME_PAYMENT_MAX_DAYS
    )


def payment_clock_start(
    *,
    delivery_date: datetime.date | None,
    acceptance_date: datetime.date | None,
    acceptance_result: str | None,
    after_acceptance: bool,
    acceptance_days: int | None = None,
) -> datetime.date | None:
    """The day the payment term runs from, or None while it cannot run.

    Without acceptance as a condition: delivery. With it (art. 10): the day acceptance was
    passed, but no later than the end of the agreed acceptance period: a purchaser that
    accepts late or never does cannot hold the clock back. While acceptance is pending the
    end of the period is the latest the clock can start (the due date moves earlier if it
    is passed sooner). A failed acceptance stops the clock: the supplier must make good."""
    if delivery_date is None:
        return None
    if not after_acceptance:
        return delivery_date
    if acceptance_result == "failed":
        return None
    period_end = acceptance_deadline(delivery_date, acceptance_days)
    if acceptance_result == "passed" and acceptance_date is not None:
        return min(acceptance_date, period_end)
    return period_end


def payment_due_date(
    *,
    delivery_date: datetime.date | None,
    acceptance_date: datetime.date | None,
    after_acceptance: bool,
    agreed_days: int | None,
    is_sme: bool,
    acceptance_result: str | None = None,
    acceptance_days: int | None = None,
) -> datetime.date | None:
    """When a payment falls due: the term after the clock's start (the start day does not
    count, Civil Code art. 201), moved to the next working day when it ends on a holiday or
    rest day (art. 203). None while the clock cannot run."""
    if acceptance_result is None and acceptance_date is not None:
        acceptance_result = "passed"
    start = payment_clock_start(
        delivery_date=delivery_date,
        acceptance_date=acceptance_date,
        acceptance_result=acceptance_result,
        after_acceptance=after_acceptance,
        acceptance_days=acceptance_days,
    )
    if start is None:
        return None
    return statutory_end(start, days=payment_term(agreed_days, is_sme=is_sme))


def days_late(due_date: datetime.date | None, paid_or_today: datetime.date | None) -> int:
    if due_date is None or paid_or_today is None:
        return 0
    return max(0, (paid_or_today - due_date).days)


def daily_rate(agreed_annual_percent: Decimal | None) -> Decimal:
    """Art. 17: the agreed rate (a yearly percentage, over 360 days), else 0.05% a day."""
    if agreed_annual_percent is None:
        return _decimal("CHENGXIN_PROCUREMENT_LATE_INTEREST_DAILY_RATE")
    return Decimal(agreed_annual_percent) / 100 / DAYS_OF_A_RATE_YEAR


def late_interest(
    amount: Decimal,
    days: int,
    daily_rate: Decimal | None = None,
    *,
    annual_percent: Decimal | None = None,
) -> Decimal:
    """Interest on a late payment: amount × daily rate × days, to the cent (half up). The
    rate is ``daily_rate``, else the agreed ``annual_percent`` / 100 / 360, else 0.05%."""
    if days <= 0 or amount <= 0:
        return Decimal("0.00")
    if daily_rate is None and annual_percent is not None:
        interest = Decimal(amount) * Decimal(annual_percent) * days / (100 * DAYS_OF_A_RATE_YEAR)
    else:
        rate = (
            daily_rate
            if daily_rate is not None
            else _decimal("CHENGXIN_PROCUREMENT_LATE_INTEREST_DAILY_RATE")
        )
        interest = Decimal(amount) * rate * days
    return interest.quantize(CENT, rounding=ROUND_HALF_UP)


def payment_lateness(
    *,
    amount: Decimal,
    disputed_amount: Decimal | None,
    due_date: datetime.date | None,
    paid_or_today: datetime.date | None,
    annual_percent: Decimal | None = None,
) -> tuple[int, Decimal]:
    """(days late, interest) of an instalment. Art. 15: the undisputed part is due on time,
    so lateness and interest count on it alone; a wholly disputed instalment is not late
    (once the dispute is settled and the disputed amount cleared, the whole counts from
    the original due date)."""
    undisputed = Decimal(amount) - Decimal(disputed_amount or 0)
    if undisputed <= 0:
        return 0, Decimal("0.00")
    days = days_late(due_date, paid_or_today)
    return days, late_interest(undisputed, days, annual_percent=annual_percent)


def lpr_floor(annual_percent: Decimal | None, signed_date: datetime.date):
    """The one-year LPR in force on ``signed_date`` if an agreed rate is below it (art. 17
    does not allow that), else None. No LPR on file for the day: nothing to compare with."""
    if annual_percent is None or signed_date is None:
        return None
    from core.models import LoanPrimeRate

    rate = LoanPrimeRate.on(signed_date)
    if rate is not None and Decimal(annual_percent) < rate.one_year_percent:
        return rate
    return None


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
    return format_money(value)


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
        disputed = Decimal(str(e.get("disputed_amount") or 0))
        if disputed:
            return _(
                "%(amount)s yuan due on %(due)s, of which %(disputed)s yuan in dispute: the "
                "undisputed %(undisputed)s yuan %(state)s, %(days)d days late, late interest "
                "%(interest)s yuan."
            ) % {
                "amount": _money(e["amount"]),
                "due": e["due_date"],
                "disputed": _money(disputed),
                "undisputed": _money(Decimal(str(e["amount"])) - disputed),
                "state": _("paid on %(date)s") % {"date": e["paid_date"]}
                if e.get("paid_date")
                else _("still unpaid on %(date)s") % {"date": e["as_of"]},
                "days": e["days_late"],
                "interest": _money(e["late_interest"]),
            }
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
    if rule == "sme_term_over_limit":
        return _(
            "Contract signed on %(signed)s with the SME %(supplier)s agrees a payment term of "
            "%(days)d days; the SME payment regulation (art. 9) allows at most %(limit)d. "
            "Lateness is counted from %(limit)d days."
        ) % {
            "signed": e["signed_date"],
            "supplier": e["supplier"],
            "days": e["agreed_days"],
            "limit": e["limit"],
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
    if rule in ("obligation_overdue", "instalment_overdue"):
        from .agreement_rules import describe_overdue

        return describe_overdue(rule, e)
    if rule == "complaint":
        from credit_records.models import ComplaintCategory

        return _("Complaint %(number)s (%(category)s): %(finding)s") % {
            "number": e["tracking_number"],
            "category": dict(ComplaintCategory.choices).get(e["category"], e["category"]),
            "finding": e["finding"],
        }
    if rule == "trading_violation":
        return _("%(document)s by %(authority)s: %(violation)s; %(result)s") % {
            "document": e.get("document_number", ""),
            "authority": e.get("authority", ""),
            "violation": e.get("violation_type", ""),
            "result": e.get("penalty_content", ""),
        }
    return ""
