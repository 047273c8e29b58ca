"""Deadlines of objections (异议申诉): reminders before the acknowledgement and the decision
fall due, and the escalation ladder of an objection left undecided.

Reminders come from the portal's reminder scan (two ``DeadlineSource``s, registered by
``credit_records.deadlines``). After the decision's due day, ``escalate_overdue_objections``
(a phase of ``deadlines.run_scan``) takes two steps, like a rectification's ladder: step 1,
``CHENGXIN_OBJECTION_ESCALATION_DAYS[0]`` days after the due day, tells the office and the
department that the decision is overdue; step 2, the second number of days later, escalates
it to the parent region's office. Each step is claimed with a conditional update of
``escalation_level`` (only one worker wins) and written to the record's timeline; a decision
stops the ladder.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.deadlines import DeadlineSource, DueItem, days_phrase
from core.models import NotificationKind
from core.notifications import liaisons_of, notify_translated, supervisors_of

from . import event_reasons
from .models import Objection, ObjectionStatus, RecordEventAction

ACKNOWLEDGE_KIND = "objection_acknowledge"
DECISION_KIND = "objection_decision"


def _record_url(record_id: int) -> str:
    return reverse("workspace:record_detail", args=[record_id])


def _pending(**filters):
    return Objection.objects.filter(status=ObjectionStatus.PENDING, **filters).select_related(
        "record", "record__department", "record__department__region"
    )


def acknowledge_items(start: datetime.date, end: datetime.date):
    for objection in _pending(acknowledged_at__isnull=True, acknowledge_due__range=(start, end)):
        record = objection.record

        def describe(days_left, record=record, objection=objection):
            return (
                _("The objection to %(number)s must be acknowledged %(when)s")
                % {"number": record.decision_number, "when": days_phrase(days_left)},
                _("%(department)s objected on %(filed)s; acknowledge it by %(date)s.")
                % {
                    "department": record.department.name,
                    "filed": timezone.localdate(objection.filed_at).isoformat(),
                    "date": objection.acknowledge_due.isoformat(),
                },
            )

        yield DueItem(
            object_id=objection.pk,
            due_date=objection.acknowledge_due,
            region=record.department.region,
            describe=describe,
            url=_record_url(record.pk),
            target=record,
        )


def decision_items(start: datetime.date, end: datetime.date):
    for objection in _pending(decide_due__range=(start, end)):
        record = objection.record

        def describe(days_left, record=record, objection=objection):
            return (
                _("The objection to %(number)s must be decided %(when)s")
                % {"number": record.decision_number, "when": days_phrase(days_left)},
                _("The decision on the objection of %(department)s is due on %(date)s.")
                % {"department": record.department.name, "date": objection.decide_due.isoformat()},
            )

        yield DueItem(
            object_id=objection.pk,
            due_date=objection.decide_due,
            region=record.department.region,
            describe=describe,
            url=_record_url(record.pk),
            target=record,
        )


SOURCES = [
    DeadlineSource(
        ACKNOWLEDGE_KIND, acknowledge_items, label=gettext_lazy("Acknowledging an objection")
    ),
    DeadlineSource(DECISION_KIND, decision_items, label=gettext_lazy("Deciding an objection")),
]


def _offsets() -> list[int]:
    """Days after the decision's due day of step 1 (overdue) and step 2 (escalated)."""
    first, second = settings.CHENGXIN_OBJECTION_ESCALATION_DAYS[:2]
    return [first, first + second]


def escalate_overdue_objections(today: datetime.date | None = None) -> int:
    """Take every undecided objection past its due day up its two steps; returns the steps
    taken. A scan that resumes after days down takes every step that fell due meanwhile."""
    today = today or timezone.localdate()
    offsets = _offsets()
    candidates = Objection.objects.filter(
        status=ObjectionStatus.PENDING,
        escalation_level__lt=len(offsets),
        decide_due__lte=today - datetime.timedelta(days=offsets[0]),
    ).values_list("pk", "decide_due", "escalation_level")
    steps = 0
    for pk, due, level in list(candidates):
        for step, offset in enumerate(offsets, start=1):
            if step <= level:
                continue
            if today < due + datetime.timedelta(days=offset):
                break
            if not _take_step(pk, step):
                break
            steps += 1
    return steps


@transaction.atomic
def _take_step(objection_id: int, step: int) -> bool:
    claimed = Objection.objects.filter(
        pk=objection_id, escalation_level=step - 1, status=ObjectionStatus.PENDING
    ).update(escalation_level=step)
    if not claimed:
        return False
    objection = Objection.objects.select_related(
        "record", "record__department", "record__department__region__parent"
    ).get(pk=objection_id)
    (_step_overdue if step == 1 else _step_escalate)(objection)
    return True


def _event(record, action, code: str, **params) -> None:
    from .services.base import log_event

    log_event(record, action=action, actor=None, **event_reasons.reason_fields(code, **params))


def _history(objection: Objection, reason: str) -> None:
    objection._change_reason = reason[:100]
    objection.save()


def _step_overdue(objection: Objection) -> None:
    record = objection.record
    department = record.department
    _history(objection, str(RecordEventAction.OBJECTION_OVERDUE.label))
    _event(
        record,
        RecordEventAction.OBJECTION_OVERDUE,
        event_reasons.OBJECTION_OVERDUE,
        date=objection.decide_due.isoformat(),
    )
    notify_translated(
        [*supervisors_of(department.region), *liaisons_of(department)],
        kind=NotificationKind.OVERDUE,
        describe=lambda: (
            _("The objection to %(number)s is overdue") % {"number": record.decision_number},
            _("The objection of %(department)s was due to be decided by %(date)s.")
            % {"department": department.name, "date": objection.decide_due.isoformat()},
        ),
        url=_record_url(record.pk),
        target=record,
    )


def _step_escalate(objection: Objection) -> None:
    record = objection.record
    region = record.department.region
    target = region.parent or region
    objection.escalated_to = target
    _history(objection, str(RecordEventAction.OBJECTION_ESCALATED.label))
    _event(
        record,
        RecordEventAction.OBJECTION_ESCALATED,
        event_reasons.OBJECTION_ESCALATED,
        region=target.name,
    )
    notify_translated(
        [*supervisors_of(target), *liaisons_of(record.department)],
        kind=NotificationKind.ESCALATED,
        describe=lambda: (
            _("Escalated: the objection to %(number)s is undecided")
            % {"number": record.decision_number},
            _("%(department)s (%(region)s) objected; the decision was due on %(date)s.")
            % {
                "department": record.department.name,
                "region": region.name,
                "date": objection.decide_due.isoformat(),
            },
        ),
        url=_record_url(record.pk),
        target=record,
    )
