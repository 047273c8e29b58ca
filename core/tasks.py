"""Celery tasks of the platform: thin wrappers over services. The scans are idempotent, so
they are acknowledged late, and given back to the broker if their worker dies mid-task
(``reject_on_worker_lost``): another worker redoes them, and redoing one changes nothing that
was already done.

The tasks keep the names they had before the platform moved to ``core`` (release 0.2.0): a
message queued by an older worker, and the beat schedule, still find them."""

from celery import shared_task

from core import access_log, export_jobs, notifications, sessions


@shared_task(
    name="credit_records.tasks.send_notification_email",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=50,
    time_limit=60,
)
def send_notification_email(notification_id: int) -> bool:
    return notifications.send_notification_email(notification_id)


# A scan's batch of notifications: one message for all of them (each still claimed one by
# one, so a redelivered message sends nothing twice).
@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def send_notification_emails(notification_ids: list[int]) -> int:
    return notifications.send_notification_emails(notification_ids)


@shared_task(
    name="credit_records.tasks.send_pending_emails",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=240,
    time_limit=300,
)
def send_pending_emails() -> int:
    return notifications.send_pending_emails()


# Not acknowledged late: a worker that dies mid-export leaves the job "running" with a heartbeat
# that stops, and the maintenance scan fails it (the official is told to export again).
@shared_task(
    name="credit_records.tasks.run_export_job", soft_time_limit=55 * 60, time_limit=60 * 60
)
def run_export_job(job_id: int) -> str:
    return export_jobs.export_job_run(job_id)


@shared_task(
    name="credit_records.tasks.maintain_export_jobs",
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def maintain_export_jobs() -> dict[str, int]:
    return export_jobs.export_jobs_maintain()


@shared_task(
    name="core.tasks.purge_access_log",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=50 * 60,
    time_limit=55 * 60,
)
def purge_access_log() -> dict[str, int]:
    """The access log's rows past CHENGXIN_ACCESS_LOG_RETENTION_DAYS, and the rows of
    sessions that expired without a sign-out."""
    return {
        "access_log": access_log.purge_expired(),
        "sessions": sessions.purge_stale(),
    }


@shared_task(
    name="core.tasks.deliver_webhooks",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=240,
    time_limit=300,
)
def deliver_webhooks() -> int:
    from core import webhooks

    return webhooks.deliver_due()


@shared_task(
    name="core.tasks.transparency_checkpoint",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=240,
    time_limit=300,
)
def transparency_checkpoint() -> str:
    from core import transparency

    return str(transparency.checkpoint_create())


@shared_task(
    name="core.tasks.archive_old_rows",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=5 * 60 * 60,
    time_limit=5 * 60 * 60 + 300,
)
def archive_old_rows() -> dict[str, int]:
    """History and log rows past their retention, archived then deleted (core/retention.py).
    Redoing a run after a lost worker archives nothing twice."""
    from core import retention

    return {result.name: result.rows for result in retention.archive_all()}
