"""Writes of the debt app, one module per topic. Like every service in the portal:
keyword-only arguments, the acting user as ``actor`` (None for trusted system calls: imports
from the command line, scans, demo data), role and scope checked first, one transaction, the
audit trail written with the change, side effects after commit.
"""

from core.exceptions import OutOfScope, WorkflowConflict

from .assessments import assessment_compute, profile_create, profile_save
from .base import region_government
from .records import debt_default_report, debt_record_save
from .risk_warnings import (
    ISSUER_STEPS,
    RESPONDER_STEPS,
    warning_close,
    warning_create,
    warning_issue,
    warning_respond,
    warning_step_allowed,
    warning_withdraw,
)

__all__ = [
    "ISSUER_STEPS",
    "RESPONDER_STEPS",
    "OutOfScope",
    "WorkflowConflict",
    "assessment_compute",
    "debt_default_report",
    "debt_record_save",
    "profile_create",
    "profile_save",
    "region_government",
    "warning_close",
    "warning_create",
    "warning_issue",
    "warning_respond",
    "warning_step_allowed",
    "warning_withdraw",
]
