"""Government procurement: suppliers, purchasers' projects through notice, award, contract,
acceptance and payment, the red flags raised on them, and purchasers' violations; one module
per topic (purchases, contracts, flags, violations), and beside procurement the other
government agreements (agreements) and the arrears ledger (arrears).

The purchaser (采购人) is a ``credit_records.Department``; the scope attributes hang every
model below it, so a region's supervisors see their region's purchases and a liaison sees
their own department's. Money is ``Decimal`` and legal dates are ``DateField``s; the due
dates, late interest and flags are computed by ``rules`` and written by ``services`` only.
"""

from .agreements import Agreement, AgreementKind, Obligation, ObligationEvent, ObligationStatus
from .arrears import ArrearsBaseline, ArrearsItem, ArrearsKind, ComplaintLink, Instalment
from .contracts import Acceptance, AcceptanceResult, Contract, Payment
from .flags import FlagRule, FlagStatus, RedFlag
from .purchases import MONEY, ProcurementMethod, ProcurementProject, Stage, Supplier
from .violations import Violation, ViolationKind, ViolationSeverity

__all__ = [
    "MONEY",
    "Acceptance",
    "AcceptanceResult",
    "Agreement",
    "AgreementKind",
    "ArrearsBaseline",
    "ArrearsItem",
    "ArrearsKind",
    "ComplaintLink",
    "Contract",
    "FlagRule",
    "FlagStatus",
    "Instalment",
    "Obligation",
    "ObligationEvent",
    "ObligationStatus",
    "Payment",
    "ProcurementMethod",
    "ProcurementProject",
    "RedFlag",
    "Stage",
    "Supplier",
    "Violation",
    "ViolationKind",
    "ViolationSeverity",
]
