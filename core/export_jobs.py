"""Background exports: the services behind ``/workspace/exports/`` (docs/exports.md).

A list export too large to send while the official waits (more than
``CHENGXIN_EXPORT_BACKGROUND_ROWS`` rows), or one asked for in the background, becomes an
``ExportJob``. The job keeps what was asked, the name of the list's export source and its
query string, not the rows. Each exportable list is an ``ExportSource`` its app registers
(``register_source``, from ``AppConfig.ready()``): the list's download and the worker both
take the scope, filters, columns and permissions from it, so a background export has
exactly the rows and cells of the download it replaces, built for the requester with no
request and no view. The file is written with the same writers (``core.exports``) in
constant memory.

Like the deadline scans, the jobs' state is in the database: a worker claims a queued job
with a conditional update (so a job runs once however often it is sent), moves its
heartbeat with every progress update, and ``export_jobs_maintain`` (on beat) fails a
running job whose heartbeat stopped (its worker died), sends again a job the broker never
got, and deletes expired jobs and their files.
"""

import logging
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .exports import Column, column_types, export_filename, export_rows, write_export
from .filters import ScopedFilterSet
from .models import ExportFormat, ExportJob, ExportStatus, export_upload_to
from .scope import scope_queryset

logger = logging.getLogger(__name__)

# Rows between two progress updates (each one a single-row UPDATE).
PROGRESS_ROWS = 5000
# Query-string keys that say how to export, not which rows.
NOT_FILTERS = ("page", "export", "background")


class ExportRefused(Exception):
    """The export cannot be made as asked; ``message`` says why, for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ExportAbandoned(Exception):
    """The job stopped being this worker's (failed by the maintenance scan, or deleted)."""


@dataclass(frozen=True)
class ExportSource:
    """A list that can be exported, registered by its app (``register_source``) under
    ``name`` (the list's URL name, which jobs store): what the list shows to a user, how its
    filter reads a query string, its columns, file name and permissions. The download and the
    worker both build the rows from it, so they cannot differ."""

    name: str
    # The list's rows before the scope: a fresh queryset each call.
    queryset: Callable[[], QuerySet]
    filterset_class: type
    columns: Callable[[], list[Column]]
    # The file and sheet name (lazily translated).
    filename: object
    # Needed to export, besides ``view_permissions`` (the list's own).
    permission: str
    view_permissions: tuple[str, ...] = ()
    # The list's own annotations, applied after the scope (what its view does too).
    prepare: Callable[[QuerySet], QuerySet] | None = None
    # A source that can also be exported as a ZIP with one file per row (a city's credit
    # reports): ``archive(params, user)`` checks the job's query string (raising
    # ``ExportRefused``) and returns ``entry(row) -> (file name, bytes)``.
    archive: Callable | None = None

    def allowed(self, user) -> bool:
        return bool(
            user.is_active
            and user.has_perm(self.permission)
            and user.has_perms(self.view_permissions)
        )

    def rows(self, user) -> QuerySet:
        """The rows the list shows ``user``: within their scope, always."""
        rows = scope_queryset(user, self.queryset())
        return self.prepare(rows) if self.prepare is not None else rows

    def filterset(self, data, user, queryset=None, request=None):
        """The list's FilterSet over ``queryset`` (``rows(user)`` by default), for ``user``."""
        kwargs = {"request": request}
        if issubclass(self.filterset_class, ScopedFilterSet):
            kwargs["user"] = user
        rows = self.rows(user) if queryset is None else queryset
        return self.filterset_class(data, queryset=rows, **kwargs)


_SOURCES: dict[str, ExportSource] = {}


def register_source(source: ExportSource) -> None:
    """Make a list exportable in the background (from an app's ``AppConfig.ready()``)."""
    _SOURCES[source.name] = source


def get_source(name: str) -> ExportSource:
    try:
        return _SOURCES[name]
    except KeyError:
        raise ExportRefused(_("This list cannot be exported.")) from None


@dataclass
class ExportRows:
    queryset: QuerySet
    columns: list[Column]
    name: str


def filter_query(query: str) -> str:
    """The query string without the keys that are not filters, in a stable form."""
    params = QueryDict(query, mutable=True)
    for key in NOT_FILTERS:
        params.pop(key, None)
    return params.urlencode()


def scope_key(user) -> str:
    """What decides which rows ``user`` may export: role, scope and superuser status."""
    role = user.role
    return (
        f"{role.value if role else '-'}|r{user.region_id or '-'}|d{user.department_id or '-'}"
        f"|s{int(user.is_superuser)}"
    )


