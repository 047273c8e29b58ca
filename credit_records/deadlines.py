"""The deadline scans: reminders before deadlines, the escalation ladder after a missed
rectification deadline, the end of public disclosure, and (objection_deadlines) the time
limits of objections.

Every scan derives its work from the database (indexed due dates) and makes each effect
happen once with a unique constraint or a conditional update, so it is safe to run as often
as beat likes, from several workers at once, and to miss a run (the next one catches up).

Other apps plug their deadlines into the reminders with ``register(DeadlineSource(...))`` in
their ``AppConfig.ready``.
"""

import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import calendar
from core.deadlines import DeadlineSource, DueItem, days_phrase, register, send_reminders
from core.notifications import RecipientCache

from . import event_reasons, exchange, ladder, objection_deadlines
from .ladder import (  # noqa: F401  (the services call these through this module)
    LADDER_STATUSES,
    escalate_overdue,
    ladder_pause_ended,
    ladder_restart,
    next_step_due,
)
from .models import (
    COUNTING_STATUSES,
    Commitment,
    CommitmentStatus,
    CreditRepairApplication,
    DishonestyRecord,
    RecordEventAction,
    RecordStatus,
    Rectification,
    ReviewStatus,
)

logger = logging.getLogger(__name__)


def _record_url(record_id: int) -> str:
    return reverse("workspace:record_detail", args=[record_id])


def _rectification_items(start, end):
    rectifications = Rectification.objects.filter(
        deadline__range=(start, end), record__status__in=LADDER_STATUSES
    ).select_related("record", "record__department", "record__department__region")
    for rectification in rectifications:
        record = rectification.record
        department = record.department

        def describe(days_left, record=record, rectification=rectification):
            return (
                _("Rectification of %(number)s is due %(when)s")
                % {"number": record.decision_number, "when": days_phrase(days_left)},
                _("%(department)s must complete the rectification of %(number)s by %(date)s.")
                % {
                    "department": record.department.name,
                    "number": record.decision_number,
                    "date": rectification.deadline.isoformat(),
                },
            )

        yield DueItem(
            object_id=rectification.pk,
            due_date=rectification.deadline,
            department=department,
            region=department.region,
            describe=describe,
            url=_record_url(record.pk),
            target=record,
        )


def _explanation_items(start, end):
    rectifications = Rectification.objects.filter(
        explanation_due__range=(start, end),
        record__status=RecordStatus.RECTIFICATION_REQUIRED,
    ).select_related("record", "record__department", "record__department__region")
    for rectification in rectifications:
        record = rectification.record

        def describe(days_left, record=record, rectification=rectification):
            return (
                _("The written explanation for %(number)s is due %(when)s")
                % {"number": record.decision_number, "when": days_phrase(days_left)},
                _("%(department)s must explain the causes in writing by %(date)s.")
                % {
                    "department": record.department.name,
                    "date": rectification.explanation_due.isoformat(),
                },
            )

        yield DueItem(
            object_id=rectification.pk,
            due_date=rectification.explanation_due,
            department=record.department,
            region=record.department.region,
            describe=describe,
            url=_record_url(record.pk),
            target=record,
        )


def _commitment_items(start, end):
    commitments = Commitment.objects.filter(
        promised_date__range=(start, end), status=CommitmentStatus.PENDING
    ).select_related("department", "department__region")
    for commitment in commitments:

        def describe(days_left, commitment=commitment):
            return (
                _("A commitment of %(department)s is due %(when)s")
                % {"department": commitment.department.name, "when": days_phrase(days_left)},
                _("Promised for %(date)s: %(content)s")
                % {"date": commitment.promised_date.isoformat(), "content": commitment.content},
            )

        yield DueItem(
            object_id=commitment.pk,
            due_date=commitment.promised_date,
            department=commitment.department,
            region=commitment.department.region,
            describe=describe,
            url=reverse("workspace:commitment_list") + f"?department={commitment.department.uscc}",
        )


def _repair_review_items(start, end):
    applications = CreditRepairApplication.objects.filter(
        review_due__range=(start, end), status=ReviewStatus.PENDING
    ).select_related("record", "record__department", "record__department__region")
    for application in applications:
        record = application.record

        def describe(days_left, record=record, application=application):
            return (
                _("A credit-repair application for %(number)s must be decided %(when)s")
                % {"number": record.decision_number, "when": days_phrase(days_left)},
                _("The review period of %(department)s's application ends on %(date)s.")
                % {
                    "department": record.department.name,
                    "date": application.review_due.isoformat(),
                },
            )

        yield DueItem(
            object_id=application.pk,
            due_date=application.review_due,
            region=record.department.region,
            describe=describe,
            url=_record_url(record.pk),
            target=record,
        )


