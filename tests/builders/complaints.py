"""Complaint test data (credit_records' complaints): ``make_complaint`` files a complaint the
way the public does (``services.complaints.complaint_file``) and walks it, through the
handling office's services, to the state asked for."""

from decimal import Decimal

from credit_records.models import ComplaintCategory, ComplaintOutcome
from credit_records.services import complaints as services

# The path a complaint takes, in order; ``make_complaint`` walks it up to the state asked.
COMPLAINT_PATH = ("received", "accepted", "investigating", "closed")

_counter = {"n": 0}


def complaint_text(extra: str = "") -> str:
    """A description no other test complaint has (duplicates are refused)."""
    _counter["n"] += 1
    return f"2026年合同约定的货款至今未支付，多次催要无果。编号{_counter['n']}{extra}"


def make_complaint(
    department,
    state: str = "received",
    *,
    actor=None,
    category: str = ComplaintCategory.SME_ARREARS,
    description: str | None = None,
    contact: dict | None = None,
    files=(),
    outcome: str = ComplaintOutcome.NO_FINDING,
    reason: str = "经调查，已于核查期间付清欠款。",
    assignee=None,
):
    """A complaint about ``department`` in ``state`` (received, accepted, investigating,
    closed, rejected); ``actor`` takes the office's steps (``None``: the system). Returns the
    complaint and its query code."""
    sme = category == ComplaintCategory.SME_ARREARS
    complaint, code = services.complaint_file(
        department=department,
        category=category,
        description=description or complaint_text(),
        contract_reference="NJ-2026-001 办公设备采购合同" if sme else "",
        amount_owed=Decimal("125000.00") if sme else None,
        contact=contact,
        files=files,
    )
    if state == "rejected":
        return services.complaint_reject(
            complaint=complaint, actor=actor, reason="不属于本办受理范围。"
        ), code
    for step in COMPLAINT_PATH[1 : COMPLAINT_PATH.index(state) + 1]:
        if step == "accepted":
            complaint = services.complaint_accept(complaint=complaint, actor=actor)
        elif step == "investigating":
            complaint = services.complaint_assign(
                complaint=complaint,
                actor=actor,
                assignee=assignee or actor or services.assignable_users(complaint).first(),
            )
        elif step == "closed":
            complaint = services.complaint_close(
                complaint=complaint,
                actor=actor,
                outcome=outcome,
                reason=reason,
                referred_to="南京市市场监督管理局" if outcome == ComplaintOutcome.REFERRAL else "",
            )
    return complaint, code
