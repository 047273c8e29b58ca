"""The deadline engine: sources of deadlines, registered by the apps, and the reminders sent
before each one falls due.

Every scan derives its work from the database (indexed due dates) and makes each effect happen
once with a unique constraint (``ReminderLog``), so it is safe to run as often as beat likes,
from several workers at once, and to miss a run (the next one catches up).

An app plugs its deadlines in with ``register(DeadlineSource(...))`` in its ``AppConfig.ready``
or a module it imports there.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import NotificationKind, ReminderLog
from core.notifications import notify_translated


@dataclass
class DueItem:
    """One deadline that may need a reminder."""

    object_id: int
    due_date: datetime.date
    # The people to remind, or a callable returning them: called only when a reminder goes
    # out, so a scan that finds nothing new looks nobody up.
    recipients: list | Callable[[], Iterable]
    # Called under each recipient's language: (title, message) for ``days_left``.
    describe: Callable[[int], tuple[str, str]]
    url: str = ""
    # What the deadline belongs to (a record, a contract …): the notification points at it.
    target: object = None


@dataclass
class DeadlineSource:
    """A kind of deadline: ``items(start, end)`` yields the DueItems due in that range."""

    kind: str
    items: Callable[[datetime.date, datetime.date], Iterable[DueItem]]
    # What officials call the deadline (a lazy translation): the reminder log shows it
    # instead of ``kind``, which is an identifier.
    label: object = ""
    extra: dict = field(default_factory=dict)


SOURCES: dict[str, DeadlineSource] = {}


def register(source: DeadlineSource) -> None:
    SOURCES[source.kind] = source


def kind_label(kind: str) -> str:
    """The translated name of a kind of deadline (the kind itself if no app registered it)."""
    source = SOURCES.get(kind)
    return str(source.label) if source is not None and source.label else kind


def kind_choices() -> list[tuple[str, str]]:
    """Every registered kind of deadline with its translated name, in name order."""
    return sorted(((kind, kind_label(kind)) for kind in SOURCES), key=lambda item: item[1])


def days_phrase(days_left: int) -> str:
    if days_left == 0:
        return _("today")
    return ngettext("in %(days)d day", "in %(days)d days", days_left) % {"days": days_left}


def send_reminders(today: datetime.date | None = None) -> int:
    """Remind of every deadline reaching a reminder stage (default 7, 3 and 1 days before).
    Returns how many reminders went out.

    Items are taken a batch at a time: one query finds which of a batch's stages went out
    already, so a scan with nothing new to send costs a query per batch however many
    deadlines sit in the reminder windows, and an item's recipients (a ``recipients``
    callable) are looked up only when its reminder is actually sent."""
    today = today or timezone.localdate()
    stages = sorted(settings.CHENGXIN_REMINDER_DAYS)
    if not stages:
        return 0
    end = today + datetime.timedelta(days=max(stages))
    sent = 0
    for source in SOURCES.values():
        for batch in batches(source.items(today, end), REMINDER_BATCH):
            sent += _remind_batch(source, batch, today, stages)
    return sent


# How many deadlines a reminder scan looks at per query of the reminder log.
REMINDER_BATCH = 500


def batches(iterable: Iterable, size: int):
    """Lists of up to ``size`` items of ``iterable``, in order (itertools.batched, which
    arrives with Python 3.12)."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _remind_batch(source: DeadlineSource, batch, today, stages) -> int:
    due = []
    for item in batch:
        days_left = (item.due_date - today).days
        reached = [stage for stage in stages if stage >= days_left]
        if days_left >= 0 and reached:
            due.append((item, days_left, reached, min(reached)))
    if not due:
        return 0
    logged = set(
        ReminderLog.objects.filter(
            kind=source.kind, object_id__in={item.object_id for item, *_ in due}
        ).values_list("object_id", "due_date", "days_before")
    )
    sent = 0
    for item, days_left, reached, current in due:
        if (item.object_id, item.due_date, current) in logged:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ReminderLog.objects.create(
                        kind=source.kind,
                        object_id=item.object_id,
                        due_date=item.due_date,
                        days_before=current,
                    )
            except IntegrityError:
                continue  # another scan sent this stage a moment ago (or is sending it)
            # Earlier stages that were skipped (the deadline was set late) never go out.
            ReminderLog.objects.bulk_create(
                [
                    ReminderLog(
                        kind=source.kind,
                        object_id=item.object_id,
                        due_date=item.due_date,
                        days_before=stage,
                    )
                    for stage in reached
                    if stage != current
                ],
                ignore_conflicts=True,
            )
            recipients = item.recipients() if callable(item.recipients) else item.recipients
            notify_translated(
                recipients,
                kind=NotificationKind.REMINDER,
                describe=item.describe,
                url=item.url,
                target=item.target,
                days_left=days_left,
            )
            sent += 1
    return sent
