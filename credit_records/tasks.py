"""Celery tasks: thin wrappers that call the services. The scans are idempotent, so they
are acknowledged late (a worker killed mid-task leaves the message to be redone)."""

from celery import shared_task

from . import deadlines, notifications


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def scan_deadlines() -> dict[str, int]:
    return deadlines.run_scan()


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def send_notification_email(notification_id: int) -> bool:
    return notifications.send_notification_email(notification_id)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def send_pending_emails() -> int:
    return notifications.send_pending_emails()
