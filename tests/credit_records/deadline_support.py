"""Helpers for the deadline tests: Shanghai clock times, records brought to a rectification
with a chosen deadline by the real services, and Celery run in-process."""

import datetime
import os
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from credit_records import services

from ..factories import make_record

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A moment of ``day`` on the Shanghai clock (00:30 there is still the day before in UTC)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


def each_day(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def rectifying_record(
    department,
    *,
    deadline: datetime.date,
    supervisor=None,
    liaison=None,
    explained: bool = True,
    **fields,
):
    """A confirmed record whose rectification is due on ``deadline``, required today by
    ``supervisor``; with ``explained`` the liaison has also sent the written explanation (the
    rectification is in progress)."""
    record = make_record(department, actor=supervisor, liaison=liaison, state="confirmed", **fields)
    services.record_require_rectification(
        record=record, actor=supervisor, deadline=deadline, requirements="补缴欠款并公开说明"
    )
    if explained:
        services.record_submit_explanation(
            record=record, actor=liaison, explanation="合同审批环节过多导致逾期付款。"
        )
    record.refresh_from_db()
    return record


@contextmanager
def celery_eager():
    """Tasks queued after commit run in-process (no broker), as a worker would run them."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


def _forget_broker_connections(app) -> None:
    # The app keeps a connection pool and a producer pool made for the broker URL of their
    # time; let go of both, as Celery itself does after a fork (``app.close()`` drops only the
    # first). Not closed: they are kombu's process-wide pools for that URL, which the app
    # gets back once it is pointed at it again.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def celery_broker(url: str):
    """The project's Celery app publishes to ``url`` (the CELERY_BROKER_URL environment
    variable wins over Celery's own setting, so both are set), then goes back."""
    from config.celery import app

    previous_setting = app.conf.broker_url
    previous_variable = os.environ.get("CELERY_BROKER_URL")
    _forget_broker_connections(app)
    app.conf.broker_url = url
    os.environ["CELERY_BROKER_URL"] = url
    try:
        yield app
    finally:
        _forget_broker_connections(app)
        app.conf.broker_url = previous_setting
        if previous_variable is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_variable
