"""Celery tasks: thin wrappers over the services. The scan is idempotent (one flag per rule
and object), so it is acknowledged late and safe to run from several workers."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=540, time_limit=600)
def scan_red_flags() -> dict[str, int]:
    return {
        **services.scan(),
        **services.obligations_scan(),
        **services.instalments_scan(),
    }
