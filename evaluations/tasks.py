"""Celery tasks of the evaluations app: thin wrappers over the services."""

from celery import shared_task

from . import services
from .models import Round


@shared_task(acks_late=True, reject_on_worker_lost=True)
def compute_round(round_id: int) -> int | None:
    """Compute a round queued by ``services.round_request_computation`` (who may ask was
    checked then). A round that can no longer be computed (under review or published in the
    meantime) is left alone."""
    evaluation_round = Round.objects.filter(pk=round_id).first()
    if evaluation_round is None or not services.can_compute(evaluation_round):
        return None
    services.round_compute(actor=None, round=evaluation_round)
    return evaluation_round.progress
