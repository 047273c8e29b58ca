"""Writes of credit records, one module per topic (Zulip's ``zerver/actions/`` is the model):
``records`` (the record workflow and evidence), ``rectification`` (deadline extensions),
``reviews`` (fault tolerance, credit repair), ``objections`` (异议申诉), ``credit_files``
(officials, commendations, commitments); ``base`` holds what they share. Every write goes
through a function here: keyword-only arguments, the acting user as ``actor``, one
transaction, and the audit trail written with it."""

from .base import ACTION_LABELS, lock_department, transition_label
from .credit_files import (
    commendation_save,
    commitment_assess,
    commitment_save,
    commitment_to_record,
    official_save,
)
from .objections import (
    objection_acknowledge,
    objection_decide,
    objection_file,
    objection_suspend_disclosure,
)
from .records import (
    EVIDENCE_CLOSED_STATUSES,
    record_add_evidence,
    record_close,
    record_confirm,
    record_create,
    record_require_rectification,
    record_return,
    record_submit_explanation,
    record_submit_report,
    record_update,
    record_verify,
)
from .rectification import rectification_extend
from .reviews import (
    credit_repair_apply,
    credit_repair_decide,
    fault_tolerance_claim_file,
    fault_tolerance_claim_review,
)

__all__ = [
    "ACTION_LABELS",
    "EVIDENCE_CLOSED_STATUSES",
    "commendation_save",
    "commitment_assess",
    "commitment_save",
    "commitment_to_record",
    "credit_repair_apply",
    "credit_repair_decide",
    "fault_tolerance_claim_file",
    "fault_tolerance_claim_review",
    "lock_department",
    "objection_acknowledge",
    "objection_decide",
    "objection_file",
    "objection_suspend_disclosure",
    "official_save",
    "record_add_evidence",
    "record_close",
    "record_confirm",
    "record_create",
    "record_require_rectification",
    "record_return",
    "record_submit_explanation",
    "record_submit_report",
    "record_update",
    "record_verify",
    "rectification_extend",
    "transition_label",
]
