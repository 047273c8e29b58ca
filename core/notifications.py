"""Notification services: in-app notifications, their emails, and who gets told.

Creating a notification queues its email after the transaction commits. If the broker is
unreachable the error is logged and the action still succeeds: the periodic
``send_pending_emails`` scan sends whatever is still unsent.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Department, Notification, NotificationKind, Region, User
from .roles import Role

logger = logging.getLogger(__name__)


def send_task(task, *args) -> None:
    """Send ``task`` to the broker now, never raising: a side effect must not turn a user's
    successful action into an error."""
    try:
        # One connection attempt, not kombu's default of retrying until
        # broker_connection_timeout has passed (6 s per message measured with a timeout of
        # 3): the official would wait that long for every recipient. ``retry=False``
        # alone does not stop those connection retries.
        with task.app.pool.acquire(block=True) as connection:
            connection.ensure_connection(max_retries=0)
            task.apply_async(args=args, retry=False, connection=connection)
    except Exception:  # the broker may be down; the periodic scan catches up
        logger.exception("Could not queue %s%r; the next scan will do it.", task.name, args)


def enqueue(task, *args) -> None:
    """Send ``task`` to the broker once the current transaction commits, never raising."""
    transaction.on_commit(lambda: send_task(task, *args))


def liaisons_of(department: Department) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, department=department, groups__name=Role.LIAISON.value
    )


def supervisors_of(region: Region | None) -> list[User]:
    """The supervising credit office of ``region``: its supervisors, or, where the region
    has none, the nearest ancestor's."""
    while region is not None:
        found = list(
            User.objects.filter(is_active=True, region=region, groups__name=Role.SUPERVISOR.value)
        )
        if found:
            return found
        region = region.parent
    return []


def _ancestry(region: Region) -> list[str]:
    """The codes of ``region`` and its ancestors, the root first (from its path, kept by
    ``Region.save``)."""
    codes = [code for code in region.path.split("/") if code]
    return codes if codes and codes[-1] == region.code else [*codes, region.code]


class RecipientCache:
    """``liaisons_of`` and ``supervisors_of`` for a batch of deadlines: each department's
    liaisons and each region's office looked up once, however many deadlines they have."""

    def __init__(self):
        self._liaisons: dict[int, list[User]] = {}
        self._supervisors: dict[int | None, list[User]] = {}

    def prefetch_liaisons(self, department_ids: Iterable[int]) -> None:
        """Load the liaisons of every department of ``department_ids`` in one query."""
        missing = {pk for pk in department_ids if pk not in self._liaisons}
        if not missing:
            return
        for pk in missing:
            self._liaisons[pk] = []
        for user in User.objects.filter(
            is_active=True, department_id__in=missing, groups__name=Role.LIAISON.value
        ).distinct():
            self._liaisons[user.department_id].append(user)

    def liaisons(self, department: Department) -> list[User]:
        self.prefetch_liaisons([department.pk])
        return self._liaisons[department.pk]

    def prefetch_supervisors(self, regions: Iterable[Region | None]) -> None:
        """Load the offices of every region of ``regions`` in one query: the supervisors of
        the regions and of all their ancestors (named by the regions' materialised paths),
        each region then given its own or its nearest ancestor's, as ``supervisors_of``."""
        missing = {
            region.pk: region
            for region in regions
            if region is not None and region.pk not in self._supervisors
        }
        if not missing:
            return
        ancestries = {pk: _ancestry(region) for pk, region in missing.items()}
        by_code: dict[str, list[User]] = {}
        for user in (
            User.objects.filter(
                is_active=True,
                region__code__in={code for codes in ancestries.values() for code in codes},
                groups__name=Role.SUPERVISOR.value,
            )
            .annotate(region_code=F("region__code"))
            .distinct()
        ):
            by_code.setdefault(user.region_code, []).append(user)
        for pk, codes in ancestries.items():
            self._supervisors[pk] = next(
                (by_code[code] for code in reversed(codes) if code in by_code), []
            )

    def supervisors(self, region: Region | None) -> list[User]:
        key = region.pk if region is not None else None
        if key not in self._supervisors:
            self._supervisors[key] = supervisors_of(region)
        return self._supervisors[key]


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    title: str,
    message: str = "",
    url: str = "",
    target=None,
) -> list[Notification]:
    """Create one notification per distinct recipient and queue their emails."""
    from .tasks import send_notification_email

    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user, kind=kind, title=title, message=message, url=url, target=target
            )
            for user in unique.values()
        ]
    )
    for notification in created:
        if notification.pk is not None:
            enqueue(send_notification_email, notification.pk)
    return created


def notify_translated(recipients, *, kind, describe, url="", target=None, **describe_args):
    """Notify each recipient in their own language: ``describe(**describe_args)`` is called
    under each language and returns (title, message)."""
    by_language: dict[str, list] = {}
    for user in recipients:
        by_language.setdefault(user.language or settings.LANGUAGE_CODE, []).append(user)
    created = []
    for language, users in by_language.items():
        with translation.override(language):
            title, message = describe(**describe_args)
            created += notify(
                users, kind=kind, title=str(title), message=str(message), url=url, target=target
            )
    return created


