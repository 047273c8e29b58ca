"""System checks of the evaluations settings: the grade cut-offs are read on every results
page, so a value that cannot grade is refused when the project starts (``manage.py check``
runs before ``migrate``, ``runserver`` and in ``make test``), not met as a 500 later."""

from decimal import Decimal, InvalidOperation
from itertools import pairwise

from django.conf import settings
from django.core.checks import Error, register

GRADE_COUNT = 3  # the lowest totals of 优秀, 良好 and 合格; below the last: 不合格


def parse_grade_cutoffs(values) -> list[Decimal]:
    """The cut-offs as Decimals; ValueError saying what is wrong unless there are exactly
    three non-negative numbers, strictly descending."""
    if isinstance(values, str) or not hasattr(values, "__iter__"):
        raise ValueError("expected a list of three numbers, for example 90,80,60")
    values = list(values)
    if len(values) != GRADE_COUNT:
        raise ValueError(
            f"expected {GRADE_COUNT} numbers (优秀, 良好, 合格), got {len(values)}: {values!r}"
        )
    cutoffs = []
    for value in values:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"{value!r} is not a number") from None
        if not number.is_finite() or number < 0:
            raise ValueError(f"{value!r} is not a number of points (0 or more)")
        cutoffs.append(number)
    if any(higher <= lower for higher, lower in pairwise(cutoffs)):
        raise ValueError(f"the cut-offs must be strictly descending, got {values!r}")
    return cutoffs


@register()
def check_grade_cutoffs(app_configs, **kwargs):
    try:
        parse_grade_cutoffs(getattr(settings, "CHENGXIN_EVALUATION_GRADES", None))
    except ValueError as error:
        return [
            Error(
                f"CHENGXIN_EVALUATION_GRADES is invalid: {error}.",
                hint="Set the lowest totals of 优秀, 良好 and 合格, highest first, e.g. 90,80,60.",
                id="evaluations.E001",
            )
        ]
    return []