def export_source(*, user, view_name: str, query: str, fmt: str = "") -> ExportRows:
    """The rows and columns the list registered as ``view_name`` exports for ``user`` with
    the filter ``query``: its scope, FilterSet and columns, from the registry (no request);
    raises ``PermissionDenied`` when the user may not export it (any more)."""
    source = get_source(view_name)
    if not source.allowed(user):
        raise PermissionDenied(_("Your role does not allow exports."))
    filterset = source.filterset(QueryDict(query), user)
    if not filterset.is_valid():
        raise ExportRefused(_("The list's filter is not valid; correct it and export again."))
    return ExportRows(filterset.qs, source.columns(), str(source.filename))


# --- creating and running a job -------------------------------------------------------------


def export_job_create(*, actor, view_name: str, query: str, fmt: str) -> ExportJob:
    """Queue the export of the list ``view_name`` (filtered by ``query``) for ``actor``; the
    worker is sent the job after the transaction commits. The same export already queued or
    running is returned instead of a second one (a double click, a reload)."""
    if fmt not in ExportFormat.values:
        raise ExportRefused(_("Unknown export format."))
    query = filter_query(query)
    source = export_source(user=actor, view_name=view_name, query=query, fmt=fmt)
    if fmt == ExportFormat.ZIP:
        archive = get_source(view_name).archive
        if archive is None:
            raise ExportRefused(_("This list cannot be exported as a ZIP file."))
        archive(QueryDict(query), actor)  # refuses a job whose parameters are wrong
    active = ExportJob.objects.filter(
        requested_by=actor, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
    )
    same = active.filter(view_name=view_name, query=query, format=fmt).first()
    if same is not None:
        return same
    limit = settings.CHENGXIN_EXPORT_MAX_ACTIVE
    if active.count() >= limit:
        raise ExportRefused(
            _("You already have %(count)d exports in preparation; wait for one to finish.")
            % {"count": limit}
        )
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=actor,
            view_name=view_name,
            title=source.name,
            query=query,
            format=fmt,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            expires_at=timezone.now() + timedelta(days=settings.CHENGXIN_EXPORT_KEEP_DAYS),
        )
        transaction.on_commit(lambda: _send(job.pk))
    return job


def _send(job_id: int) -> bool:
    """Send the job to a worker, never raising: a broker that is down must not turn the
    official's request into an error; the maintenance scan sends it later."""
    from .tasks import run_export_job

    try:
        with run_export_job.app.pool.acquire(block=True) as connection:
            connection.ensure_connection(max_retries=0)
            run_export_job.apply_async(args=[job_id], retry=False, connection=connection)
    except Exception:
        logger.exception("Could not queue export job %s; the maintenance scan will.", job_id)
        return False
    ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        enqueued_at=timezone.now()
    )
    return True


def export_job_run(job_id: int) -> str:
    """Write the job's file; returns what happened ("done", "failed" or "skipped" when the
    job is not queued: another worker has it, or it is finished)."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now, heartbeat_at=now, rows_written=0, error=""
    )
    if not claimed:
        return "skipped"
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    with translation.override(job.language):
        try:
            _write(job)
        except ExportAbandoned:
            return "skipped"
        except (ExportRefused, PermissionDenied) as refused:
            message = getattr(refused, "message", None) or str(refused)
            _fail(job_id, message)
            return "failed"
        except Exception:
            logger.exception("Export job %s failed.", job_id)
            _fail(job_id, _("The export could not be written. Try again later."))
            return "failed"
    return "done"


def _write(job: ExportJob) -> None:
    user = job.requested_by
    source = export_source(user=user, view_name=job.view_name, query=job.query, fmt=job.format)
    _progress(job.pk, rows_total=source.queryset.count())
    filename = export_filename(source.name, job.format)
    counter = _Counter(job.pk)
    storage = job.file.storage
    with tempfile.TemporaryFile(suffix=f".{job.format}") as handle:
        if job.format == ExportFormat.ZIP:
            entry = get_source(job.view_name).archive(QueryDict(job.query), user)
            # Every file reports progress: a PDF takes a fraction of a second, not a row's
            # microseconds.
            counter.every = 1
            _write_archive(handle, counter.count(source.queryset.iterator()), entry)
        else:
            native = job.format == ExportFormat.XLSX
            rows = counter.count(export_rows(source.queryset, source.columns, native=native))
            headers = [str(column.header) for column in source.columns]
            types = column_types(source.queryset, source.columns)
            write_export(handle, job.format, rows, headers, source.name, types)
        handle.seek(0)
        name = storage.save(export_upload_to(job, filename), File(handle))
    finished = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE,
        file=name,
        filename=filename,
        scope_key=scope_key(user),
        rows_written=counter.written,
        rows_total=counter.written,
        heartbeat_at=timezone.now(),
        finished_at=timezone.now(),
    )
    if not finished:  # failed by the maintenance scan meanwhile: keep no orphan file
        storage.delete(name)
        raise ExportAbandoned


def _write_archive(handle, rows, entry) -> None:
    """One file per row in a ZIP; stored, not deflated: PDFs are compressed already."""
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
        for row in rows:
            name, content = entry(row)
            archive.writestr(name, content)


class _Counter:
    """Counts the rows as the writer takes them and reports progress every few thousand."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.written = 0
        self.every = PROGRESS_ROWS

    def count(self, rows):
        for row in rows:
            yield row
            self.written += 1
            if self.written % self.every == 0:
                _progress(self.job_id, rows_written=self.written)


