"""The workspace cockpit's reads of credit records: records by status, by decision month and
by region (with each region's standing), and the rectification on-time rate. Every figure
is an aggregate in one query over the records in the user's scope, whatever the number of
regions or records; the record list's filters select exactly the rows each one counts.
"""

import datetime
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from core.models import Department, Region, RegionLevel
from core.scope import regions_in_scope, scope_queryset

from ..models import (
    COUNTING_STATUSES,
    OPEN_STATUSES,
    RECTIFYING_STATUSES,
    DishonestyRecord,
    RecordStatus,
    Severity,
)
from ..punctuality import record_punctuality_q, with_record_punctuality_days
from ..rules import region_standing
from . import standing_q

# Every status but the draft and the withdrawn (an objection upheld: the record should never
# have been): the records the cockpit counts ("confirmed records").
ENTERED_STATUSES = [
    status for status in RecordStatus if status not in (RecordStatus.DRAFT, RecordStatus.WITHDRAWN)
]

# A region's path is its ancestors' codes and its own, six digits and a slash each.
SEGMENT = 7


def scoped_records(user) -> QuerySet[DishonestyRecord]:
    return scope_queryset(user, DishonestyRecord.objects.order_by())


def records_by_status(user) -> dict[str, int]:
    """Records in scope per status (every status, zero included), in the statuses' order."""
    counts = dict(scoped_records(user).values_list("status").annotate(count=Count("pk")))
    return {status: counts.get(status, 0) for status in RecordStatus}


def trend_months(today: datetime.date, months: int) -> list[datetime.date]:
    """The first days of the last ``months`` months, the current one last."""
    first = today.replace(day=1)
    return [first - relativedelta(months=back) for back in range(months - 1, -1, -1)]


def records_by_month(user, *, months: int = 24, today: datetime.date | None = None) -> list:
    """Entered records (not drafts) by the month of their decision, over the last ``months``
    months (the current one included): ``[(first day of the month, count), …]``."""
    today = today or timezone.localdate()
    starts = trend_months(today, months)
    end = starts[-1] + relativedelta(months=1)
    counts = {
        month: count
        for month, count in scoped_records(user)
        .filter(status__in=ENTERED_STATUSES, decision_date__gte=starts[0], decision_date__lt=end)
        .annotate(month=TruncMonth("decision_date"))
        .values_list("month")
        .annotate(count=Count("pk"))
    }
    # TruncMonth of a date column is a date on every backend Django supports.
    return [(start, counts.get(start, 0)) for start in starts]


