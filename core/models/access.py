"""Accountability for reads: who viewed or exported what (the access log, PIPL arts. 51, 54
and 56), and who is signed in where (each user's sessions, which they can end)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import BaseModel


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded")


class DataAccess(BaseModel):
    """One view of civil servants' personal data, one export or one download of a report.

    Written by ``core.access_log.record`` once per request, never changed afterwards and
    deleted only by the retention task (``CHENGXIN_ACCESS_LOG_RETENTION_DAYS``). The user's
    login name is kept beside the link, so a row still says who it was once the account is
    deleted."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("login name"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind of data"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Empty for a list, an export or a report of many rows (``shown`` names them).
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    label = models.CharField(_("what"), max_length=300)
    # The keys of the rows a list page showed (at most a page's worth).
    shown = models.JSONField(_("rows shown"), default=list, blank=True)
    path = models.CharField(_("address of the page"), max_length=500)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    class Meta:
        verbose_name = _("data access record")
        verbose_name_plural = _("data access records")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        permissions = [("export_dataaccess", _("Can export data access records"))]
        indexes = [
            # The retention task deletes by age; the admin filters by date and by user.
            models.Index(fields=["at"], name="dataaccess_at"),
            models.Index(fields=["user", "-at"], name="dataaccess_user"),
            models.Index(fields=["content_type", "object_id"], name="dataaccess_object"),
        ]

    def __str__(self) -> str:
        return f"{self.username} · {self.get_action_display()} · {self.label}"


class UserSession(BaseModel):
    """A signed-in browser of a user, kept beside Django's session (whose table cannot be
    searched by user, and which a cache session engine does not keep in a table at all).

    Created at sign-in, removed at sign-out or when the user ends it; ``last_seen_at`` moves at
    most every ``CHENGXIN_SESSION_TOUCH_MINUTES`` (``core.sessions.SessionActivityMiddleware``).
    No model permissions: a user sees and ends only their own."""

    session_key = models.CharField(_("session key"), max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="signed_in_sessions",
    )
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("signed in at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last activity"), default=timezone.now)

    class Meta:
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")
        ordering = ["-last_seen_at", "-pk"]
        default_permissions = ()
        indexes = [models.Index(fields=["user", "-last_seen_at"], name="usersession_user")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.ip_address or '—'}"
