"""In-app notifications (also sent by email), each pointing at any object generically."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import BaseModel


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Deadline reminder")
    # Any deadline missed: a rectification's, a debt-risk warning's response.
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Escalation")
    ACCOUNTABILITY = "accountability", _("Accountability proposal")
    WORKFLOW = "workflow", _("Workflow")
    # A change to something the user watches (a department, a record).
    WATCH = "watch", _("Watched item changed")


class NotificationQuerySet(models.QuerySet):
    def about(self, obj) -> "NotificationQuerySet":
        """The notifications whose target is ``obj``."""
        return self.filter(
            target_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            target_id=obj.pk,
        )


class Notification(BaseModel):
    """An in-app notification, also sent by email. A worker claims the email with a
    conditional update of ``email_claimed_at``, sends it, then sets ``email_sent_at``: each
    email goes out once even with several workers, and one whose worker died between the
    claim and the send goes out again once the claim's lease has run out."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # What the notification is about, of any app (a record, a debt warning …), if anything:
    # the link (``url``) is what the reader follows; this lets an app find its notifications.
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (type)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_claimed_at = models.DateTimeField(_("email claimed at"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("email sent at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["target_type", "target_id"], name="notification_target"),
            models.Index(
                fields=["created_at"],
                name="notification_email_pending",
                condition=Q(email_sent_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title
