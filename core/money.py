"""Amounts of money as people read them: yuan (or 亿元 on the debt pages) with a comma between
thousands and two decimals, "1,234,567.80", the same in every language and on every page.

One function for templates (the ``money`` filter in ``core.templatetags.chengxin_format``) and
for sentences built in Python (flag findings, reminders), so an amount reads alike wherever it
is shown. Spreadsheets and CSV keep their own number formats (see ``core.exports``)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

CENT = Decimal("0.01")
# What an absent amount shows as: a dash, never "None" or an empty cell that reads as zero.
NO_AMOUNT = "—"


def to_decimal(value) -> Decimal | None:
    """``value`` (a Decimal, int, float or numeric string) as a Decimal, or ``None`` when it is
    empty or not a finite number. A float goes through its shortest ``repr`` so 0.1 stays 0.1."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def format_money(value, *, empty: str = NO_AMOUNT, exact: bool = False) -> str:
    """``value`` rounded half up to the cent (四舍五入, as a payment is reckoned; 0.005 becomes
    0.01, where Python's own formatting would round half to even and show 0.00), with a comma
    between thousands and two decimals, never in scientific notation: "1,234,567.80",
    "-1,234.50", "0.00". ``empty`` for ``None``, an empty value or anything not a number.

    ``exact`` keeps every decimal the value has beyond the cents, unrounded: where a comparison
    is the point (a debt balance of 20.0001 亿元 above its limit of 20), rounding would show
    "20.00 above 20.00"."""
    number = to_decimal(value)
    if number is None:
        return empty
    if exact and number.as_tuple().exponent < -2:
        digits = -number.normalize().as_tuple().exponent
        if digits > 2:
            return f"{number:,.{digits}f}"
    with localcontext() as context:
        # Room for every digit of the largest amount a column holds and its cents.
        context.prec = max(context.prec, len(number.as_tuple().digits) + 4)
        rounded = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # -0.001 reads 0.00, not -0.00
    return f"{rounded:,.2f}"
