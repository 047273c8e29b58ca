"""Writes of the evaluations app, one module per topic: schemes, rounds, computation,
results and the evaluated regions' feedback on their draft scores. The portal's service
conventions hold throughout (keyword-only arguments, ``actor`` None for trusted system calls,
role and scope first, audit trail with the change).

Publishing freezes a round: the scores and results are stored rows, written only by
``round_compute``, ``score_enter`` and ``feedback_answer``, and all refuse a published round.

``_score_subject`` and ``_enqueue`` are looked up in ``computation`` when called: that is the
module to replace them in (the tests and the stalling test worker do).
"""

from core.exceptions import OutOfScope, WorkflowConflict

from .base import CENT, HUNDRED
from .computation import (
    COMPUTABLE_STATUSES,
    can_compute,
    round_compute,
    round_request_computation,
    score_enter,
)
from .feedback import (
    feedback_answer,
    feedback_file,
    feedback_url,
    feedback_window_closes,
    feedback_window_is_open,
    open_feedback_count,
    round_set_feedback_window,
)
from .results import grade_cutoffs, grade_for, level_for_region, previous_round, results_refresh
from .rounds import (
    ROUND_ACTIONS,
    TRANSITIONS,
    available_actions,
    deletion_refusal,
    round_create,
    round_delete,
    round_publish,
    round_return_to_scoring,
    round_start_scoring,
    round_submit_for_review,
    subject_candidates,
)
from .schemes import (
    POINT_KINDS,
    WEIGHT_LOCKING_STATUSES,
    default_scheme,
    may_change_weights,
    rounds_locking_weights,
    scheme_set_weights,
    scheme_validate_weights,
)

__all__ = [
    "CENT",
    "COMPUTABLE_STATUSES",
    "HUNDRED",
    "POINT_KINDS",
    "ROUND_ACTIONS",
    "TRANSITIONS",
    "WEIGHT_LOCKING_STATUSES",
    "OutOfScope",
    "WorkflowConflict",
    "available_actions",
    "can_compute",
    "default_scheme",
    "deletion_refusal",
    "feedback_answer",
    "feedback_file",
    "feedback_url",
    "feedback_window_closes",
    "feedback_window_is_open",
    "grade_cutoffs",
    "grade_for",
    "level_for_region",
    "may_change_weights",
    "open_feedback_count",
    "previous_round",
    "results_refresh",
    "round_compute",
    "round_create",
    "round_delete",
    "round_publish",
    "round_request_computation",
    "round_return_to_scoring",
    "round_set_feedback_window",
    "round_start_scoring",
    "round_submit_for_review",
    "rounds_locking_weights",
    "scheme_set_weights",
    "scheme_validate_weights",
    "score_enter",
    "subject_candidates",
]
