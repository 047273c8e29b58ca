"""When a rectification counts as done on time (按期整改): the rule the evaluation's on-time
indicator and the public punctuality figures share.

The department's part ends when it submits the report that is finally verified: what follows
is the supervisor's turn, and the escalation ladder (``credit_records.deadlines``) stands still
from the day a report is submitted until it is verified or returned. So:

* a rectification is on time when the report that was verified was submitted on or before the
  deadline (as extended, if it was), however late the verification came;
* a returned report does not count: the rectification is judged by a later report;
* while a report submitted by the deadline awaits verification, the outcome is not known yet
  (the ladder is paused too): it is neither on time nor late;
* a report submitted after the deadline makes the rectification late, whatever follows;
* with no report, the rectification is late once its deadline has passed.

Days are those of the portal's time zone (Asia/Shanghai): a report sent at 23:30 on the
deadline day is on time.
"""

import datetime
import enum

from django.db.models import OuterRef, QuerySet, Subquery

from .models import Rectification, RectificationReport, ReportDecision


class Punctuality(enum.Enum):
    ON_TIME = "on_time"
    LATE = "late"
    AWAITING_VERIFICATION = "awaiting_verification"
    NOT_DUE = "not_due"


def punctuality(
    *,
    deadline: datetime.date,
    today: datetime.date,
    verified_report_submitted_on: datetime.date | None,
    verified_on: datetime.date | None = None,
    pending_report_submitted_on: datetime.date | None = None,
) -> Punctuality:
    """The rule of the module docstring. ``verified_on`` serves only a rectification verified
    without any accepted report on file (data from before reports were kept): the
    verification day stands in for the report's."""
    if verified_report_submitted_on is not None:
        return Punctuality.ON_TIME if verified_report_submitted_on <= deadline else Punctuality.LATE
    if verified_on is not None:
        return Punctuality.ON_TIME if verified_on <= deadline else Punctuality.LATE
    if pending_report_submitted_on is not None:
        if pending_report_submitted_on <= deadline:
            return Punctuality.AWAITING_VERIFICATION
        return Punctuality.LATE
    return Punctuality.NOT_DUE if deadline >= today else Punctuality.LATE


def _report_submitted_at(decision: str, rectification: str = "pk") -> Subquery:
    return Subquery(
        RectificationReport.objects.filter(rectification=OuterRef(rectification), decision=decision)
        .order_by("-submitted_at", "-pk")
        .values("submitted_at")[:1]
    )


def with_report_times(queryset: QuerySet[Rectification]) -> QuerySet[Rectification]:
    """Rectifications with ``verified_report_submitted_at`` (the accepted report's submission)
    and ``pending_report_submitted_at`` (the report awaiting verification, if any)."""
    return queryset.annotate(
        verified_report_submitted_at=_report_submitted_at(ReportDecision.ACCEPTED),
        pending_report_submitted_at=_report_submitted_at(ReportDecision.PENDING),
    )


def with_record_punctuality_days(queryset):
    """Records with ``done_on`` (the day their verified report was submitted, or for one
    verified without a report on file, the verification day) and ``pending_on`` (the day the
    report awaiting verification was submitted), in the portal's time zone: the inputs of
    ``punctuality`` as columns, for the record lists and the cockpit."""
    from django.db.models.functions import Coalesce, TruncDate

    return queryset.annotate(
        done_on=TruncDate(
            Coalesce(
                _report_submitted_at(ReportDecision.ACCEPTED, "rectification"),
                "rectification__verified_at",
            )
        ),
        pending_on=TruncDate(_report_submitted_at(ReportDecision.PENDING, "rectification")),
    )


def record_punctuality_q():
    """``(decided, on_time, late)`` conditions over ``with_record_punctuality_days`` records
    whose deadline has passed: ``decided`` leaves out those whose report was submitted by the
    deadline and awaits verification (neither on time nor late yet)."""
    from django.db.models import F, Q

    deadline = F("rectification__deadline")
    decided = Q(done_on__isnull=False) | Q(pending_on__isnull=True) | Q(pending_on__gt=deadline)
    on_time = Q(done_on__lte=deadline)
    # Not "~on_time": NOT (NULL <= deadline) is NULL in SQL, which would drop the unfinished.
    late = decided & (Q(done_on__isnull=True) | Q(done_on__gt=deadline))
    return decided, on_time, late
