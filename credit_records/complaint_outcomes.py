"""Outcomes of a complaint that other apps carry out, registered by them.

Closing a complaint with "a procurement red flag" raises the flag in the procurement app,
which credit_records may not import (core ← credit_records ← procurement). Procurement
registers its handler from its ``AppConfig.ready``::

    from credit_records.complaint_outcomes import register_outcome_handler
    register_outcome_handler(ComplaintOutcome.RED_FLAG, flag_from_complaint)

A handler is called inside the closing transaction as
``handler(complaint=..., actor=..., reason=...)``; it checks the actor's role and scope
itself (raising PermissionDenied, ValidationError …, which roll the closing back) and returns
a short reference to what it made ("红旗 #12"), kept on the complaint.
"""

from collections.abc import Callable

_HANDLERS: dict[str, Callable[..., str]] = {}


def register_outcome_handler(outcome: str, handler: Callable[..., str]) -> None:
    _HANDLERS[str(outcome)] = handler


def outcome_handler(outcome: str) -> Callable[..., str] | None:
    return _HANDLERS.get(str(outcome))
