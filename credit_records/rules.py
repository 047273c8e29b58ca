"""Domain rules with numbers in them, in one place (BRIEF.md names their sources).

Disclosure periods follow the NDRC credit-repair measures: minor records normally are not
published (at most 3 months), general ones at least 3 months and at most 1 year, serious ones
at least 1 year and at most 3 years, all counted from the decision date.

Convention (docs/rules.md): the decision day is the first day of publication, so a period
of N months ends the day before the same date N months later, and that date is the first
day after it (``disclosure_window``). Neither end moves past rest days (Civil Code art. 203):
they are not periods within which anyone must act. Publication ends on its own on any day,
and moving its end later would publish a record longer than the measures allow; the end of
the minimum period opens a right (to apply for repair), which rolling would only delay.
The same holds for the honours restriction. The rectification and explanation deadlines
are set by the office (``default_rectification_deadline`` is its configured proposal) and
are not rolled either; the credit-repair review is counted in working days and ends on one.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

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
    """The deadline the form proposes: the office's configured number of days, not a
    statutory period (it is not rolled past rest days; the official may pick another day)."""
    return today + datetime.timedelta(days=settings.CHENGXIN_RECTIFICATION_DAYS)


# A region's credit standing on the workspace cockpit, from its departments' standings (the
# A–D of ``selectors.standing_from_records``). Not a published rule: our default, stated on
# the page. A region takes the worst grade that at least this share of its departments hold
# (a single D among a city's three thousand agencies does not paint the whole city D), and B
# while any department at all is below A.
REGION_STANDING_SHARE = Decimal("0.05")


def region_standing(departments: int, *, graded_d: int, graded_c: int, graded_b: int) -> str:
    """The region's grade ("A"–"D"), or "" for a region without departments: D when at
    least ``REGION_STANDING_SHARE`` of its departments are graded D; C when that share are
    graded C or D; B when any department is below A; A otherwise."""
    if departments <= 0:
        return ""
    threshold = REGION_STANDING_SHARE * departments
    if graded_d and graded_d >= threshold:
        return "D"
    if graded_d + graded_c and graded_d + graded_c >= threshold:
        return "C"
    if graded_d + graded_c + graded_b:
        return "B"
    return "A"


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
