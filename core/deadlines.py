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
    recipients: list
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
    Returns how many reminders went out."""
    today = today or timezone.localdate()
    stages = sorted(settings.CHENGXIN_REMINDER_DAYS)
    if not stages:
        return 0
    end = today + datetime.timedelta(days=max(stages))
    sent = 0
    for source in SOURCES.values():
        for item in source.items(today, end):
            days_left = (item.due_date - today).days
            reached = [stage for stage in stages if stage >= days_left]
            if days_left < 0 or not reached:
                continue
            current = min(reached)
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
                    continue  # this stage went out already (or is going out right now)
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
                notify_translated(
                    item.recipients,
                    kind=NotificationKind.REMINDER,
                    describe=item.describe,
                    url=item.url,
                    target=item.target,
                    days_left=days_left,
                )
                sent += 1
    return sent
