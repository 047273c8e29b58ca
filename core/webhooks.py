"""Webhook deliveries: fanning each outbox event out to the subscriptions that want it,
sending the due deliveries, signed, with exponential backoff, and resending from the admin.

Everything is derived from the database (healthchecks' ``sendalerts`` is the model): the scan
reads the pending, due deliveries (a partial index) and claims each with a conditional update
before sending it, so running the scan often, late, or in several workers at once sends each
attempt once. A delivery never runs inside a user's request: ``emit`` only writes a row.

Order per object: a delivery waits while an earlier event of the same object is still
pending for the same subscription (delivered or given up releases it).

Signature: header ``X-Chengxin-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<body>" with the subscription's secret>`` (docs/exchange.md has a verification snippet).
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .events import EVENT_TYPES, nudge_delivery, validate_target_url
from .models import (
    DeliveryStatus,
    OutboxEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Chengxin-Signature"
EXCERPT_CHARS = 1000


def event_body(event: OutboxEvent) -> bytes:
    """The JSON a subscriber receives for ``event`` (UTF-8, keys sorted)."""
    kind = EVENT_TYPES.get(event.event_type)
    document = {
        "id": event.pk,
        "type": event.event_type,
        "label": str(kind.label) if kind else event.event_type,
        "occurred_at": event.created_at.isoformat(),
        "object": {
            "type": f"{event.content_type.app_label}.{event.content_type.model}",
            "id": event.object_id,
            "repr": event.object_repr,
        },
        "data": event.payload,
    }
    return json.dumps(
        document, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: doubling from
    ``CHENGXIN_WEBHOOK_RETRY_BASE_SECONDS``, at most ``CHENGXIN_WEBHOOK_RETRY_MAX_SECONDS``."""
    seconds = settings.CHENGXIN_WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.CHENGXIN_WEBHOOK_RETRY_MAX_SECONDS))


def dispatch_pending(limit: int = 500) -> int:
    """Create the deliveries of the events not yet fanned out, oldest first; returns how many
    events were dispatched. Safe to run twice: a delivery is unique per (subscription, event)
    and the event is marked with a conditional update."""
    subscriptions = list(WebhookSubscription.objects.filter(active=True))
    events = list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True)
        .select_related("content_type")
        .order_by("id")[:limit]
    )
    now = timezone.now()
    for event in events:
        with transaction.atomic():
            if not OutboxEvent.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
                dispatched_at=now
            ):
                continue  # another worker dispatched it
            for subscription in subscriptions:
                if subscription.wants(event.event_type):
                    try:
                        with transaction.atomic():
                            WebhookDelivery.objects.create(
                                subscription=subscription,
                                event=event,
                                content_type_id=event.content_type_id,
                                object_id=event.object_id,
                                next_attempt_at=now,
                                retry_since=now,
                            )
                    except IntegrityError:
                        pass
    return len(events)


def due_deliveries(now=None):
    """Pending deliveries that are due, and not waiting behind an earlier pending event of
    the same object for the same subscription."""
    now = now or timezone.now()
    earlier = WebhookDelivery.objects.filter(
        subscription=OuterRef("subscription"),
        content_type=OuterRef("content_type"),
        object_id=OuterRef("object_id"),
        event_id__lt=OuterRef("event_id"),
        status=DeliveryStatus.PENDING,
    )
    return (
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
            subscription__active=True,
        )
        .filter(~Exists(earlier))
        .order_by("event_id", "pk")
    )


def deliver_due(now=None, limit: int = 200) -> int:
    """Send the due deliveries; returns how many were attempted."""
    dispatch_pending()
    sent = 0
    for delivery_id, claimed_from in due_deliveries(now).values_list("pk", "next_attempt_at")[
        :limit
    ]:
        # The claim: only the worker whose update matched sends; a worker that dies mid-send
        # leaves the claim to expire and the delivery is tried again.
        claim_until = timezone.now() + timedelta(seconds=settings.CHENGXIN_WEBHOOK_TIMEOUT * 4)
        if WebhookDelivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at=claimed_from
        ).update(next_attempt_at=claim_until):
            attempt_delivery(delivery_id)
            sent += 1
    return sent


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as it is, never followed: it could point inside the network."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str, str]:
    """POST ``body``; returns (status code, response excerpt, error)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=settings.CHENGXIN_WEBHOOK_TIMEOUT) as response:
            return response.status, response.read(EXCERPT_CHARS).decode(errors="replace"), ""
    except urllib.error.HTTPError as error:
        excerpt = error.read(EXCERPT_CHARS).decode(errors="replace") if error.fp else ""
        return error.code, excerpt, ""
    except Exception as error:  # timeouts, refused connections, TLS errors
        return None, "", f"{type(error).__name__}: {error}"[:EXCERPT_CHARS]


def attempt_delivery(delivery_id: int) -> WebhookAttempt:
    """Send one delivery now, log the attempt, and schedule the next one or finish."""
    delivery = WebhookDelivery.objects.select_related("subscription", "event__content_type").get(
        pk=delivery_id
    )
    subscription, event = delivery.subscription, delivery.event
    body = event_body(event)
    started = time.monotonic()
    attempted_at = timezone.now()
    try:
        validate_target_url(subscription.target_url)
    except ValidationError as error:
        status, excerpt, problem = None, "", "; ".join(error.messages)
    else:
        timestamp = int(time.time())
        status, excerpt, problem = _post(
            subscription.target_url,
            body,
            {
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Chengxin-Webhooks/1",
                SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
                "X-Chengxin-Event": event.event_type,
                "X-Chengxin-Delivery": str(delivery.pk),
            },
        )
    attempt = WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=attempted_at,
        status_code=status,
        response_excerpt=excerpt,
        error=problem,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    attempts = delivery.attempts + 1
    now = timezone.now()
    if attempt.succeeded:
        changes = {"status": DeliveryStatus.DELIVERED, "delivered_at": now}
    elif now - delivery.retry_since >= timedelta(hours=settings.CHENGXIN_WEBHOOK_RETRY_HOURS):
        changes = {"status": DeliveryStatus.FAILED}
        logger.warning("Webhook delivery %s gave up after %s attempts", delivery.pk, attempts)
    else:
        changes = {"next_attempt_at": now + retry_delay(attempts)}
    WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=attempts, **changes)
    return attempt


@transaction.atomic
def delivery_resend(*, delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Send a delivery again at the next scan (an administrator's action): a failed or
    delivered one becomes pending, due now; its attempts so far stay in the log."""
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.retry_since = delivery.next_attempt_at
    delivery.delivered_at = None
    delivery.save(update_fields=["status", "next_attempt_at", "retry_since", "delivered_at"])
    nudge_delivery()
    return delivery
