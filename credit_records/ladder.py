"""The escalation ladder of an overdue rectification (逾期未整改, policy part 3 (3)): the
rectification becomes overdue, is escalated to the parent region's credit office, and then
accountability is proposed for the officials responsible.

A backlog (weeks of missed scans, a province's first scan) is worked through in batches of
``CHENGXIN_LADDER_BATCH`` rectifications. Each pass over a batch is one transaction that
commits before the next begins, so a worker that dies loses at most the pass it was in, and the
next scan resumes where it stopped: the work is read from the database, never from a queue.

Scans that run at the same time take different batches: on PostgreSQL a pass locks its rows
(the rectification's and its record's) with ``FOR UPDATE SKIP LOCKED`` and passes over the
rows another scan or a user's action holds; on SQLite write transactions run one at a time
(``transaction_mode=IMMEDIATE``). What a pass read therefore stays true until it commits, and
one update per level raises the levels it found due; an update that does not find every row
as read (which the locks rule out) rolls the pass back.

What a pass's steps cause is written in bulk: one insert each for the timeline events, the
history rows, the notifications and the accountability proposals, and one task to email the
notifications, instead of a dozen queries and a broker message per step.
"""

import datetime
import logging
import time
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.models import NotificationKind
from core.notifications import RecipientCache, email_people, notify_batch, send_task
from core.public_cache import invalidate_public_pages

from . import event_reasons
from .models import (
    AccountabilityEntry,
    AccountabilityKind,
    DishonestyRecord,
    RecordEvent,
    RecordEventAction,
    RecordStatus,
    Rectification,
)

logger = logging.getLogger(__name__)

# The ladder runs while the department has to act; a submitted report pauses it (the
# supervisor's turn) and verification ends it.
LADDER_STATUSES = [RecordStatus.RECTIFICATION_REQUIRED, RecordStatus.IN_PROGRESS]


def step_delays() -> list[int]:
    """Days each step waits: after the deadline for step 1, then after the previous step."""
    return list(settings.CHENGXIN_ESCALATION_DAYS[:3])


# What the day of the next step is worked out from.
CLOCK_FIELDS = ("deadline", "escalation_level", "ladder_clock_from", "ladder_paused_days")


def next_step_due(rectification: Rectification, *, delays=None) -> datetime.date | None:
    """The day the rectification's next ladder step falls due (None after the last step)."""
    return _step_due(
        delays=step_delays() if delays is None else delays,
        level=rectification.escalation_level,
        deadline=rectification.deadline,
        clock_from=rectification.ladder_clock_from,
        paused_days=rectification.ladder_paused_days,
    )


def _step_due(*, delays, level, deadline, clock_from, paused_days) -> datetime.date | None:
    if level >= len(delays):
        return None
    return (clock_from or deadline) + datetime.timedelta(days=delays[level] + paused_days)


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


