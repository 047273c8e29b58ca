"""The debt-risk indicators and the grade, in Decimal arithmetic, free of the database.

* debt ratio (债务率) = debt balance / comprehensive financial capacity;
* limit utilisation = debt balance / approved limit;
* debt-service ratio (偿债率) = (principal + interest due in the year) / financial capacity;
* overdue ratio (逾期债务率) = overdue debt / debt balance;
* new-debt ratio (新增债务率) = new debt in the year / previous year-end balance.

Every ratio is stored and shown as a percentage rounded half-up to two decimals, but the grade
is decided on the exact debt ratio (balance × 100 against threshold × capacity, in rational
arithmetic): a threshold is a line the debt ratio is below or not, and 119.995 % is below
120 % although it reads 120.00. Deciding on the rounded figure would grade yellow a region
whose debt is, in fact, under the line.
"""

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django.conf import settings

from .models import GRADE_ORDER, Grade

HUNDRED = Decimal("100")
CENT = Decimal("0.01")
logger = logging.getLogger(__name__)

# The settings of each grade's threshold, and what the assessment's threshold columns hold
# (seven digits, two of them decimals).
THRESHOLD_SETTINGS = {
    "yellow": "CHENGXIN_DEBT_YELLOW_FROM",
    "orange": "CHENGXIN_DEBT_ORANGE_FROM",
    "red": "CHENGXIN_DEBT_RED_FROM",
}
LARGEST_THRESHOLD = Decimal("99999.99")


def _threshold_setting(name: str) -> Decimal:
    raw = getattr(settings, name)
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(f"{name}={raw!r} is not a number.") from None
    in_range = value.is_finite() and 0 <= value <= LARGEST_THRESHOLD
    if not in_range or value != value.quantize(CENT):
        raise ValueError(
            f"{name}={raw!r} is not a percentage from 0 to {LARGEST_THRESHOLD} "
            "with at most two decimals."
        )
    return value


def threshold_errors() -> list[str]:
    """What is wrong with the grade threshold settings (for the system check); empty when
    they are numbers that increase from yellow to orange to red."""
    values, errors = {}, []
    for grade, name in THRESHOLD_SETTINGS.items():
        try:
            values[grade] = _threshold_setting(name)
        except ValueError as error:
            errors.append(str(error))
    if not errors and not values["yellow"] < values["orange"] < values["red"]:
        errors.append(
            "The debt grade thresholds must increase: "
            + " < ".join(f"{name} ({values[grade]})" for grade, name in THRESHOLD_SETTINGS.items())
            + " does not hold."
        )
    return errors


@dataclass(frozen=True)
class Thresholds:
    """Debt-ratio percentages from which each grade starts (below ``yellow`` is green)."""

    yellow: Decimal
    orange: Decimal
    red: Decimal

    @classmethod
    def from_settings(cls) -> "Thresholds":
        """The configured thresholds; the default grading (BRIEF.md) if they are not numbers
        in increasing order. The system check (``debt.E001``) stops ``migrate`` and
        ``runserver`` on such settings; a process started without checks still renders its
        pages, logs the error, and each assessment records the thresholds it used."""
        errors = threshold_errors()
        if errors:
            logger.error("Using the default debt grade thresholds: %s", " ".join(errors))
            return DEFAULT_THRESHOLDS
        return cls(
            **{grade: _threshold_setting(name) for grade, name in THRESHOLD_SETTINGS.items()}
        )


DEFAULT_THRESHOLDS = Thresholds(yellow=Decimal("120"), orange=Decimal("200"), red=Decimal("300"))


@dataclass(frozen=True)
class Inputs:
    general_limit: Decimal
    special_limit: Decimal
    general_balance: Decimal
    special_balance: Decimal
    financial_capacity: Decimal
    principal_due: Decimal
    interest_due: Decimal
    overdue_amount: Decimal
    new_debt: Decimal
    previous_balance: Decimal | None = None

    @property
    def total_balance(self) -> Decimal:
        return self.general_balance + self.special_balance

    @property
    def total_limit(self) -> Decimal:
        return self.general_limit + self.special_limit

    @property
    def debt_service(self) -> Decimal:
        return self.principal_due + self.interest_due


@dataclass(frozen=True)
class Indicators:
    debt_ratio: Decimal
    limit_utilisation: Decimal | None
    debt_service_ratio: Decimal
    overdue_ratio: Decimal | None
    new_debt_ratio: Decimal | None
    grade: str
    general_limit_breached: bool
    special_limit_breached: bool


def percent(numerator: Decimal, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator as a percentage to two decimals; None without a denominator."""
    if denominator is None or denominator == 0:
        return None
    return (numerator * HUNDRED / denominator).quantize(CENT, rounding=ROUND_HALF_UP)


def exact_percent(numerator: Decimal, denominator: Decimal) -> Fraction:
    """numerator / denominator as an exact percentage (no rounding at all)."""
    return Fraction(numerator) * 100 / Fraction(denominator)


def grade_for(debt_ratio: Decimal | Fraction, thresholds: Thresholds) -> str:
    """The grade of an exact debt ratio (a percentage): green strictly below ``yellow``,
    yellow from it, and so on (BRIEF.md's default grading, thresholds configurable)."""
    ratio = Fraction(debt_ratio)
    if ratio >= Fraction(thresholds.red):
        return Grade.RED
    if ratio >= Fraction(thresholds.orange):
        return Grade.ORANGE
    if ratio >= Fraction(thresholds.yellow):
        return Grade.YELLOW
    return Grade.GREEN


def worse(grade: str, than: str | None) -> bool:
    """Whether ``grade`` is a worse grade than ``than`` (None counts as green)."""
    return GRADE_ORDER[Grade(grade)] > GRADE_ORDER[Grade(than or Grade.GREEN)]


def compute(inputs: Inputs, thresholds: Thresholds) -> Indicators:
    debt_ratio = percent(inputs.total_balance, inputs.financial_capacity)
    if debt_ratio is None:
        raise ValueError("The comprehensive financial capacity must be above zero.")
    return Indicators(
        debt_ratio=debt_ratio,
        limit_utilisation=percent(inputs.total_balance, inputs.total_limit),
        debt_service_ratio=percent(inputs.debt_service, inputs.financial_capacity),
        overdue_ratio=percent(inputs.overdue_amount, inputs.total_balance),
        new_debt_ratio=percent(inputs.new_debt, inputs.previous_balance),
        # Decided on the exact ratio, not on the rounded figure stored and shown.
        grade=grade_for(exact_percent(inputs.total_balance, inputs.financial_capacity), thresholds),
        general_limit_breached=inputs.general_balance > inputs.general_limit,
        special_limit_breached=inputs.special_balance > inputs.special_limit,
    )
