"""Background exports: the services behind ``/workspace/exports/`` (docs/exports.md).

A list export too large to send while the official waits (more than
``CHENGXIN_EXPORT_BACKGROUND_ROWS`` rows), or one asked for in the background, becomes an
``ExportJob``. The job keeps what was asked, the list's URL name and its query string, not
the rows: when the worker runs it, ``export_source`` sets the list's own view up for the
requester and takes its scope, filters and columns from it, re-checking the permissions, so
a background export has exactly the rows and cells of the download it replaces. The file is
written with the same writers (``credit_records.exports``) in constant memory.

Like the deadline scans, the jobs' state is in the database: a worker claims a queued job
with a conditional update (so a job runs once however often it is sent), moves its
heartbeat with every progress update, and ``export_jobs_maintain`` (on beat) fails a
running job whose heartbeat stopped (its worker died), sends again a job the broker never
got, and deletes expired jobs and their files.
"""

import logging
import tempfile
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .exports import Column, export_rows, numeric_columns, write_export
from .models import ExportFormat, ExportJob, ExportStatus, export_upload_to

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


@dataclass
class ExportSource:
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


def export_source(*, user, view_name: str, query: str, fmt: str) -> ExportSource:
    """The rows and columns the list ``view_name`` exports for ``user`` with the filter
    ``query``, taken from the list's own view (its scope, FilterSet and columns), set up
    with the request the download would have had; raises ``PermissionDenied`` when the user
    may not export it (any more)."""
    from .views import ExportMixin  # the views import this module

    try:
        path = reverse(view_name)
        view_class = resolve(path).func.view_class
    except (NoReverseMatch, Resolver404, AttributeError):
        raise ExportRefused(_("This list cannot be exported.")) from None
    if not issubclass(view_class, ExportMixin):
        raise ExportRefused(_("This list cannot be exported."))
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query, mutable=True)
    request.GET["export"] = fmt
    request.GET._mutable = False
    request.user = user
    view = view_class()
    view.setup(request)
    allowed = user.is_active and user.has_perm(view.export_permission)
    if not allowed or (hasattr(view, "has_permission") and not view.has_permission()):
        raise PermissionDenied(_("Your role does not allow exports."))
    filterset = view.filterset_class(request.GET, queryset=view.get_queryset(), request=request)
    if not filterset.is_valid():
        raise ExportRefused(_("The list's filter is not valid; correct it and export again."))
    return ExportSource(filterset.qs, view.export_columns(), str(view.export_filename))


# --- creating and running a job -------------------------------------------------------------


def export_job_create(*, actor, view_name: str, query: str, fmt: str) -> ExportJob:
    """Queue the export of the list ``view_name`` (filtered by ``query``) for ``actor``; the
    worker is sent the job after the transaction commits. The same export already queued or
    running is returned instead of a second one (a double click, a reload)."""
    if fmt not in ExportFormat.values:
        raise ExportRefused(_("Unknown export format."))
    query = filter_query(query)
    source = export_source(user=actor, view_name=view_name, query=query, fmt=fmt)
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
    stamp = timezone.localdate().isoformat()
    filename = f"{source.name}-{stamp}.{job.format}"
    counter = _Counter(job.pk)
    rows = counter.count(export_rows(source.queryset, source.columns))
    headers = [str(column.header) for column in source.columns]
    storage = job.file.storage
    with tempfile.TemporaryFile(suffix=f".{job.format}") as handle:
        numeric = numeric_columns(source.queryset, source.columns)
        write_export(handle, job.format, rows, headers, source.name, numeric)
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


class _Counter:
    """Counts the rows as the writer takes them and reports progress every few thousand."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.written = 0

    def count(self, rows):
        for row in rows:
            yield row
            self.written += 1
            if self.written % PROGRESS_ROWS == 0:
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
    deleted = 0
    for job in ExportJob.objects.filter(expires_at__lt=now).only("pk", "file"):
        if job.file:
            job.file.storage.delete(job.file.name)
        deleted += ExportJob.objects.filter(pk=job.pk).delete()[0]
    return {"failed": failed, "sent": sent, "deleted": deleted}


def export_jobs_visible_to(user) -> QuerySet:
    """Background exports a user may see and download: their own; a superuser's, all.
    Ownership, not the region scope, decides: the file holds the requester's rows."""
    jobs = ExportJob.objects.select_related("requested_by")
    if user.is_superuser:
        return jobs
    return jobs.filter(requested_by=user)
