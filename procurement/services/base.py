"""What the procurement services share: saving with history, the purchaser and project scope
checks, and the violation kind each red-flag rule becomes."""

from core.models import Department
from core.roles import Role
from core.services import ensure_in_scope, ensure_role

from ..models import (
    FlagRule,
    ProcurementProject,
    ViolationKind,
)

# The violation a confirmed flag becomes, unless the official chooses another kind.
FLAG_VIOLATION_KIND = {
    FlagRule.LATE_SIGNING: ViolationKind.NOT_SIGNING,
    FlagRule.SUPPLEMENTARY_OVER_CAP: ViolationKind.CONTRACT_MANAGEMENT,
    FlagRule.SME_PAYMENT_LATE: ViolationKind.SME_ARREARS,
    FlagRule.SME_TERM_OVER_LIMIT: ViolationKind.CONTRACT_MANAGEMENT,
    FlagRule.ACCEPTANCE_LATE: ViolationKind.CONTRACT_MANAGEMENT,
    FlagRule.FILING_LATE: ViolationKind.CONTRACT_MANAGEMENT,
    FlagRule.AWARD_OVER_BUDGET: ViolationKind.CONTRACT_MANAGEMENT,
    FlagRule.SINGLE_SOURCE_SHARE: ViolationKind.AVOID_OPEN_TENDER,
    FlagRule.COMPLAINT: ViolationKind.OTHER,
    FlagRule.OBLIGATION_OVERDUE: ViolationKind.AGREEMENT_BREACH,
    FlagRule.INSTALMENT_OVERDUE: ViolationKind.AGREEMENT_BREACH,
}


def default_violation_kind(flag) -> str:
    """The violation a flag becomes by default: an instalment owed to an SME is arrears to
    an SME (decree 802), other overdue instalments and obligations a broken agreement."""
    if flag.rule == FlagRule.INSTALMENT_OVERDUE and flag.evidence.get("sme"):
        return ViolationKind.SME_ARREARS
    return FLAG_VIOLATION_KIND[flag.rule]


def _check_purchaser(actor, purchaser_id) -> None:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Department, purchaser_id)


def _check_project(actor, project_id) -> None:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, ProcurementProject, project_id)
