"""Writes of the procurement app, one module per topic: purchases (suppliers, projects,
contracts, acceptance, payments), red-flag checks, flag decisions and violations, government
agreements and their obligations, and the arrears ledger.

Every change goes through a function here: keyword-only arguments, the acting user as
``actor`` (None for trusted system calls: imports from the command line, the periodic scan,
the demo), role and scope checked first, one transaction, history written.
"""

from core.exceptions import OutOfScope, WorkflowConflict

from .agreements import (
    agreement_save,
    head_changes,
    is_individual_business,
    obligation_condition_met,
    obligation_event_record,
    obligation_save,
    obligations_scan,
)
from .arrears import (
    arrears_item_save,
    baseline_save,
    complaint_link,
    instalment_pay,
    instalments_scan,
    repayment_plan_set,
    repayment_record,
)
from .base import FLAG_VIOLATION_KIND, default_violation_kind
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
    "agreement_save",
    "arrears_item_save",
    "baseline_save",
    "complaint_link",
    "contract_save",
    "default_violation_kind",
    "deferred_flag_checks",
    "evaluate_project",
    "flag_confirm",
    "flag_dismiss",
    "head_changes",
    "instalment_pay",
    "instalments_scan",
    "is_individual_business",
    "obligation_condition_met",
    "obligation_event_record",
    "obligation_save",
    "obligations_scan",
    "payment_save",
    "payments_recompute_for_calendar",
    "project_findings",
    "project_save",
    "raise_flags",
    "repayment_plan_set",
    "repayment_record",
    "scan",
    "single_source_findings",
    "supplier_save",
    "violation_create",
    "violation_withdraw",
]
