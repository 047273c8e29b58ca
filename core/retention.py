"""Retention: archiving, then deleting, the history and log rows a deployment no longer needs
to keep online (``manage.py archive_old_rows`` and the ``archive-old-rows`` beat task).

A change-log table that grows without bound makes every page that reads it slow (NetBox's
change log of a few million rows took pages to minutes until it got a retention setting); a
province holds millions of history rows within a few years. Which rows go, and after how long:

* the history rows of every django-simple-history model (found in simple-history's own
  registry, so a model that gains history is covered), older than
  ``CHENGXIN_HISTORY_RETENTION_YEARS`` (0, the default: kept for ever). The newest history
  row of each object is always kept: it says who made the object what it is now, and the
  pages that show "last changed" read it;
* webhook delivery attempts, and deliveries that are finished (delivered, or given up), under
  the same setting;
* reminder logs of deadlines that fell due before the same cutoff (a deadline still to come
  keeps its log, or its reminders would go out again: ``core.deadlines`` sends reminders only
  for deadlines not yet past);
* read notifications older than ``CHENGXIN_NOTIFICATION_RETENTION_DAYS``; unread ones stay:
  they are still the official's to-do;
* the access log (``core.access_log``), deleted without an archive: PIPL art. 47 asks that
  personal information be deleted once its retention period has passed, so a copy would defeat
  the deletion;
* expired background exports with their files (``core.export_jobs``), and files under
  MEDIA_ROOT/exports/ that no export points at any more.

Never touched: the records themselves, the event outbox (a record's publication state is read
from its events) and the transparency log (``core.transparency``: an append-only hash chain,
from which deleting any entry breaks the verification of every later one).

Export first: each batch (primary key ascending) is written to a gzipped JSON Lines file in
Django's ``jsonl`` serialisation (``manage.py loaddata`` reads it back) and fsync'd under a
``.pending`` name; then exactly those rows are deleted in the same transaction; after the
commit the file takes its final name. A run that stopped in between leaves a ``.pending``
file, which the next run settles first: if none of its rows is left, the delete committed and
the file is kept; otherwise the delete did not commit, the file is dropped and its rows are
archived again. So a crash loses no row and archives none twice.
"""

import datetime
import fcntl
import gzip
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.exceptions import NotHistoricalModelError
from simple_history.models import registered_models
from simple_history.utils import get_history_model_for_model

from core import access_log, export_jobs
from core.models import (
    DeliveryStatus,
    Notification,
    ReminderLog,
    WebhookAttempt,
    WebhookDelivery,
)

__all__ = [
    "ArchiveResult",
    "Target",
    "archive",
    "archive_all",
    "check_settings",
    "history_cutoff",
    "targets",
]

PENDING = ".pending"


@dataclass(frozen=True)
class Target:
    """One table under retention. ``rows(cutoff)`` are the rows past it; ``children`` the
    rows of other tables that belong to a batch of them (they go into the same file, and
    are deleted first); ``delete_only`` targets have their own deletion (``purge``)."""

    name: str
    model: type[models.Model]
    cutoff: Callable[[datetime.datetime], datetime.datetime | None]
    rows: Callable[[datetime.datetime], models.QuerySet]
    children: tuple[tuple[type[models.Model], str], ...] = ()
    purge: Callable[[datetime.datetime, bool], int] | None = None
    # The cutoff an operator's --before may not go past (a legal minimum retention).
    floor: bool = False


@dataclass
class ArchiveResult:
    name: str
    rows: int = 0
    files: list[Path] = field(default_factory=list)
    archived: bool = True
    # Another run was archiving this table: left to it.
    busy: bool = False


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


SETTINGS = ("CHENGXIN_HISTORY_RETENTION_YEARS", "CHENGXIN_NOTIFICATION_RETENTION_DAYS")


def check_settings() -> None:
    """A negative period would put the cutoff in the future and delete everything."""
    for name in SETTINGS:
        if getattr(settings, name) < 0:
            raise ImproperlyConfigured(
                _("%(setting)s cannot be negative (0 keeps the rows for ever).") % {"setting": name}
            )


def history_cutoff(now: datetime.datetime) -> datetime.datetime | None:
    years = settings.CHENGXIN_HISTORY_RETENTION_YEARS
    return years_before(now, years) if years else None


