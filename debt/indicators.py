"""The debt-risk indicators and the grade, in Decimal arithmetic, free of the database.

* debt ratio (债务率) = debt balance / comprehensive financial capacity;
* limit utilisation = debt balance / approved limit;
* debt-service ratio (偿债率) = (principal + interest due in the year) / financial capacity;
* overdue ratio (逾期债务率) = overdue debt / debt balance;
* new-debt ratio (新增债务率) = new debt in the year / previous year-end balance.

Every ratio is a percentage rounded half-up to two decimals; the grade is decided on the
rounded debt ratio, so the grade always agrees with the figure people read.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from .models import GRADE_ORDER, Grade

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Thresholds:
    """Debt-ratio percentages from which each grade starts (below ``yellow`` is green)."""

    yellow: Decimal
    orange: Decimal
    red: Decimal

    @classmethod
    def from_settings(cls) -> "Thresholds":
        return cls(
            yellow=Decimal(str(settings.CHENGXIN_DEBT_YELLOW_FROM)),
            orange=Decimal(str(settings.CHENGXIN_DEBT_ORANGE_FROM)),
            red=Decimal(str(settings.CHENGXIN_DEBT_RED_FROM)),
        )


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


def grade_for(debt_ratio: Decimal, thresholds: Thresholds) -> str:
    if debt_ratio >= thresholds.red:
        return Grade.RED
    if debt_ratio >= thresholds.orange:
        return Grade.ORANGE
    if debt_ratio >= thresholds.yellow:
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
        grade=grade_for(debt_ratio, thresholds),
        general_limit_breached=inputs.general_balance > inputs.general_limit,
        special_limit_breached=inputs.special_balance > inputs.special_limit,
    )