def candidates(today: datetime.date, delays: list[int]) -> list[int]:
    """The rectifications that may have a step due by ``today``, in id order: a cheap
    superset from the indexed dates (paused days only push a step later); each pass works
    out the exact day."""
    due = Q(escalation_level=0, deadline__lte=today - datetime.timedelta(days=delays[0]))
    if len(delays) > 1:
        due |= Q(
            escalation_level__gt=0,
            ladder_clock_from__lte=today - datetime.timedelta(days=min(delays[1:])),
        )
    return list(
        Rectification.objects.filter(
            due, record__status__in=LADDER_STATUSES, escalation_level__lt=len(delays)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def escalate_overdue(
    today: datetime.date | None = None, *, budget_seconds=None, share=(0, 1), fan_out=False
) -> int:
    """Take every overdue rectification up its ladder; returns the number of steps taken.

    Each step's delay counts from the day the previous step fell due (step 1 from the
    deadline), and days the ladder stood paused do not count. A step is dated the day it fell
    due, so a scan that resumes after days down takes every step that fell due meanwhile, in
    order.

    With ``budget_seconds`` the scan starts no new batch once that time has passed (the first
    is always taken, so every scan makes progress) and leaves
    the rest to the next scan (the beat's next run, or another worker's scan running now):
    a backlog never holds one worker past its time limit.

    A backlog is spread over the workers: with ``fan_out``, a scan that finds more than two
    batches queues ``CHENGXIN_LADDER_WORKERS - 1`` helper tasks. Worker ``k`` of ``n``
    (``share``) starts its walk through the backlog ``k/n`` of the way along and wraps round,
    so the workers begin on different batches and only meet at the end, where the locks
    (``SKIP LOCKED``) keep them off each other's rows and the re-read under lock skips
    what another already stepped."""
    today = today or timezone.localdate()
    delays = step_delays()
    if not delays:
        return 0
    pending = candidates(today, delays)
    size = max(1, settings.CHENGXIN_LADDER_BATCH)
    workers = max(1, settings.CHENGXIN_LADDER_WORKERS)
    if fan_out and workers > 1 and len(pending) > 2 * size:
        _queue_helpers(today, workers)
    index, parts = share
    if parts > 1 and pending:
        # Start on a batch boundary, so two workers' batches do not overlap half-way.
        start = (len(pending) * index // parts) // size * size
        pending = pending[start:] + pending[:start]
    stop_at = None if budget_seconds is None else time.monotonic() + budget_seconds
    recipients = RecipientCache()  # for the whole scan: a backlog names the same offices
    steps = 0
    for start in range(0, len(pending), size):
        if start and stop_at is not None and time.monotonic() > stop_at:
            logger.info(
                "Escalation: %d rectifications left for the next scan", len(pending) - start
            )
            break
        try:
            steps += escalate_batch(
                pending[start : start + size], today=today, delays=delays, recipients=recipients
            )
        except StepConflict:
            logger.warning("Escalation: a batch changed under the scan; the next scan retries")
    return steps


def _queue_helpers(today: datetime.date, workers: int) -> None:
    from .tasks import escalate_backlog

    for index in range(1, workers):
        send_task(escalate_backlog, today.isoformat(), index, workers)


def escalate_batch(pks, *, today: datetime.date, delays=None, recipients=None) -> int:
    """Take every step due by ``today`` on the rectifications ``pks``; returns the steps
    taken. Each pass takes at most one step per rectification and commits, so the steps of a
    long-missed ladder are dated and recorded in order."""
    delays = delays if delays is not None else step_delays()
    recipients = recipients if recipients is not None else RecipientCache()
    steps = 0
    while pks:
        pks = _pass(pks, today=today, delays=delays, recipients=recipients)
        steps += len(pks)
    return steps


class StepConflict(Exception):
    """A claimed row was not as the pass read it: the pass is rolled back, the next scan
    takes it again."""


@transaction.atomic
def _pass(pks, *, today: datetime.date, delays, recipients) -> list[int]:
    """One step on each rectification of ``pks`` that has one due; returns those stepped.

    The rows are read locked, the rectification's and its record's (on PostgreSQL; SQLite
    runs one write transaction at a time), and rows that a user's action or another scan
    holds are passed over. So what is read stays true until the pass commits: the levels are
    raised by one update, and the record's status (a verification in between) and the clock
    (an extension, a returned report) are the ones the step was worked out from. Locking the
    record too keeps the order of the services, which lock the record first: a scan never
    waits for a user's action, nor the other way round."""
    rows = (
        Rectification.objects.filter(
            pk__in=pks, escalation_level__lt=len(delays), record__status__in=LADDER_STATUSES
        )
        .select_related("record")
        .only(*CLOCK_FIELDS, "record__status")
    )
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self", "record"))
    due_by_level: dict[int, dict[int, datetime.date]] = defaultdict(dict)
    for row in rows:
        due = next_step_due(row, delays=delays)
        if due is not None and today >= due:
            due_by_level[row.escalation_level][row.pk] = due
    stepped: dict[int, int] = {}
    for level, due in due_by_level.items():
        claimed = Rectification.objects.filter(pk__in=due, escalation_level=level).update(
            escalation_level=level + 1,
            ladder_clock_from=Case(*(When(pk=pk, then=Value(day)) for pk, day in due.items())),
            ladder_paused_days=0,
        )
        if claimed != len(due):
            raise StepConflict
        stepped.update(dict.fromkeys(due, level + 1))
    if stepped:
        rectifications = Rectification.objects.select_related(
            "record", "record__department__region__parent", "escalated_to"
        ).filter(pk__in=stepped)
        by_step = defaultdict(list)
        for rectification in rectifications:
            by_step[stepped[rectification.pk]].append(rectification)
        effects = Effects(recipients)
        for step, taken in sorted(by_step.items()):
            STEPS[step](taken, effects)
        effects.write()
    return list(stepped)


class Effects:
    """What one pass's steps cause, gathered and then written with one insert per table."""

    def __init__(self, recipients: RecipientCache):
        self.events: list[RecordEvent] = []
        self.history: dict[type, list] = defaultdict(list)
        self.changed_records: list[DishonestyRecord] = []
        self.escalated: list[Rectification] = []
        self.notices: list[dict] = []
        self.recipients = recipients

    def event(self, record, action, reason_code: str, **params) -> None:
        """A system step on the record's timeline; its reason is worded in each reader's
        language (see event_reasons)."""
        self.events.append(
            RecordEvent(
                record=record,
                action=action,
                actor=None,
                **event_reasons.reason_fields(reason_code, **params),
            )
        )

    def changed(self, instance, reason) -> None:
        """``instance`` changed: it gets a history row with ``reason``."""
        instance._change_reason = str(reason)[:100]
        self.history[type(instance)].append(instance)

    def notify(self, recipients, *, kind, describe, target) -> None:
        self.notices.append(
            {
                "recipients": recipients,
                "kind": kind,
                "describe": describe,
                "url": reverse("workspace:record_detail", args=[target.pk]),
                "target": target,
            }
        )

    def write(self) -> None:
        if self.escalated:
            Rectification.objects.bulk_update(self.escalated, ["escalated_to"])
        if self.changed_records:
            DishonestyRecord.objects.bulk_update(self.changed_records, ["honours_extended"])
        for model, instances in self.history.items():
            model.history.bulk_history_create(instances, update=True)
        RecordEvent.objects.bulk_create(self.events)
        notify_batch(self.notices)
        # Bulk writes send no signals: the public pages show the timeline and the records.
        invalidate_public_pages()


def _step_overdue(rectifications, effects: Effects) -> None:
    effects.recipients.prefetch_liaisons(
        {rectification.record.department_id for rectification in rectifications}
    )
    for rectification in rectifications:
        record = rectification.record
        department = record.department
        effects.event(
            record,
            RecordEventAction.OVERDUE,
            event_reasons.OVERDUE,
            date=rectification.deadline.isoformat(),
        )
        effects.changed(rectification, RecordEventAction.OVERDUE.label)
        effects.notify(
            [
                *effects.recipients.liaisons(department),
                *effects.recipients.supervisors(department.region),
            ],
            kind=NotificationKind.OVERDUE,
            describe=lambda record=record, department=department, rectification=rectification: (
                _("Rectification of %(number)s is overdue") % {"number": record.decision_number},
                _("%(department)s did not complete the rectification by %(date)s.")
                % {"department": department.name, "date": rectification.deadline.isoformat()},
            ),
            target=record,
        )
        if department.head_email:
            _email_head(department, record, rectification)


def _email_head(department, record, rectification) -> None:
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


def _step_escalate(rectifications, effects: Effects) -> None:
    effects.recipients.prefetch_liaisons(
        {rectification.record.department_id for rectification in rectifications}
    )
    for rectification in rectifications:
        record = rectification.record
        region = record.department.region
        target = region.parent or region
        rectification.escalated_to = target
        effects.escalated.append(rectification)
        effects.changed(rectification, RecordEventAction.ESCALATED.label)
        effects.event(
            record, RecordEventAction.ESCALATED, event_reasons.ESCALATED, region=target.name
        )
        # The department hears of it too: escalation is the ladder's warning before
        # accountability.
        effects.notify(
            [
                *effects.recipients.supervisors(target),
                *effects.recipients.liaisons(record.department),
            ],
            kind=NotificationKind.ESCALATED,
            describe=lambda record=record, region=region, rectification=rectification: (
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
            target=record,
        )


def _step_accountability(rectifications, effects: Effects) -> None:
    records = {
        record.pk: record
        for record in DishonestyRecord.objects.filter(
            pk__in=[rectification.record_id for rectification in rectifications]
        )
        .select_related("department__region")
        .prefetch_related("officials")
    }
    proposed = set(
        AccountabilityEntry.objects.filter(
            record_id__in=records, kind=AccountabilityKind.PROPOSAL
        ).values_list("official_id", "record_id")
    )
    effects.recipients.prefetch_liaisons({record.department_id for record in records.values()})
    entries = []
    for rectification in rectifications:
        record = records[rectification.record_id]
        officials = list(record.officials.all())
        note = _("Rectification overdue since %(date)s.") % {
            "date": rectification.deadline.isoformat()
        }
        entries += [
            AccountabilityEntry(
                official=official, record=record, kind=AccountabilityKind.PROPOSAL, note=note
            )
            for official in officials
            if (official.pk, record.pk) not in proposed
        ]
        # The claim raised the level with an update(), which writes no history row.
        effects.changed(rectification, RecordEventAction.ACCOUNTABILITY_PROPOSED.label)
        record.honours_extended = True
        effects.changed_records.append(record)
        effects.changed(record, RecordEventAction.ACCOUNTABILITY_PROPOSED.label)
        names = [official.name for official in officials]
        effects.event(
            record,
            RecordEventAction.ACCOUNTABILITY_PROPOSED,
            event_reasons.ACCOUNTABILITY_PROPOSED,
            names=names,
            months=settings.CHENGXIN_HONOURS_EXTENSION_MONTHS,
        )
        recipients = [
            *effects.recipients.liaisons(record.department),
            *effects.recipients.supervisors(record.department.region),
        ]
        if rectification.escalated_to_id:
            recipients += effects.recipients.supervisors(rectification.escalated_to)
        effects.notify(
            recipients,
            kind=NotificationKind.ACCOUNTABILITY,
            describe=lambda record=record, names=names: (
                _("Accountability proposed: %(number)s") % {"number": record.decision_number},
                _(
                    "The rectification of %(number)s is still overdue; accountability is "
                    "proposed for: %(names)s."
                )
                % {"number": record.decision_number, "names": event_reasons.list_names(names)},
            ),
            target=record,
        )
    if entries:
        bulk_create_with_history(entries, AccountabilityEntry)


# The effects of each step, by the level it raises the rectification to.
STEPS = {1: _step_overdue, 2: _step_escalate, 3: _step_accountability}
