"""Writes of the procurement app, one module per topic: purchases (suppliers, projects,
contracts, acceptance, payments), red-flag checks, and flag decisions and violations.

Every change goes through a function here: keyword-only arguments, the acting user as
``actor`` (None for trusted system calls: imports from the command line, the periodic scan,
the demo), role and scope checked first, one transaction, history written.
"""

from core.exceptions import OutOfScope, WorkflowConflict

from .base import FLAG_VIOLATION_KIND
from .flags import (
    Finding,
    deferred_flag_checks,
    evaluate_project,
    project_findings,
    raise_flags,
    scan,
    single_source_findings,
)
from .purchases import (
    _compute_payment,
    _refresh_payments,
    acceptance_save,
    contract_save,
    payment_save,
    payments_recompute_for_calendar,
    project_save,
    supplier_save,
)
from .violations import flag_confirm, flag_dismiss, violation_create, violation_withdraw

__all__ = [
    "FLAG_VIOLATION_KIND",
    "Finding",
    "OutOfScope",
    "WorkflowConflict",
    "_compute_payment",
    "_refresh_payments",
    "acceptance_save",
    "contract_save",
    "deferred_flag_checks",
    "evaluate_project",
    "flag_confirm",
    "flag_dismiss",
    "payment_save",
    "payments_recompute_for_calendar",
    "project_findings",
    "project_save",
    "raise_flags",
    "scan",
    "single_source_findings",
    "supplier_save",
    "violation_create",
    "violation_withdraw",
]
