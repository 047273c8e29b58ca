"""Domain rules with numbers in them, in one place (BRIEF.md names their sources).

Disclosure periods follow the NDRC credit-repair measures: minor records normally are not
published (at most 3 months), general ones at least 3 months and at most 1 year, serious ones
at least 1 year and at most 3 years, all counted from the decision date.
"""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings

from .models import Severity


@dataclass(frozen=True)
class DisclosurePeriod:
    minimum_months: int
    maximum_months: int
    published_by_default: bool


DISCLOSURE_PERIODS = {
    Severity.MINOR: DisclosurePeriod(0, 3, published_by_default=False),
    Severity.GENERAL: DisclosurePeriod(3, 12, published_by_default=True),
    Severity.SERIOUS: DisclosurePeriod(12, 36, published_by_default=True),
}


def disclosure_window(severity: str, decision_date: datetime.date) -> tuple[datetime.date, ...]:
    """(minimum period ends, disclosure ends): the first day on which credit repair may be
    applied for, and the first day on which the record is no longer public."""
    period = DISCLOSURE_PERIODS[Severity(severity)]
    return (
        decision_date + relativedelta(months=period.minimum_months),
        decision_date + relativedelta(months=period.maximum_months),
    )


def honours_restriction_months(severity: str, extended: bool = False) -> int:
    """How long after closing a record keeps its department out of honours: the severity's
    minimum disclosure period, plus the extension the escalation ladder's last step adds."""
    months = DISCLOSURE_PERIODS[Severity(severity)].minimum_months
    return months + (settings.CHENGXIN_HONOURS_EXTENSION_MONTHS if extended else 0)


def honours_restricted_until(
    severity: str, closed_on: datetime.date, extended: bool = False
) -> datetime.date:
    return closed_on + relativedelta(months=honours_restriction_months(severity, extended))


def default_rectification_deadline(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=settings.CHENGXIN_RECTIFICATION_DAYS)


# --- Objections (异议申诉) ---------------------------------------------------------------------
#
# 国办发〔2025〕22号 (关于进一步完善信用修复制度的实施方案, June 2025) requires an objection
# channel: a subject that disputes published credit information, or a repair result, may file
# an objection (异议申诉) with 信用中国 or directly with the department that made the finding,
# which verifies it and returns its result within a set number of working days, extendable
# where the case is complex or needs investigation. The copies of the text we could consult
# did not give those figures legibly, so the defaults follow a published public-credit
# objection procedure of the same kind (信用广州, 异议信息办理须知): the platform decides within
# 2 working days whether it takes the objection up (here: acknowledges it), and the body that
# provided the information verifies and answers within 10 working days (here: the credit
# office decides; we count both from the day the objection is filed, so the department knows
# both days at once). 10 working days is also the repair review period the portal already
# uses (CHENGXIN_REPAIR_REVIEW_WORKING_DAYS). Both are settings; a province that fixes other
# figures sets them there.


def objection_dues(filed_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(acknowledgement due, decision due) of an objection filed on ``filed_on``: working days
    counted from the day after filing (Civil Code art. 201), by the working-day calendar; a
    period never ends on a rest day or holiday (art. 203), which counting working days ensures."""
    from core.calendar import add_working_days

    return (
        add_working_days(filed_on, settings.CHENGXIN_OBJECTION_ACKNOWLEDGE_WORKING_DAYS),
        add_working_days(filed_on, settings.CHENGXIN_OBJECTION_DECISION_WORKING_DAYS),
    )
