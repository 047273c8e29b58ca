"""The event outbox and webhooks: what happened (``OutboxEvent``, written in the same
transaction as the change), who wants to hear of it (``WebhookSubscription``), each event's
delivery to each subscriber (``WebhookDelivery``) and every attempt at it (``WebhookAttempt``).

The delivery scan (``core.events.deliver_due``) reads the partial indexes declared below; a
conditional update claims each delivery, so however many workers run the scan, one sends it."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import BaseModel


class OutboxEvent(BaseModel):
    """One event. Its primary key is the event's sequence number: the pull feed's cursor and
    the order in which subscribers receive events of the same object."""

    id = models.BigAutoField(primary_key=True)
    event_type = models.CharField(_("event type"), max_length=60, db_index=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("occurred at"), auto_now_add=True)
    # Set once the event was fanned out into deliveries (or needed none).
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-id"]
        # Platform accounts (the provincial and national credit platforms' users) are given
        # it by an administrator: it opens /api/v1/exchange/records/.
        permissions = [("read_exchange_feed", _("Can read the exchange feed of published records"))]
        indexes = [
            # The fan-out scan (core.events.dispatch_pending) reads the undispatched events.
            models.Index(
                fields=["id"], name="outbox_undispatched", condition=Q(dispatched_at__isnull=True)
            ),
            # An object's history (the publication state of a record, the feed).
            models.Index(fields=["content_type", "object_id", "id"], name="outbox_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.label} {self.object_repr}"

    @property
    def label(self) -> str:
        """The event type as people read it (the registered label)."""
        from core.events import EVENT_TYPES

        kind = EVENT_TYPES.get(self.event_type)
        return str(kind.label) if kind else self.event_type


class WebhookSubscription(BaseModel):
    """A system that wants to hear of events: where to post them, which ones, and the secret
    the deliveries are signed with."""

    name = models.CharField(_("name"), max_length=100)
    target_url = models.URLField(
        _("target URL"),
        max_length=500,
        help_text=_("Events are posted here as JSON (HTTPS; see docs/exchange.md)."),
    )
    event_types = models.JSONField(
        _("event types"),
        default=list,
        blank=True,
        help_text=_("The events sent to this address; none chosen means every event."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=200,
        help_text=_("Shared with the receiver, who checks each delivery's signature with it."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types

    def clean(self) -> None:
        from core.events import validate_event_types, validate_target_url

        super().clean()
        if self.target_url:
            validate_target_url(self.target_url, resolve=False)
        validate_event_types(self.event_types)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (gave up)")


class WebhookDelivery(BaseModel):
    """One event on its way to one subscriber."""

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.ForeignKey(
        OutboxEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    # Copied from the event: the order check compares deliveries of the same object.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When the scan may next try; while a worker sends, a claim moves it into the future.
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # Retries stop CHENGXIN_WEBHOOK_RETRY_HOURS after this (the creation, or a resend).
    retry_since = models.DateTimeField(_("retrying since"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-event_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="webhook_delivery_once_per_event"
            )
        ]
        indexes = [
            # The delivery scan (core.events.deliver_due): pending deliveries that are due.
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due",
                condition=Q(status="pending"),
            ),
            # The order check: an earlier pending delivery of the same object.
            models.Index(
                fields=["subscription", "content_type", "object_id", "event"],
                name="webhook_delivery_object",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"


class WebhookAttempt(BaseModel):
    """One attempt at a delivery: what the receiver answered, or what went wrong."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("delivery"),
        on_delete=models.CASCADE,
        related_name="attempt_log",
    )
    attempted_at = models.DateTimeField(_("attempted at"))
    status_code = models.PositiveIntegerField(_("status code"), null=True, blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-attempted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.delivery} @ {self.attempted_at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
