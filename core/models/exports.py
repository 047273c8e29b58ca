"""Background exports: a list export prepared by a worker and kept for its requester."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import BaseModel


class ExportStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("export status", "Queued")
    RUNNING = "running", pgettext_lazy("export status", "Running")
    DONE = "done", pgettext_lazy("export status", "Done")
    FAILED = "failed", pgettext_lazy("export status", "Failed")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"
    # A file per row, packed (a city's credit reports): sources with an ``archive``.
    ZIP = "zip", "ZIP"


def export_upload_to(instance, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return f"exports/{uuid.uuid4().hex}{suffix}"


class ExportJob(BaseModel):
    """A list export prepared in the background (credit_records/export_jobs.py). It keeps
    what was asked (the list's URL name and its query string) rather than the rows: the
    worker re-applies the list's scope and filters for the requester when it runs. The file
    lives under MEDIA_ROOT/exports/ and is served only to the requester (or a superuser).

    No model permissions: access is ownership, so no role gets to browse others' jobs."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    view_name = models.CharField(_("list"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    query = models.TextField(_("filter"), blank=True)
    format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows in total"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_upload_to, max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    # Who the rows were selected for: a download after a change of role or scope is refused.
    scope_key = models.CharField(_("scope"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("sent to the worker at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Moved on by every progress update: a running job whose heartbeat stops is failed.
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("background export")
        verbose_name_plural = _("background exports")
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="exportjob_by_user"),
            models.Index(fields=["status", "heartbeat_at"], name="exportjob_status"),
            models.Index(fields=["expires_at"], name="exportjob_expires"),
        ]

    def __str__(self) -> str:
        return self.filename or self.title

    @property
    def active(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