register(DeadlineSource("rectification", _rectification_items, label=gettext_lazy("Rectification")))
register(
    DeadlineSource(
        "explanation", _explanation_items, label=gettext_lazy("Written explanation of causes")
    )
)
register(DeadlineSource("commitment", _commitment_items, label=gettext_lazy("Commitment due")))
register(
    DeadlineSource(
        "repair_review", _repair_review_items, label=gettext_lazy("Credit repair review")
    )
)
for _source in objection_deadlines.SOURCES:
    register(_source)


def expire_disclosures(today: datetime.date | None = None) -> int:
    """Write the audit entry of every record whose maximum disclosure period has ended. The
    public pages already hide it by date; this records when it left: on ``disclosure_ends``,
    even when the scan notices it days later.

    Only records that were publicly disclosed until then: one never published (``disclose``
    off) or taken off early by an approved credit repair (which wrote its own entry) did not
    leave public disclosure on that day."""
    today = today or timezone.localdate()
    due = DishonestyRecord.objects.filter(
        disclosure_expired_on__isnull=True,
        disclosure_ends__lte=today,
        status__in=COUNTING_STATUSES,
        disclose=True,
        disclosure_ended_early_on__isnull=True,
    )
    pending = list(due.order_by("pk").values_list("pk", flat=True))
    expired = 0
    # A backlog (a province's first scan) in batches that each commit, like the ladder's.
    for start in range(0, len(pending), settings.CHENGXIN_LADDER_BATCH):
        expired += _expire_batch(due, pending[start : start + settings.CHENGXIN_LADDER_BATCH])
    return expired


@transaction.atomic
def _expire_batch(due, pks) -> int:
    rows = due.filter(pk__in=pks)
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    records = list(rows)
    if not records:
        return 0
    claimed = DishonestyRecord.objects.filter(
        pk__in=[record.pk for record in records], disclosure_expired_on__isnull=True
    ).update(disclosure_expired_on=F("disclosure_ends"))
    if claimed != len(records):
        raise ladder.StepConflict  # the rows are locked: not expected; the next scan retries
    effects = ladder.Effects(RecipientCache())
    for record in records:
        record.disclosure_expired_on = record.disclosure_ends
        effects.changed(record, RecordEventAction.DISCLOSURE_EXPIRED.label)
        effects.event(
            record,
            RecordEventAction.DISCLOSURE_EXPIRED,
            event_reasons.DISCLOSURE_EXPIRED,
            date=record.disclosure_ends.isoformat(),
        )
    effects.write()
    # The record left public view: its publication event (the feed, webhooks, the
    # transparency log), in this batch's transaction.
    for record in records:
        exchange.publication_sync(record, actor=None, cause="ended")
    return len(records)


def _escalate_complaints(today: datetime.date) -> int:
    from .complaint_deadlines import escalate_overdue_complaints

    return escalate_overdue_complaints(today)


def run_scan(today: datetime.date | None = None) -> dict[str, int | None]:
    """Everything the periodic scan does, in order; safe to run at any time.

    One phase failing (a bad setting, a row it cannot handle) is logged and leaves the others
    to run: an error in the reminders must not stop the ladder. Its count is None."""
    today = today or timezone.localdate()
    phases = {
        "reminders": send_reminders,
        "escalation_steps": lambda day: escalate_overdue(
            day, budget_seconds=settings.CHENGXIN_SCAN_BUDGET_SECONDS, fan_out=True
        ),
        "disclosures_ended": expire_disclosures,
        "objection_steps": objection_deadlines.escalate_overdue_objections,
        "complaint_steps": _escalate_complaints,
    }
    result: dict[str, int | None] = {}
    # One read of the working-day calendar for the whole scan, not one per deadline.
    with calendar.preloaded():
        for name, phase in phases.items():
            try:
                result[name] = phase(today)
            except Exception:
                logger.exception("Deadline scan for %s: %s failed", today, name)
                result[name] = None
    logger.info("Deadline scan for %s: %s", today, result)
    return result
