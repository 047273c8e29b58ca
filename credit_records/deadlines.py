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
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.deadlines import DeadlineSource, DueItem, days_phrase, register, send_reminders
from core.models import NotificationKind
from core.notifications import email_people, liaisons_of, notify_translated, supervisors_of

from . import event_reasons, exchange, objection_deadlines
from .models import (
    COUNTING_STATUSES,
    AccountabilityEntry,
    AccountabilityKind,
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

# The ladder runs while the department has to act; a submitted report pauses it (the
# supervisor's turn) and verification ends it.
LADDER_STATUSES = [RecordStatus.RECTIFICATION_REQUIRED, RecordStatus.IN_PROGRESS]


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
            recipients=[*liaisons_of(department), *supervisors_of(department.region)],
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
            recipients=[
                *liaisons_of(record.department),
                *supervisors_of(record.department.region),
            ],
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
            recipients=[
                *liaisons_of(commitment.department),
                *supervisors_of(commitment.department.region),
            ],
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
            recipients=supervisors_of(record.department.region),
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


def _step_delays() -> list[int]:
    """Days each step waits: after the deadline for step 1, then after the previous step."""
    return list(settings.CHENGXIN_ESCALATION_DAYS[:3])


def next_step_due(rectification: Rectification) -> datetime.date | None:
    """The day the rectification's next ladder step falls due (None after the last step)."""
    return _next_step_due(
        delays=_step_delays(),
        level=rectification.escalation_level,
        deadline=rectification.deadline,
        clock_from=rectification.ladder_clock_from,
        paused_days=rectification.ladder_paused_days,
    )


def _next_step_due(*, delays, level, deadline, clock_from, paused_days) -> datetime.date | None:
    if level >= len(delays):
        return None
    return (clock_from or deadline) + datetime.timedelta(days=delays[level] + paused_days)


def escalate_overdue(today: datetime.date | None = None) -> int:
    """Take every overdue rectification up its ladder; returns the number of steps taken.

    Each step's delay counts from the day the previous step fell due (step 1 from the
    deadline), and days the ladder stood paused do not count. A step is dated the day it fell
    due, so a scan that resumes after days down takes every step that fell due meanwhile."""
    today = today or timezone.localdate()
    delays = _step_delays()
    if not delays:
        return 0
    # A cheap superset from the indexed dates (paused days only push a step later); the exact
    # due day is worked out below.
    due = Q(escalation_level=0, deadline__lte=today - datetime.timedelta(days=delays[0]))
    if len(delays) > 1:
        due |= Q(
            escalation_level__gt=0,
            ladder_clock_from__lte=today - datetime.timedelta(days=min(delays[1:])),
        )
    candidates = (
        Rectification.objects.filter(
            due, record__status__in=LADDER_STATUSES, escalation_level__lt=len(delays)
        )
        .values_list(
            "pk", "deadline", "escalation_level", "ladder_clock_from", "ladder_paused_days"
        )
        .order_by("pk")
    )
    steps = 0
    for pk, deadline, level, clock_from, paused_days in candidates:
        while True:
            step_due = _next_step_due(
                delays=delays,
                level=level,
                deadline=deadline,
                clock_from=clock_from,
                paused_days=paused_days,
            )
            if step_due is None or today < step_due:
                break
            seen = {"deadline": deadline, "clock_from": clock_from, "paused_days": paused_days}
            if not _take_step(pk, level + 1, seen=seen, due=step_due):
                break
            level, clock_from, paused_days = level + 1, step_due, 0
            steps += 1
    return steps


@transaction.atomic
def _take_step(rectification_id: int, step: int, *, seen: dict, due: datetime.date) -> bool:
    """Claim one step with a conditional update (only one worker wins), then apply it.

    The claim also tests the clock the scan read (deadline, clock start, paused days): an
    extension or a returned report committed in between moves the step's due day, and the
    step is then not taken on the stale one.

    The record's status is tested through ``record_id__in`` on purpose: a filter across the
    join (``record__status__in``) makes Django write ``WHERE id IN (SELECT … JOIN …)``, the
    level test moves into that subquery, and PostgreSQL's recheck of a row a concurrent scan
    has just updated then reads the subquery's stale snapshot: both workers "win" the step."""
    claimed = Rectification.objects.filter(
        pk=rectification_id,
        escalation_level=step - 1,
        deadline=seen["deadline"],
        ladder_clock_from=seen["clock_from"],
        ladder_paused_days=seen["paused_days"],
        record_id__in=DishonestyRecord.objects.filter(status__in=LADDER_STATUSES).values("pk"),
    ).update(escalation_level=step, ladder_clock_from=due, ladder_paused_days=0)
    if not claimed:
        return False
    rectification = Rectification.objects.select_related(
        "record", "record__department", "record__department__region__parent"
    ).get(pk=rectification_id)
    {1: _step_overdue, 2: _step_escalate, 3: _step_accountability}[step](rectification)
    return True


def ladder_pause_ended(
    rectification: Rectification, *, paused_since: datetime.date, today: datetime.date
) -> int:
    """The ladder resumes (a report was returned): the days it stood paused since its clock
    started are added to the clock. Returns the days added; the caller saves."""
    started = rectification.ladder_clock_from or rectification.deadline
    days = max(0, (today - max(paused_since, started)).days)
    rectification.ladder_paused_days += days
    return days


def ladder_restart(rectification: Rectification) -> int:
    """Start the ladder again (the deadline was moved to a future day); the steps already
    taken stay in the timeline. Returns the level it stood at; the caller saves."""
    level = rectification.escalation_level
    rectification.escalation_level = 0
    rectification.escalated_to = None
    rectification.ladder_clock_from = None
    rectification.ladder_paused_days = 0
    return level


def _event(record, action, reason_code: str, **params) -> None:
    """A system step on the record's timeline; its reason is worded in each reader's language
    (see event_reasons)."""
    from .services.base import log_event

    log_event(
        record, action=action, actor=None, **event_reasons.reason_fields(reason_code, **params)
    )


def _history(instance, reason: str) -> None:
    instance._change_reason = reason[:100]
    instance.save()


def _step_overdue(rectification: Rectification) -> None:
    record = rectification.record
    department = record.department
    _event(
        record,
        RecordEventAction.OVERDUE,
        event_reasons.OVERDUE,
        date=rectification.deadline.isoformat(),
    )
    _history(rectification, str(RecordEventAction.OVERDUE.label))
    notify_translated(
        [*liaisons_of(department), *supervisors_of(department.region)],
        kind=NotificationKind.OVERDUE,
        describe=lambda: (
            _("Rectification of %(number)s is overdue") % {"number": record.decision_number},
            _("%(department)s did not complete the rectification by %(date)s.")
            % {"department": department.name, "date": rectification.deadline.isoformat()},
        ),
        url=_record_url(record.pk),
        target=record,
    )
    if department.head_email:
        with translation.override(settings.LANGUAGE_CODE):
            email_people(
                [department.head_email],
                subject=_("[Chengxin] Rectification of %(number)s is overdue")
                % {"number": record.decision_number},
                body=_(
                    "Dear %(head)s,\n\nthe rectification of %(number)s by %(department)s was "
                    "due on %(date)s and has not been completed.\n"
                )
                % {
                    "head": department.head_name or department.name,
                    "number": record.decision_number,
                    "department": department.name,
                    "date": rectification.deadline.isoformat(),
                },
            )


def _step_escalate(rectification: Rectification) -> None:
    record = rectification.record
    region = record.department.region
    target = region.parent or region
    rectification.escalated_to = target
    _history(rectification, str(RecordEventAction.ESCALATED.label))
    _event(record, RecordEventAction.ESCALATED, event_reasons.ESCALATED, region=target.name)
    # The department hears of it too: escalation is the ladder's warning before accountability.
    notify_translated(
        [*supervisors_of(target), *liaisons_of(record.department)],
        kind=NotificationKind.ESCALATED,
        describe=lambda: (
            _("Escalated: rectification of %(number)s is overdue")
            % {"number": record.decision_number},
            _("%(department)s (%(region)s) has not rectified %(number)s, due %(date)s.")
            % {
                "department": record.department.name,
                "region": region.name,
                "number": record.decision_number,
                "date": rectification.deadline.isoformat(),
            },
        ),
        url=_record_url(record.pk),
        target=record,
    )


def _step_accountability(rectification: Rectification) -> None:
    record = rectification.record
    officials = list(record.officials.all())
    for official in officials:
        AccountabilityEntry.objects.get_or_create(
            official=official,
            record=record,
            kind=AccountabilityKind.PROPOSAL,
            defaults={
                "note": _("Rectification overdue since %(date)s.")
                % {"date": rectification.deadline.isoformat()}
            },
        )
    # The claim raised the level with an update(), which writes no history row; steps 1
    # and 2 save the rectification, and so must this one.
    _history(rectification, str(RecordEventAction.ACCOUNTABILITY_PROPOSED.label))
    record = DishonestyRecord.objects.get(pk=record.pk)
    record.honours_extended = True
    _history(record, str(RecordEventAction.ACCOUNTABILITY_PROPOSED.label))
    names = [official.name for official in officials]
    _event(
        record,
        RecordEventAction.ACCOUNTABILITY_PROPOSED,
        event_reasons.ACCOUNTABILITY_PROPOSED,
        names=names,
        months=settings.CHENGXIN_HONOURS_EXTENSION_MONTHS,
    )
    recipients = [*liaisons_of(record.department), *supervisors_of(record.department.region)]
    if rectification.escalated_to_id:
        recipients += supervisors_of(rectification.escalated_to)
    notify_translated(
        recipients,
        kind=NotificationKind.ACCOUNTABILITY,
        describe=lambda: (
            _("Accountability proposed: %(number)s") % {"number": record.decision_number},
            _(
                "The rectification of %(number)s is still overdue; accountability is proposed "
                "for: %(names)s."
            )
            % {"number": record.decision_number, "names": event_reasons.list_names(names)},
        ),
        url=_record_url(record.pk),
        target=record,
    )


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
    ).values_list("pk", flat=True)
    expired = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = DishonestyRecord.objects.filter(
                pk=pk, disclosure_expired_on__isnull=True
            ).update(disclosure_expired_on=F("disclosure_ends"))
            if not claimed:
                continue
            record = DishonestyRecord.objects.get(pk=pk)
            _history(record, str(RecordEventAction.DISCLOSURE_EXPIRED.label))
            exchange.publication_sync(record, actor=None, cause="ended")
            _event(
                record,
                RecordEventAction.DISCLOSURE_EXPIRED,
                event_reasons.DISCLOSURE_EXPIRED,
                date=record.disclosure_ends.isoformat(),
            )
            expired += 1
    return expired


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
        "escalation_steps": escalate_overdue,
        "disclosures_ended": expire_disclosures,
        "objection_steps": objection_deadlines.escalate_overdue_objections,
        "complaint_steps": _escalate_complaints,
    }
    result: dict[str, int | None] = {}
    for name, phase in phases.items():
        try:
            result[name] = phase(today)
        except Exception:
            logger.exception("Deadline scan for %s: %s failed", today, name)
            result[name] = None
    logger.info("Deadline scan for %s: %s", today, result)
    return result
