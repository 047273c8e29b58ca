"""Celery tasks of the debt app: thin wrappers over the scans, safe to run twice."""

from celery import shared_task

from . import deadlines


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def scan_warnings() -> dict[str, int]:
    return deadlines.run_scan()
