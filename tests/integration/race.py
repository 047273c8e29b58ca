"""Two (or more) officials acting at the same moment, on PostgreSQL.

``race(*calls)`` runs each call in a thread of its own, each with its own database connection.
The threads start together and then meet once more just before the first row lock they take
(the first ``select_for_update`` of each thread), so that they really reach the lock together:
the lock, not luck, decides who goes first. A service that takes no lock at all never reaches
the second meeting point, and its race fails with ``BrokenBarrierError`` after a few seconds:
that is how an unguarded transition shows up here.
"""

import threading

from django.db import connection
from django.db.models.query import QuerySet

_racing = threading.local()


def race(monkeypatch, *calls, at_the_lock: bool = True, seconds: float = 10):
    """Run ``calls`` concurrently; returns each call's result or exception, in order."""
    start = threading.Barrier(len(calls), timeout=seconds)
    lock_barrier = threading.Barrier(len(calls), timeout=seconds)
    if at_the_lock:
        select_for_update = QuerySet.select_for_update

        def meet_then_lock(queryset, *args, **kwargs):
            if getattr(_racing, "waiting", False):
                _racing.waiting = False
                lock_barrier.wait()
            return select_for_update(queryset, *args, **kwargs)

        monkeypatch.setattr(QuerySet, "select_for_update", meet_then_lock)
    outcomes = [None] * len(calls)

    def run(index, call):
        _racing.waiting = at_the_lock
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as error:
            outcomes[index] = error
        finally:
            _racing.waiting = False
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds * 3)
    assert not any(thread.is_alive() for thread in threads), "a thread hung on a lock"
    if at_the_lock:
        monkeypatch.setattr(QuerySet, "select_for_update", select_for_update)
    return outcomes


def split(outcomes):
    """(successes, failures)."""
    failures = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    return [outcome for outcome in outcomes if outcome not in failures], failures


def one_wins(outcomes, refusal):
    """Exactly one call succeeded and the others were refused with ``refusal`` (never an
    IntegrityError, a deadlock or a broken barrier). Returns the winner's index and result."""
    successes, failures = split(outcomes)
    assert len(successes) == 1, outcomes
    assert failures and all(isinstance(failure, refusal) for failure in failures), outcomes
    index = next(i for i, outcome in enumerate(outcomes) if outcome is successes[0])
    return index, successes[0]
