"""A Celery app module for ``celery -A tests.integration.stalling_worker worker``: the
project's app, except that ``compute_round`` stalls for good once the first subject's scores
are committed. The worker-killed test kills such a worker mid-task; production code carries
no hook for it."""

import time

from celery.signals import task_prerun

from config.celery import app

__all__ = ["app"]

STALL_SECONDS = 600


@task_prerun.connect
def _stall_the_computation_after_one_subject(**_kwargs) -> None:
    # The computation looks _score_subject up in its own module: that is where it is replaced.
    from evaluations.services import computation as services

    if getattr(services, "_stalling", False):
        return
    original = services._score_subject
    seen = set()

    def score_then_stall(evaluation_round, subject, indicator, period):
        seen.add(subject.pk)
        if len(seen) > 1:
            print("stalling after the first subject", flush=True)
            time.sleep(STALL_SECONDS)
        return original(evaluation_round, subject, indicator, period)

    services._score_subject = score_then_stall
    services._stalling = True