def notification_cutoff(now: datetime.datetime) -> datetime.datetime | None:
    days = settings.CHENGXIN_NOTIFICATION_RETENTION_DAYS
    return now - datetime.timedelta(days=days) if days else None


def _history_target(history_model) -> Target:
    key = history_model.instance_type._meta.pk.attname

    def rows(cutoff):
        newer = history_model.objects.filter(
            **{key: OuterRef(key)}, history_id__gt=OuterRef("history_id")
        )
        return history_model.objects.filter(history_date__lt=cutoff).filter(Exists(newer))

    # Historical many-to-many rows (``HistoricalRecords(m2m_fields=...)``) point at their
    # history row without a database constraint: they go with it, or they would be orphans.
    children = tuple(
        (model, "history_id")
        for model in apps.get_models()
        if any(f.name == "m2m_history_id" for f in model._meta.fields)
        and model._meta.get_field("history").related_model is history_model
    )
    return Target(
        name=history_model._meta.label_lower,
        model=history_model,
        cutoff=history_cutoff,
        rows=rows,
        children=children,
    )


def _history_models() -> list:
    """Every history model, from simple-history's registry (as its own commands find them)."""
    found = {}
    for model in registered_models.values():
        try:
            history = get_history_model_for_model(model)
        except NotHistoricalModelError:  # a many-to-many "through" model
            continue
        found[history._meta.label_lower] = history
    return [found[name] for name in sorted(found)]


def _finished_deliveries(cutoff):
    return WebhookDelivery.objects.filter(
        status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED],
        created_at__lt=cutoff,
        retry_since__lt=cutoff,
    ).exclude(delivered_at__gte=cutoff)


def _access_log_purge(cutoff, dry_run: bool) -> int:
    if dry_run:
        return access_log.DataAccess.objects.filter(at__lt=cutoff).count()
    return access_log.purge_expired(cutoff=cutoff)


def _exports_purge(cutoff, dry_run: bool) -> int:
    jobs = export_jobs.export_jobs_expire(now=cutoff, dry_run=dry_run)
    return jobs + export_jobs.export_files_sweep(now=cutoff, dry_run=dry_run)


def targets() -> list[Target]:
    """Every table under retention, in the order a run takes them."""
    found = [_history_target(model) for model in _history_models()]
    found += [
        Target(
            name=WebhookAttempt._meta.label_lower,
            model=WebhookAttempt,
            cutoff=history_cutoff,
            rows=lambda cutoff: WebhookAttempt.objects.filter(
                delivery__in=_finished_deliveries(cutoff)
            ),
        ),
        # A delivery goes only once its attempts went (the step above): deleting it would
        # delete them with it, unarchived.
        Target(
            name=WebhookDelivery._meta.label_lower,
            model=WebhookDelivery,
            cutoff=history_cutoff,
            rows=lambda cutoff: _finished_deliveries(cutoff).filter(
                ~Exists(WebhookAttempt.objects.filter(delivery=OuterRef("pk")))
            ),
        ),
        Target(
            name=ReminderLog._meta.label_lower,
            model=ReminderLog,
            cutoff=history_cutoff,
            # Only deadlines long past: a log of a deadline to come stops its reminder
            # from going out again.
            rows=lambda cutoff: ReminderLog.objects.filter(due_date__lt=timezone.localdate(cutoff)),
        ),
        Target(
            name=Notification._meta.label_lower,
            model=Notification,
            cutoff=notification_cutoff,
            rows=lambda cutoff: Notification.objects.filter(
                created_at__lt=cutoff, read_at__isnull=False, read_at__lt=cutoff
            ),
        ),
        Target(
            name=access_log.DataAccess._meta.label_lower,
            model=access_log.DataAccess,
            cutoff=lambda now: access_log.retention_cutoff(now),
            rows=lambda cutoff: access_log.DataAccess.objects.filter(at__lt=cutoff),
            purge=_access_log_purge,
            floor=True,
        ),
        Target(
            name=export_jobs.ExportJob._meta.label_lower,
            model=export_jobs.ExportJob,
            cutoff=lambda now: now,
            rows=lambda cutoff: export_jobs.ExportJob.objects.filter(expires_at__lt=cutoff),
            purge=_exports_purge,
            floor=True,
        ),
    ]
    return found


