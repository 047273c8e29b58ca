"""The event outbox: the apps' event types (a registry, filled in their ``AppConfig.ready``)
and ``emit``, which writes an ``OutboxEvent`` in the same transaction as the change.

An event is a row before it is a message: if the change rolls back, so does its event; if
the broker is down when the change commits, the row waits and the periodic scan
(``core.webhooks.deliver_webhooks``) delivers it later. Webhook deliveries, the exchange
feed (``/api/v1/exchange/records/``) and the transparency log all read these rows.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import OutboxEvent, WebhookSubscription


@dataclass(frozen=True)
class EventType:
    """A kind of event an app emits. ``public`` events are publication events: they change
    what the public sees, so they are appended to the transparency log as well."""

    name: str
    label: object  # a lazy translation
    public: bool = False


EVENT_TYPES: dict[str, EventType] = {}


def register(event_type: EventType) -> None:
    EVENT_TYPES[event_type.name] = event_type


def event_type_choices() -> list[tuple[str, str]]:
    return [(name, str(kind.label)) for name, kind in sorted(EVENT_TYPES.items())]


def validate_event_types(names) -> None:
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValidationError({"event_types": _("Choose event types from the list.")})
    unknown = sorted(set(names) - set(EVENT_TYPES))
    if unknown:
        raise ValidationError(
            {"event_types": _("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)}}
        )


def emit(event_type: str, obj, payload: dict, *, actor=None) -> OutboxEvent:
    """Record that ``event_type`` happened to ``obj``, in the caller's transaction.

    Call it inside the service's ``transaction.atomic`` block, after the change: the row
    commits or rolls back with the change. Once committed, the delivery scan is nudged (a
    broker that is down changes nothing: beat's scan finds the row). A publication event is
    appended to the transparency log in the same transaction."""
    kind = EVENT_TYPES.get(event_type)
    if kind is None:
        raise ValueError(f"unregistered event type {event_type!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit() belongs inside the transaction of the change it reports")
    event = OutboxEvent.objects.create(
        event_type=event_type,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        payload=payload,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    if kind.public:
        from .transparency import append

        append(event)
    if any(s.wants(event_type) for s in WebhookSubscription.objects.filter(active=True)):
        nudge_delivery()
    return event


def _send_nudge() -> None:
    from .notifications import send_task
    from .tasks import deliver_webhooks

    send_task(deliver_webhooks)


def nudge_delivery() -> None:
    """Ask a worker for a delivery scan once the transaction commits: one message however
    many events the transaction emitted. Without a broker nothing is lost: beat's scan runs
    every ``CHENGXIN_WEBHOOK_SCAN_SECONDS``."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is _send_nudge for entry in getattr(connection, "run_on_commit", [])
    ):
        return
    transaction.on_commit(_send_nudge)


def events_of(obj):
    """The events of one object, oldest first."""
    return OutboxEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).order_by("id")


# --- Where deliveries may go (SSRF) ---------------------------------------------------------


def _allowed_networks():
    return [ipaddress.ip_network(net, strict=False) for net in settings.CHENGXIN_WEBHOOK_NETWORKS]


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if any(ip in network for network in _allowed_networks()):
        return True
    # The portal's own machine, its neighbours and the cloud metadata address are refused
    # unless an administrator listed them: a webhook must not become a way to reach them.
    return ip.is_global


def validate_target_url(url: str, *, resolve: bool = True) -> None:
    """Refuse a target a delivery must not reach: another scheme than HTTPS (HTTP only where
    ``CHENGXIN_WEBHOOK_ALLOW_HTTP``), credentials in the URL, and - when ``resolve`` - a host
    whose addresses are private, loopback or link-local and not in
    ``CHENGXIN_WEBHOOK_NETWORKS`` (government intranets list their exchange network there).
    Checked when the subscription is saved and again before every delivery, so a name that
    later resolves elsewhere is caught."""
    parts = urlsplit(url)
    schemes = {"https", "http"} if settings.CHENGXIN_WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in schemes:
        raise ValidationError(
            {"target_url": _("The target must be an HTTPS address.")}
            if "http" not in schemes
            else {"target_url": _("The target must be an HTTP or HTTPS address.")}
        )
    if parts.username or parts.password or not parts.hostname:
        raise ValidationError({"target_url": _("Give a host name without user or password.")})
    host = parts.hostname
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None and not _address_allowed(str(literal)):
        raise ValidationError({"target_url": _("This address is not allowed for webhooks.")})
    if not resolve or literal is not None:
        return
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise ValidationError(
            {"target_url": _("The host cannot be resolved: %(error)s") % {"error": error}}
        ) from error
    if not infos or not all(_address_allowed(info[4][0]) for info in infos):
        raise ValidationError({"target_url": _("This address is not allowed for webhooks.")})
