"""The broker is unreachable when an official asks for a round's computation: the page says
so at once, nothing is half-saved, and asking again once the broker is back computes it."""

import time

import pytest

from evaluations import services
from evaluations.models import ComputationStatus, Round, RoundStatus, Score
from evaluations.services import computation
from tests.builders.tasks import celery_broker, celery_eager

from ..builders.evaluations import make_county_round, make_jiangning_data, make_small_scheme

UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


@pytest.mark.django_db(transaction=True)
def test_asking_for_a_computation_while_the_broker_is_down_says_so_and_changes_nothing(
    regions, nanjing_supervisor, login, monkeypatch
):
    evaluation_round = make_county_round(regions, make_small_scheme())
    make_jiangning_data(regions)
    services.round_start_scoring(actor=None, round=evaluation_round)
    client = login(nanjing_supervisor)
    url = f"/workspace/evaluations/rounds/{evaluation_round.pk}/compute/"

    queueing = []
    enqueue = computation._enqueue

    def timed_enqueue(round_id):
        started = time.monotonic()
        enqueue(round_id)
        queueing.append(time.monotonic() - started)

    monkeypatch.setattr(computation, "_enqueue", timed_enqueue)
    with celery_broker(UNREACHABLE):
        response = client.post(url, follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert "任务队列不可用" in page
    assert "计算任务已排队" not in page
    # One connection attempt, not kombu's retrying for seconds while the official waits.
    [took] = queueing
    assert took < 4  # kombu retrying would take 6 s and more
    evaluation_round = Round.objects.get(pk=evaluation_round.pk)
    assert evaluation_round.status == RoundStatus.SCORING
    assert evaluation_round.computation_status == ComputationStatus.FAILED
    assert not evaluation_round.is_computing  # publishing is not blocked by a phantom run
    assert not Score.objects.filter(round=evaluation_round).exists()

    # The broker is back: asking again computes the round.
    with celery_eager():
        response = client.post(url, follow=True)
    evaluation_round.refresh_from_db()
    assert evaluation_round.computation_status == ComputationStatus.DONE
    assert evaluation_round.computation_error == ""
    assert Score.objects.filter(round=evaluation_round).exists()
