"""Government procurement: suppliers, purchasers' projects through notice, award, contract,
acceptance and payment, the red flags raised on them, and purchasers' violations; one module
per topic (purchases, contracts, flags, violations).

The purchaser (采购人) is a ``credit_records.Department``; the scope attributes hang every
model below it, so a region's supervisors see their region's purchases and a liaison sees
their own department's. Money is ``Decimal`` and legal dates are ``DateField``s; the due
dates, late interest and flags are computed by ``rules`` and written by ``services`` only.
"""

from .contracts import Acceptance, AcceptanceResult, Contract, Payment
from .flags import FlagRule, FlagStatus, RedFlag
from .purchases import MONEY, ProcurementMethod, ProcurementProject, Stage, Supplier
from .violations import Violation, ViolationKind, ViolationSeverity

__all__ = [
    "MONEY",
    "Acceptance",
    "AcceptanceResult",
    "Contract",
    "FlagRule",
    "FlagStatus",
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