def effective_cutoff(target: Target, now, before) -> datetime.datetime | None:
    """The cutoff of one run: the setting's, or the operator's ``before``; never past a
    legal minimum (the access log's) or the expiry the export jobs were promised."""
    configured = target.cutoff(now)
    if before is None:
        return configured
    if target.floor and configured is not None:
        return min(before, configured)
    return before


def archive_all(
    *,
    only: list[str] | None = None,
    before: datetime.datetime | None = None,
    batch_size: int = 5000,
    dry_run: bool = False,
    now: datetime.datetime | None = None,
) -> list[ArchiveResult]:
    check_settings()
    now = now or timezone.now()
    results = []
    for target in targets():
        if only and target.name not in only:
            continue
        cutoff = effective_cutoff(target, now, before)
        if cutoff is None:
            continue
        results.append(archive(target, cutoff=cutoff, batch_size=batch_size, dry_run=dry_run))
    return results


def archive(target: Target, *, cutoff, batch_size: int = 5000, dry_run=False) -> ArchiveResult:
    """Archive, then delete, the target's rows past ``cutoff``, a batch at a time."""
    result = ArchiveResult(target.name, archived=target.purge is None)
    if target.purge is not None:
        result.rows = target.purge(cutoff, dry_run)
        return result
    if dry_run:
        result.rows = target.rows(cutoff).count()
        return result
    folder = Path(settings.CHENGXIN_ARCHIVE_DIR) / target.name
    folder.mkdir(parents=True, exist_ok=True)
    # One run per table at a time: another run's pending file would look abandoned.
    with open(folder / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            result.busy = True
            return result
        settle_pending(target, folder)
        _archive_batches(target, cutoff, batch_size, folder, result)
    return result


def _archive_batches(target: Target, cutoff, batch_size: int, folder: Path, result) -> None:
    after = None
    while True:
        with transaction.atomic():
            batch = target.rows(cutoff).select_for_update().order_by("pk")
            if after is not None:
                batch = batch.filter(pk__gt=after)
            rows = list(batch[:batch_size])
            if not rows:
                return
            keys = [row.pk for row in rows]
            children = [
                (model, list(model.objects.filter(**{f"{column}__in": keys}).order_by("pk")))
                for model, column in target.children
            ]
            final = folder / f"{target.name}-{keys[0]:012d}-{keys[-1]:012d}.jsonl.gz"
            pending = final.with_name(final.name + PENDING)
            _write(pending, [rows, *(found for _, found in children)])
            try:
                for model, found in children:
                    _delete_exactly(model, [row.pk for row in found])
                _delete_exactly(target.model, keys)
            except BaseException:
                pending.unlink(missing_ok=True)
                raise
        os.replace(pending, final)
        _fsync_dir(folder)
        result.rows += len(keys)
        result.files.append(final)
        after = keys[-1]


def _delete_exactly(model, keys: list) -> None:
    """Delete these rows and nothing else; anything else rolls the batch back."""
    if not keys:
        return
    deleted, per_model = model.objects.filter(pk__in=keys).delete()
    if deleted != len(keys) or per_model.get(model._meta.label, 0) != len(keys):
        raise RuntimeError(f"{model._meta.label}: deleted {per_model}, expected {len(keys)} rows")


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder keeps milliseconds of a time (as JavaScript does); an archive keeps
    the microseconds, so a restored history row sorts exactly as before."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def _write(path: Path, groups) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as compressed:
            for rows in groups:
                if rows:
                    text = serializers.serialize("jsonl", rows, cls=ExactEncoder)
                    compressed.write(text.encode())
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def read_archive(path: Path) -> Iterator[dict]:
    """The rows of an archive file, as Django serialised them (model, pk, fields)."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def settle_pending(target: Target, folder: Path) -> None:
    """A file a stopped run left ``.pending``: kept if its rows are gone (the delete
    committed), dropped if any is still there (it did not; they are archived again)."""
    for pending in sorted(folder.glob(f"*{PENDING}")):
        keys = [row["pk"] for row in read_archive(pending) if row["model"] == target.name]
        if target.model.objects.filter(pk__in=keys).exists():
            pending.unlink()
        else:
            os.replace(pending, pending.with_name(pending.name.removesuffix(PENDING)))
        _fsync_dir(folder)
    for leftover in folder.glob("*.tmp"):
        leftover.unlink()