def notify_batch(notices: Iterable[dict]) -> list[Notification]:
    """Many ``notify_translated`` at once, for a scan's batch: one insert for every
    notification and one task that emails them, instead of a task per email.

    Each notice is a dict of ``recipients``, ``kind``, ``describe`` (called under each
    recipient's language, returns (title, message)), ``url`` and ``target``."""
    from .tasks import send_notification_emails

    pending = []
    for notice in notices:
        by_language: dict[str, dict[int, User]] = {}
        for user in notice["recipients"]:
            if user is not None and user.is_active:
                language = user.language or settings.LANGUAGE_CODE
                by_language.setdefault(language, {})[user.pk] = user
        for language, users in by_language.items():
            with translation.override(language):
                title, message = notice["describe"]()
                title, message = str(title), str(message)
            pending += [
                Notification(
                    recipient=user,
                    kind=notice["kind"],
                    title=title,
                    message=message,
                    url=notice.get("url", ""),
                    target=notice.get("target"),
                )
                for user in users.values()
            ]
    created = Notification.objects.bulk_create(pending)
    ids = [notification.pk for notification in created if notification.pk is not None]
    if ids:
        enqueue(send_notification_emails, ids)
    return created


def send_notification_emails(notification_ids: Iterable[int]) -> int:
    """Send the emails of ``notification_ids`` (those nobody sent yet); returns how many went.
    One failing is left to the pending-email scan and does not stop the others."""
    sent = 0
    for notification_id in notification_ids:
        try:
            sent += send_notification_email(notification_id)
        except Exception:
            continue
    return sent


def _render_email(notification: Notification) -> tuple[str, str]:
    with translation.override(notification.recipient.language or settings.LANGUAGE_CODE):
        context = {
            "notification": notification,
            "user": notification.recipient,
            "link": f"{settings.CHENGXIN_BASE_URL.rstrip('/')}{notification.url}"
            if notification.url
            else "",
        }
        subject = render_to_string("emails/notification_subject.txt", context)
        body = render_to_string("emails/notification_body.txt", context)
    return " ".join(subject.split()), body


def _claimable(now):
    """Emails not sent and not claimed, or claimed so long ago that the claim is lost."""
    lease_ended = now - timezone.timedelta(seconds=settings.CHENGXIN_EMAIL_CLAIM_SECONDS)
    return Notification.objects.filter(email_sent_at__isnull=True).filter(
        Q(email_claimed_at__isnull=True) | Q(email_claimed_at__lt=lease_ended)
    )


def send_notification_email(notification_id: int) -> bool:
    """Send one notification's email unless someone already did (or is doing it right now);
    True if sent now.

    Claim, send, then mark sent: a worker that dies after the claim leaves the email claimed
    but unsent, and the pending-email scan sends it once the claim's lease has run out
    (marking it sent before sending would lose it)."""
    now = timezone.now()
    claimed = _claimable(now).filter(pk=notification_id).update(email_claimed_at=now)
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not notification.recipient.email:
        Notification.objects.filter(pk=notification_id).update(email_sent_at=now)
        return False
    subject, body = _render_email(notification)
    try:
        send_mail(subject, body, None, [notification.recipient.email])
    except Exception:
        # Give the claim back so the next scan retries.
        Notification.objects.filter(pk=notification_id, email_claimed_at=now).update(
            email_claimed_at=None
        )
        logger.exception("Sending notification %s by email failed", notification_id)
        raise
    Notification.objects.filter(pk=notification_id).update(email_sent_at=timezone.now())
    return True


def send_pending_emails(*, older_than_seconds: int = 30, limit: int = 500) -> int:
    """Send the emails still unsent: their queued task was lost or failed, or their worker
    died after claiming them (claims older than CHENGXIN_EMAIL_CLAIM_SECONDS)."""
    now = timezone.now()
    cutoff = now - timezone.timedelta(seconds=older_than_seconds)
    pending = (
        _claimable(now)
        .filter(created_at__lte=cutoff)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return send_notification_emails(list(pending))


def email_people(addresses: Iterable[str], *, subject: str, body: str) -> None:
    """Email people who have no account (a department head), after commit, never raising."""
    addresses = [address for address in addresses if address]
    if not addresses:
        return

    def send():
        try:
            send_mail(subject, body, None, addresses)
        except Exception:
            logger.exception("Emailing %s failed", addresses)

    transaction.on_commit(send)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(
    *, user, notification_ids: Iterable[int] | None = None, kind: str | None = None
) -> int:
    """Mark the user's notifications (all, those given, or those of one kind) as read."""
    notifications = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        notifications = notifications.filter(pk__in=list(notification_ids))
    if kind is not None:
        notifications = notifications.filter(kind=kind)
    return notifications.update(read_at=timezone.now())


def retire(target) -> int:
    """Mark every unread notification about ``target`` as read, for everyone: what they
    asked for no longer needs doing (a draft superseded by a newer one, say), so it should not
    wait in anyone's inbox."""
    return (
        Notification.objects.about(target)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )


def inbox(user, *, unread_only: bool = False, kind: str | None = None):
    """The user's own notifications, newest first: all, the unread, or those of one kind (an
    unknown kind filters nothing away)."""
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    if kind in NotificationKind.values:
        notifications = notifications.filter(kind=kind)
    return notifications


def kind_counts(user, *, unread_only: bool = False) -> dict[str, int]:
    """How many of the user's notifications (or unread ones) there are of each kind."""
    return dict(
        inbox(user, unread_only=unread_only)
        .order_by()
        .values_list("kind")
        .annotate(count=Count("pk"))
        .values_list("kind", "count")
    )
