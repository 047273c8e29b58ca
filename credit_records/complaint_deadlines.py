"""Deadlines of complaints: reminders before the limit to accept or reject and the limit to
handle (two ``DeadlineSource``s of the portal's reminder scan), and, after a limit, a ladder
of two steps like the debt warnings': the day after the limit the handling office is told
the complaint is overdue; ``CHENGXIN_COMPLAINT_ESCALATION_DAYS`` later it is escalated to the
parent region's office. Accepting a complaint starts a new limit, and the ladder again.

Each step is claimed with a conditional update of ``escalation_level`` (and the status the
scan read), so it happens once however often, and from however many workers, the scan runs.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.deadlines import DeadlineSource, DueItem, days_phrase, register
from core.models import NotificationKind
from core.notifications import notify_translated, supervisors_of

from . import complaint_rules
from .models import Complaint, ComplaintEvent, ComplaintEventAction, ComplaintStatus
from .services.complaints import complaint_url

logger = logging.getLogger(__name__)

DECISION_KIND = "complaint_decision"
HANDLING_KIND = "complaint_handling"
HANDLING_STATUSES = [ComplaintStatus.ACCEPTED, ComplaintStatus.INVESTIGATING]


def _recipients(complaint):
    return [*supervisors_of(complaint.handling_region), *_assignee(complaint)]


def _assignee(complaint) -> list:
    """The official the complaint is assigned to, who is reminded beside the handling
    region's office."""
    if complaint.assigned_to_id and complaint.assigned_to.is_active:
        return [complaint.assigned_to]
    return []


def _decision_items(start, end):
    complaints = Complaint.objects.filter(
        status=ComplaintStatus.RECEIVED, decision_due__range=(start, end)
    ).select_related("department", "handling_region", "assigned_to")
    for complaint in complaints:

        def describe(days_left, complaint=complaint):
            return (
                _("Complaint %(number)s must be accepted or rejected %(when)s")
                % {"number": complaint.tracking_number, "when": days_phrase(days_left)},
                _("About %(department)s; the limit is %(date)s.")
                % {
                    "department": complaint.department.name,
                    "date": complaint.decision_due.isoformat(),
                },
            )

        yield DueItem(
            object_id=complaint.pk,
            due_date=complaint.decision_due,
            region=complaint.handling_region,
            recipients=_assignee(complaint),
            describe=describe,
            url=complaint_url(complaint),
            target=complaint,
        )


def _handling_items(start, end):
    complaints = Complaint.objects.filter(
        status__in=HANDLING_STATUSES, handling_due__range=(start, end)
    ).select_related("department", "handling_region", "assigned_to")
    for complaint in complaints:

        def describe(days_left, complaint=complaint):
            return (
                _("Complaint %(number)s must be handled %(when)s")
                % {"number": complaint.tracking_number, "when": days_phrase(days_left)},
                _("About %(department)s; close it with an outcome by %(date)s.")
                % {
                    "department": complaint.department.name,
                    "date": complaint.handling_due.isoformat(),
                },
            )

        yield DueItem(
            object_id=complaint.pk,
            due_date=complaint.handling_due,
            region=complaint.handling_region,
            recipients=_assignee(complaint),
            describe=describe,
            url=complaint_url(complaint),
            target=complaint,
        )


def register_sources() -> None:
    register(
        DeadlineSource(
            DECISION_KIND, _decision_items, label=gettext_lazy("Accepting or rejecting a complaint")
        )
    )
    register(
        DeadlineSource(HANDLING_KIND, _handling_items, label=gettext_lazy("Handling a complaint"))
    )


def escalate_overdue_complaints(today: datetime.date | None = None) -> int:
    """Take every overdue open complaint up its two steps; returns the steps taken."""
    today = today or timezone.localdate()
    offsets = complaint_rules.escalation_offsets()
    latest_due = today - datetime.timedelta(days=offsets[0])
    candidates = Complaint.objects.filter(
        Q(status=ComplaintStatus.RECEIVED, decision_due__lte=latest_due)
        | Q(status__in=HANDLING_STATUSES, handling_due__lte=latest_due),
        escalation_level__lt=len(offsets),
    ).values_list("pk", "status", "decision_due", "handling_due", "escalation_level")
    steps = 0
    for pk, status, decision_due, handling_due, level in list(candidates):
        due = decision_due if status == ComplaintStatus.RECEIVED else handling_due
        for step, offset in enumerate(offsets, start=1):
            if step <= level:
                continue
            if today < due + datetime.timedelta(days=offset):
                break
            if not _take_step(pk, step, status=status, due=due):
                break
            steps += 1
    return steps


@transaction.atomic
def _take_step(complaint_id: int, step: int, *, status: str, due: datetime.date) -> bool:
    """Claim the step with a conditional update (one worker wins): the level, the status and
    the limit the scan read must still hold (an acceptance in between starts a new limit)."""
    due_field = "decision_due" if status == ComplaintStatus.RECEIVED else "handling_due"
    claimed = Complaint.objects.filter(
        pk=complaint_id, escalation_level=step - 1, status=status, **{due_field: due}
    ).update(escalation_level=step)
    if not claimed:
        return False
    complaint = Complaint.objects.select_related(
        "department", "handling_region__parent", "assigned_to"
    ).get(pk=complaint_id)
    (_step_overdue if step == 1 else _step_escalate)(complaint, due)
    return True


def _step_overdue(complaint: Complaint, due: datetime.date) -> None:
    ComplaintEvent.objects.create(
        complaint=complaint,
        action=ComplaintEventAction.OVERDUE,
        note=due.isoformat(),
        from_status=complaint.status,
        to_status=complaint.status,
    )
    notify_translated(
        _recipients(complaint),
        kind=NotificationKind.OVERDUE,
        describe=lambda: (
            _("Complaint %(number)s is overdue") % {"number": complaint.tracking_number},
            _("About %(department)s; the limit was %(date)s.")
            % {"department": complaint.department.name, "date": due.isoformat()},
        ),
        url=complaint_url(complaint),
        target=complaint,
    )


def _step_escalate(complaint: Complaint, due: datetime.date) -> None:
    region = complaint.handling_region
    target = region.parent or region
    complaint.escalated_to = target
    complaint._change_reason = str(ComplaintEventAction.ESCALATED.label)
    complaint.save(update_fields=["escalated_to"])
    ComplaintEvent.objects.create(
        complaint=complaint,
        action=ComplaintEventAction.ESCALATED,
        note=target.name,
        from_status=complaint.status,
        to_status=complaint.status,
    )
    notify_translated(
        [*supervisors_of(target), *_recipients(complaint)],
        kind=NotificationKind.ESCALATED,
        describe=lambda: (
            _("Escalated: complaint %(number)s is overdue") % {"number": complaint.tracking_number},
            _("%(office)s has not dealt with the complaint about %(department)s, due %(date)s.")
            % {
                "office": region.name,
                "department": complaint.department.name,
                "date": due.isoformat(),
            },
        ),
        url=complaint_url(complaint),
        target=complaint,
    )
