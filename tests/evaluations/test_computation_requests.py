"""Asking for a round's computation: a request while one is queued or running is refused
before anything is queued, and a computation that fails always says why on the round."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from core.exceptions import WorkflowConflict
from evaluations import services, tasks
from evaluations.models import ComputationStatus, Round
from evaluations.services import computation

from ..builders.evaluations import make_county_round, make_small_scheme

pytestmark = pytest.mark.django_db

ALREADY = gettext(
    "This round is already being computed; wait until the computation has finished, then ask again."
)


@pytest.fixture
def queued(monkeypatch):
    """The rounds whose task was queued (the broker is not called)."""
    sent = []
    monkeypatch.setattr(
        tasks.compute_round, "apply_async", lambda args, **options: sent.append(args[0])
    )
    return sent


@pytest.fixture
def evaluation_round(regions):
    return make_county_round(regions, make_small_scheme())


def request(actor, evaluation_round, capture):
    with capture(execute=True):
        return services.round_request_computation(actor=actor, round=evaluation_round)


@pytest.mark.parametrize("status", [ComputationStatus.QUEUED, ComputationStatus.RUNNING])
def test_a_second_request_while_one_is_queued_or_running_is_refused_and_queues_nothing(
    evaluation_round, nanjing_supervisor, queued, django_capture_on_commit_callbacks, status
):
    request(nanjing_supervisor, evaluation_round, django_capture_on_commit_callbacks)
    assert queued == [evaluation_round.pk]
    Round.objects.filter(pk=evaluation_round.pk).update(computation_status=status, progress=40)

    with pytest.raises(WorkflowConflict) as refusal:
        request(nanjing_supervisor, evaluation_round, django_capture_on_commit_callbacks)

    assert refusal.value.message == ALREADY
    assert queued == [evaluation_round.pk]
    evaluation_round.refresh_from_db()
    assert (evaluation_round.computation_status, evaluation_round.progress) == (status, 40)


def test_the_api_and_the_page_say_why_a_second_request_is_refused(
    evaluation_round, nanjing_supervisor, queued, login, django_capture_on_commit_callbacks
):
    client = login(nanjing_supervisor)
    url = f"/workspace/evaluations/rounds/{evaluation_round.pk}/compute/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        api = client.post(f"/api/v1/evaluations/rounds/{evaluation_round.pk}/compute/")
        page = client.post(url, follow=True)

    assert api.status_code == 409
    assert api.json()["detail"] == ALREADY
    assert ALREADY in page.content.decode()
    assert queued == [evaluation_round.pk]


def test_a_finished_or_failed_computation_can_be_asked_for_again(
    evaluation_round, nanjing_supervisor, queued, django_capture_on_commit_callbacks
):
    for status in (ComputationStatus.DONE, ComputationStatus.FAILED):
        Round.objects.filter(pk=evaluation_round.pk).update(computation_status=status)
        request(nanjing_supervisor, evaluation_round, django_capture_on_commit_callbacks)
    assert queued == [evaluation_round.pk] * 2


def test_a_computation_that_has_not_moved_for_the_stale_period_may_be_asked_for_again(
    evaluation_round, nanjing_supervisor, queued, django_capture_on_commit_callbacks, settings
):
    settings.CHENGXIN_COMPUTATION_STALE_MINUTES = 30
    request(nanjing_supervisor, evaluation_round, django_capture_on_commit_callbacks)
    rounds = Round.objects.filter(pk=evaluation_round.pk)
    now = timezone.now()

    # Moved 29 minutes ago: still alive.
    rounds.update(computation_updated_at=now - datetime.timedelta(minutes=29))
    with pytest.raises(WorkflowConflict):
        request(nanjing_supervisor, evaluation_round, django_capture_on_commit_callbacks)
    # 31 minutes: its worker and its message were lost.
    rounds.update(computation_updated_at=now - datetime.timedelta(minutes=31))
    request(nanjing_supervisor, evaluation_round, django_capture_on_commit_callbacks)

    assert queued == [evaluation_round.pk] * 2


def test_the_computation_keeps_its_claim_moving_while_it_runs(evaluation_round, monkeypatch):
    seen = []
    original = computation._score_subject

    def spy(round_, subject, indicator, period):
        seen.append(Round.objects.get(pk=round_.pk).computation_updated_at)
        return original(round_, subject, indicator, period)

    monkeypatch.setattr(computation, "_score_subject", spy)
    tasks.compute_round(evaluation_round.pk)

    assert None not in seen
    assert seen[-1] > seen[0]  # moved on after the first subject


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        # An exception without a message: the reason names its kind.
        (RuntimeError(), "RuntimeError"),
        (WorkflowConflict("这一轮已被他人送审。"), "这一轮已被他人送审。"),
        (ValidationError("指标公式缺少输入。"), "指标公式缺少输入。"),
        (KeyError("population"), "population"),
    ],
)
def test_a_failed_computation_always_records_why(evaluation_round, monkeypatch, error, expected):
    def broken(*args):
        raise error

    monkeypatch.setattr(computation, "_score_subject", broken)

    with pytest.raises(type(error)):
        tasks.compute_round(evaluation_round.pk)

    evaluation_round.refresh_from_db()
    assert evaluation_round.computation_status == ComputationStatus.FAILED
    assert evaluation_round.computation_error.startswith("计算失败：")
    assert expected in evaluation_round.computation_error


def test_a_failed_computation_is_shown_on_the_round_page(
    evaluation_round, nanjing_supervisor, monkeypatch, login
):
    def broken(*args):
        raise RuntimeError

    monkeypatch.setattr(computation, "_score_subject", broken)
    with pytest.raises(RuntimeError):
        tasks.compute_round(evaluation_round.pk)

    page = login(nanjing_supervisor).get(f"/workspace/evaluations/rounds/{evaluation_round.pk}/")

    assert "计算失败：意外错误（RuntimeError）" in page.content.decode()
