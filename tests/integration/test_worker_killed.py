"""A worker killed mid-task (SIGKILL: no chance to clean up) on Redis: the computation it had
taken is not lost, another worker redoes it once the broker's visibility timeout has passed,
and what was done twice is stored once.

The first worker runs ``tests.integration.stalling_worker``, whose computation stalls after
the first subject's scores are committed; the second is an ordinary worker."""

import signal
import time
from decimal import Decimal

import pytest

from evaluations import services
from evaluations.models import ComputationStatus, Round, Score
from evaluations.tasks import compute_round
from tests.builders.evaluations import (
    make_county_round,
    make_jiangning_data,
    make_score,
    make_small_scheme,
)

from .workers import start_worker, stop, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 2  # seconds: the test's broker hands an unacknowledged message back fast


@pytest.fixture
def worker_broker(redis_url):
    """Redis database 7, emptied first and after: messages other runs left there would be
    redelivered to our workers."""
    from urllib.parse import urlsplit, urlunsplit

    import redis

    from tests.builders.tasks import celery_broker

    parts = urlsplit(redis_url)
    url = urlunsplit((parts.scheme, parts.netloc, "/7", "", ""))
    redis.Redis.from_url(url).flushdb()
    with celery_broker(url):
        try:
            yield url
        finally:
            redis.Redis.from_url(url).flushdb()


def test_a_computation_whose_worker_is_killed_is_redone_by_another_worker_once(
    require_postgres, worker_broker, tmp_path, regions
):
    scheme = make_small_scheme()
    make_jiangning_data(regions)
    evaluation_round = make_county_round(regions, scheme)
    services.round_start_scoring(actor=None, round=evaluation_round)
    make_score(evaluation_round, "320115", "B", "80")  # a manual score the computation must keep
    make_score(evaluation_round, "320102", "B", "90")
    evaluation_round.refresh_from_db()
    rounds = Round.objects.filter(pk=evaluation_round.pk)

    timeout = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    first, first_log = start_worker(
        worker_broker, tmp_path, "doomed", app="tests.integration.stalling_worker", **timeout
    )
    second = None
    try:
        compute_round.delay(evaluation_round.pk)
        # Half done: the first subject's scores are committed, the worker stalls on the second.
        wait_for(
            lambda: rounds.filter(
                computation_status=ComputationStatus.RUNNING, progress=50
            ).exists(),
            first,
            first_log,
        )
        wait_for(
            lambda: "stalling after the first subject" in first_log.read_text(), first, first_log
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        # kombu's Redis transport hands unacknowledged messages back when a worker starts
        # polling, then only on every tenth check (a check every ten seconds): a worker that
        # starts before the visibility timeout has passed would take the message only about
        # a hundred seconds later. Like an operator's replacement worker, start after it.
        time.sleep(VISIBILITY_TIMEOUT + 1)

        second, second_log = start_worker(worker_broker, tmp_path, "heir", **timeout)
        wait_for(
            lambda: rounds.filter(computation_status=ComputationStatus.DONE).exists(),
            second,
            second_log,
            seconds=30,
        )
    finally:
        stop(first)
        if second is not None:
            stop(second)

    evaluation_round.refresh_from_db()
    assert evaluation_round.progress == 100
    indicators = scheme.dimensions.values_list("indicators", flat=True).count()
    scores = Score.objects.filter(round=evaluation_round)
    assert scores.count() == 2 * indicators  # one per subject and indicator, none doubled
    assert sorted(scores.filter(indicator__name="B").values_list("value", flat=True)) == [
        Decimal("80.00"),
        Decimal("90.00"),
    ]
    assert not evaluation_round.subjects.filter(total__isnull=True).exists()
    log = second_log.read_text()
    assert log.count("evaluations.tasks.compute_round[") >= 1
    assert log.count("succeeded") == 1, log