def month_range(start: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the month starting on ``start`` (the list's date filter)."""
    return start, start + relativedelta(months=1) - datetime.timedelta(days=1)


# --- Rectification punctuality -----------------------------------------------------------


def rectification_due_q(today: datetime.date) -> Q:
    """Records whose rectification deadline (as extended, if it was) has passed: the
    rectifications the on-time rate counts. Records of the credit file only (exempted ones
    leave it, as on the public pages)."""
    return Q(status__in=COUNTING_STATUSES, rectification__deadline__lt=today)


def with_verified_on(queryset: QuerySet[DishonestyRecord]) -> QuerySet[DishonestyRecord]:
    """The days the punctuality rule reads (``credit_records.punctuality``, the evaluation's
    rule too): the verified report's submission and the pending report's."""
    return with_record_punctuality_days(queryset)


DECIDED, ON_TIME, LATE = record_punctuality_q()


def filter_punctuality(queryset, kind: str, today: datetime.date | None = None):
    """The records behind the on-time rate: ``due`` (deadline passed, outcome known),
    ``on_time`` (of those, the verified report submitted by the deadline) or ``late`` (the
    others)."""
    today = today or timezone.localdate()
    due = with_verified_on(queryset).filter(rectification_due_q(today) & DECIDED)
    if kind == "on_time":
        return due.filter(ON_TIME)
    if kind == "late":
        return due.filter(LATE)
    return due


def rectification_punctuality(user, today: datetime.date | None = None) -> dict:
    """``due``, ``on_time`` and the rate in per cent (None while nothing is due), in scope."""
    today = today or timezone.localdate()
    figures = (
        with_verified_on(scoped_records(user))
        .filter(rectification_due_q(today) & DECIDED)
        .aggregate(due=Count("pk"), on_time=Count("pk", filter=ON_TIME))
    )
    figures["late"] = figures["due"] - figures["on_time"]
    figures["rate"] = (
        round(100 * figures["on_time"] / figures["due"], 1) if figures["due"] else None
    )
    return figures


# --- By region, with each region's standing ---------------------------------------------


@dataclass
class RegionRow:
    region: Region
    # The departments directly in ``region`` only (the user's own region beside the regions
    # below it), not its subtree.
    itself: bool = False
    departments: int = 0
    records: int = 0
    graded: dict = field(default_factory=lambda: {"B": 0, "C": 0, "D": 0})
    standing: str = ""

    @property
    def below_b(self) -> int:
        return self.graded["C"] + self.graded["D"]


def grade_qs(today: datetime.date) -> tuple[Q, Q]:
    """The records (of those ``standing_q`` selects) that grade their department D and C,
    as ``standing_from_records`` does: D for a rectification past its deadline or an open
    serious record, C for an open general one; a department with only other counting records
    is B."""
    graded_d = Q(status__in=RECTIFYING_STATUSES, rectification__deadline__lt=today) | Q(
        status__in=OPEN_STATUSES, severity=Severity.SERIOUS
    )
    return graded_d, Q(status__in=OPEN_STATUSES, severity=Severity.GENERAL)


def breakdown_parent(user) -> Region | None:
    """The region whose subdivisions the cockpit compares: the province for the province's
    office, auditors and administrators; the user's city for a city office; None for a
    county office (one region) and a department's liaison."""
    if user.has_full_scope:
        return Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first()
    if user.region_id and user.region.level != RegionLevel.COUNTY:
        return user.region
    return None


def records_by_region(user, today: datetime.date | None = None) -> list[RegionRow]:
    """The regions one level below the user's region (the 13 cities for the province), each
    with its subtree's entered records, departments and standing, and the user's region
    itself (its own departments) first. Four queries, however many regions and records."""
    today = today or timezone.localdate()
    parent = breakdown_parent(user)
    if parent is None:
        return []
    length = len(parent.path) + SEGMENT
    children = regions_in_scope(user).filter(parent=parent).order_by("code")
    rows = {parent.path: RegionRow(parent, itself=True)}
    rows.update({child.path: RegionRow(child) for child in children})

    # A department's region path cut after the next level names its row: the child's path,
    # or the parent's own for the departments directly in it.
    departments = scope_queryset(user, Department.objects.order_by())
    for prefix, count in (
        departments.filter(region__path__startswith=parent.path)
        .annotate(prefix=Substr("region__path", 1, length))
        .values_list("prefix")
        .annotate(count=Count("pk"))
    ):
        if prefix in rows:
            rows[prefix].departments += count
    records = scoped_records(user).filter(department__region__path__startswith=parent.path)
    for prefix, count in (
        records.filter(status__in=ENTERED_STATUSES)
        .annotate(prefix=Substr("department__region__path", 1, length))
        .values_list("prefix")
        .annotate(count=Count("pk"))
    ):
        if prefix in rows:
            rows[prefix].records += count
    graded_d, graded_c = grade_qs(today)
    for prefix, _department, d, c in (
        records.filter(standing_q(today))
        .annotate(prefix=Substr("department__region__path", 1, length))
        .values_list("prefix", "department")
        .annotate(d=Count("pk", filter=graded_d), c=Count("pk", filter=graded_c))
    ):
        if prefix in rows:
            rows[prefix].graded["D" if d else "C" if c else "B"] += 1
    for row in rows.values():
        row.standing = region_standing(
            row.departments,
            graded_d=row.graded["D"],
            graded_c=row.graded["C"],
            graded_b=row.graded["B"],
        )
    return list(rows.values())
