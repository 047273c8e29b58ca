"""Celery tasks of credit records: thin wrappers that call the services. The deadline scan is
idempotent, so it is acknowledged late, and given back to the broker if its worker dies
mid-task (``reject_on_worker_lost``): another worker redoes it, and redoing it changes nothing
that was already done."""

from celery import shared_task

from . import deadlines


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def scan_deadlines() -> dict[str, int]:
    return deadlines.run_scan()


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def escalate_backlog(day: str, index: int, parts: int) -> int:
    """A helper the scan queued for a large backlog of overdue rectifications: worker
    ``index`` of ``parts`` takes batches from its own point of the backlog
    (``ladder.escalate_overdue``), within the scan's time budget."""
    import datetime

    from django.conf import settings

    from .ladder import escalate_overdue

    return escalate_overdue(
        datetime.date.fromisoformat(day),
        budget_seconds=settings.CHENGXIN_SCAN_BUDGET_SECONDS,
        share=(index, parts),
    )


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def pull_intake_sources() -> int:
    from .services.intake_pull import pull_due_sources

    return pull_due_sources()