def _progress(job_id: int, **fields) -> None:
    updated = ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        heartbeat_at=timezone.now(), **fields
    )
    if not updated:
        raise ExportAbandoned


def _fail(job_id: int, message: str) -> None:
    ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING).update(
        status=ExportStatus.FAILED, error=message, finished_at=timezone.now()
    )


# --- downloading --------------------------------------------------------------------------


def export_job_check_download(*, job: ExportJob, user) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may still download the job's file: the
    requester, still allowed to export the list, with the scope the rows were chosen for
    (or a superuser, who sees everything anyway)."""
    if user.is_superuser:
        return
    if job.requested_by_id != user.pk:
        raise PermissionDenied
    export_source(user=user, view_name=job.view_name, query=job.query, fmt=job.format)
    if job.scope_key != scope_key(user):
        raise PermissionDenied(
            _("Your role or scope has changed since this export was made; export it again.")
        )


# --- the maintenance scan -------------------------------------------------------------------


def export_jobs_maintain(*, now=None) -> dict[str, int]:
    """Fail running jobs whose worker stopped, send again queued jobs the broker never got,
    delete expired jobs with their files. Safe to run as often as wanted, by several."""
    now = now or timezone.now()
    stale_before = now - timedelta(minutes=settings.CHENGXIN_EXPORT_STALE_MINUTES)
    stale = ExportJob.objects.filter(status=ExportStatus.RUNNING, heartbeat_at__lt=stale_before)
    failed = 0
    for job in stale.only("pk", "language"):
        with translation.override(job.language):
            failed += ExportJob.objects.filter(
                pk=job.pk, status=ExportStatus.RUNNING, heartbeat_at__lt=stale_before
            ).update(
                status=ExportStatus.FAILED,
                finished_at=now,
                error=_("The export stopped before it was finished. Export it again."),
            )
    # Never sent (broker down), or sent so long ago that the message must have been lost;
    # a second message for a job that is still waiting is harmless: the claim is conditional.
    unsent = ExportJob.objects.filter(
        Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale_before),
        status=ExportStatus.QUEUED,
        created_at__lt=now - timedelta(minutes=1),
    ).values_list("pk", flat=True)
    sent = sum(_send(pk) for pk in list(unsent))
    return {"failed": failed, "sent": sent, "deleted": export_jobs_expire(now=now)}


def export_jobs_expire(*, now=None, dry_run: bool = False) -> int:
    """Delete the jobs past their expiry (``CHENGXIN_EXPORT_KEEP_DAYS`` after they were
    asked for) with their files; how many (to be) deleted. Also run by the retention command
    (core/retention.py)."""
    now = now or timezone.now()
    expired = ExportJob.objects.filter(expires_at__lt=now)
    if dry_run:
        return expired.count()
    deleted = 0
    for job in expired.only("pk", "file").iterator():
        if job.file:
            job.file.storage.delete(job.file.name)
        deleted += ExportJob.objects.filter(pk=job.pk).delete()[0]
    return deleted


def export_files_orphaned(*, now=None) -> list[str]:
    """Files under MEDIA_ROOT/exports/ that no job points at and older than a job's
    expiry: left by a worker stopped between writing the file and recording it, or by a
    job deleted with its requester's account. Older than the expiry, so never the file of a
    job still being written."""
    now = now or timezone.now()
    storage = ExportJob._meta.get_field("file").storage
    if not storage.exists("exports"):
        return []
    before = now - timedelta(days=settings.CHENGXIN_EXPORT_KEEP_DAYS)
    found = []
    for name in storage.listdir("exports")[1]:
        path = f"exports/{name}"
        if (
            storage.get_modified_time(path) < before
            and not ExportJob.objects.filter(file=path).exists()
        ):
            found.append(path)
    return found


def export_files_sweep(*, now=None, dry_run: bool = False) -> int:
    """Delete the orphaned export files (``export_files_orphaned``); how many."""
    orphans = export_files_orphaned(now=now)
    if not dry_run:
        storage = ExportJob._meta.get_field("file").storage
        for path in orphans:
            storage.delete(path)
    return len(orphans)


def export_jobs_visible_to(user) -> QuerySet:
    """Background exports a user may see and download: their own; a superuser's, all.
    Ownership, not the region scope, decides: the file holds the requester's rows."""
    jobs = ExportJob.objects.select_related("requested_by")
    if user.is_superuser:
        return jobs
    return jobs.filter(requested_by=user)
