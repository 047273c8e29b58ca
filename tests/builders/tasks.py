"""Celery in the tests: tasks run in-process (``celery_eager``) or published to a given broker
(``celery_broker``)."""

import os
from contextlib import contextmanager


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
