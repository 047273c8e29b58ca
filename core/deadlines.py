"""The deadline engine: sources of deadlines, registered by the apps, and the reminders sent
before each one falls due.

Every scan derives its work from the database (indexed due dates) and makes each effect happen
once with a unique constraint (``ReminderLog``), so it is safe to run as often as beat likes,
from several workers at once, and to miss a run (the next one catches up).

An app plugs its deadlines in with ``register(DeadlineSource(...))`` in its ``AppConfig.ready``
or a module it imports there.
"""

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import NotificationKind, ReminderLog
from core.notifications import RecipientCache, notify_batch


@dataclass(kw_only=True)
class DueItem:
    """One deadline that may need a reminder.

    Who is reminded: the liaisons of ``department``, the supervising office of ``region``
    (its own supervisors or its nearest ancestor's, as ``supervisors_of``) and
    ``recipients``. Departments and regions are looked up for a whole batch of reminders at
    once, so a source should name its people that way where it can."""

    object_id: int
    due_date: datetime.date
    # Called under each recipient's language: (title, message) for ``days_left``.
    describe: Callable[[int], tuple[str, str]]
    department: object = None
    region: object = None
    # Anyone else to remind, or a callable returning them: called only when a reminder goes
    # out, so a scan that finds nothing new looks nobody up (but it costs queries per item:
    # prefer ``department`` and ``region``).
    recipients: list | tuple | Callable[[], Iterable] = ()
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

    Items are taken a batch at a time, each batch in its own transaction: one query finds
    which of a batch's stages went out already (so a scan with nothing new to send costs a
    query per batch however many deadlines sit in the reminder windows), one insert claims
    the rest, one query per kind of recipient finds the people, and one insert writes the
    notifications, whose emails one task sends. A worker that dies mid-batch leaves none of
    it behind, and the next scan sends the batch whole."""
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


# How many deadlines a reminder scan takes per batch (per query of the reminder log, per
# claim, per insert of notifications). A claim sends five parameters per stage: at three
# stages an item, 500 stay well inside PostgreSQL's 65,535 and SQLite's 32,766.
REMINDER_BATCH = 500


def batches(iterable: Iterable, size: int):
    """Lists of up to ``size`` items of ``iterable``, in order (itertools.batched, which
    arrives with Python 3.12)."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _remind_batch(source: DeadlineSource, batch, today, stages) -> int:
    due = {}
    for item in batch:
        days_left = (item.due_date - today).days
        reached = [stage for stage in stages if stage >= days_left]
        if days_left >= 0 and reached:
            # An item listed twice by its source is reminded once.
            due[(item.object_id, item.due_date)] = (item, days_left, reached, min(reached))
    if not due:
        return 0
    logged = set(
        ReminderLog.objects.filter(
            kind=source.kind, object_id__in={object_id for object_id, _day in due}
        ).values_list("object_id", "due_date", "days_before")
    )
    due = {
        key: (item, days_left, reached, current)
        for key, (item, days_left, reached, current) in due.items()
        if (*key, current) not in logged
    }
    if not due:
        return 0
    with transaction.atomic():
        # The current stage and, in the same insert, the earlier stages that were skipped
        # (the deadline was set late): those never go out.
        claimed = claim_stages(
            source.kind,
            [
                (*key, stage)
                for key, (_item, _days, reached, _now) in due.items()
                for stage in reached
            ],
        )
        reminders = [
            (item, days_left)
            for key, (item, days_left, _reached, current) in due.items()
            if (*key, current) in claimed
        ]
        people = RecipientCache()
        people.prefetch_liaisons(
            {item.department.pk for item, _days in reminders if item.department is not None}
        )
        people.prefetch_supervisors(item.region for item, _days in reminders)
        notify_batch(
            {
                "recipients": _recipients(item, people),
                "kind": NotificationKind.REMINDER,
                "describe": functools.partial(item.describe, days_left),
                "url": item.url,
                "target": item.target,
            }
            for item, days_left in reminders
        )
    return len(reminders)


def _recipients(item: DueItem, people: RecipientCache) -> list:
    others = item.recipients() if callable(item.recipients) else item.recipients
    return [
        *(people.liaisons(item.department) if item.department is not None else ()),
        *(people.supervisors(item.region) if item.region is not None else ()),
        *others,
    ]


def claim_stages(kind: str, stages: list[tuple[int, datetime.date, int]]) -> set[tuple]:
    """Log the reminder stages ``stages`` (object id, due date, days before) of ``kind``
    that nobody logged yet, in one insert; returns those this call logged.

    The claim is the unique constraint: ``INSERT … ON CONFLICT DO NOTHING RETURNING`` (on
    PostgreSQL, and on SQLite from 3.35) inserts only the stages nobody else holds and names
    exactly those, which ``bulk_create(ignore_conflicts=True)`` cannot tell. Two scans at
    once: PostgreSQL makes the second wait on the first's uncommitted rows, then skip them
    if the first commits (or insert them if it rolled back), so each stage is sent by one
    scan. The rows go in sorted, so two inserts over the same stages lock them in the same
    order and cannot deadlock."""
    if not stages:
        return set()
    meta = ReminderLog._meta
    fields = [meta.get_field(name) for name in ("kind", "object_id", "due_date", "days_before")]
    sent_at = meta.get_field("sent_at")
    quote = connection.ops.quote_name
    now = timezone.now()
    params = []
    for object_id, due_date, days_before in sorted(set(stages)):
        params += [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, (kind, object_id, due_date, days_before), strict=True)
        ]
        params.append(sent_at.get_db_prep_save(now, connection))
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * (len(params) // 5))
    columns = ", ".join(quote(field.column) for field in [*fields, sent_at])
    returned = ", ".join(quote(field.column) for field in fields[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {rows} "
            f"ON CONFLICT DO NOTHING RETURNING {returned}",
            params,
        )
        inserted = cursor.fetchall()
    due_date = fields[2]
    # SQLite returns the date as text.
    return {
        (int(object_id), due_date.to_python(day), int(days_before))
        for object_id, day, days_before in inserted
    }
