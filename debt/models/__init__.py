"""Local government debt oversight (地方政府债务), one module per topic: yearly debt profiles of
each region and the risk assessment computed from them, risk warnings and their lifecycle,
debt-risk emergencies, debt audits of leading officials, term assessments, bond issues and
credit ratings.

Every amount is a Decimal in 亿元 (100 million yuan), the unit of the provincial budget
reports; every ratio is a Decimal percentage with two decimals. Region users see their
subtree (``scope_region_lookup``); department liaisons see nothing of debt.
"""

from .audits import DebtAudit
from .base import GRADE_ORDER, ZERO, Grade, amount_field, ratio_field
from .bonds import BondIssue, BondType, CreditRating, DebtDefault, RatingOutlook
from .emergencies import EmergencyEvent, EmergencyLevel, EmergencyStatus
from .profiles import DebtProfile, RiskAssessment
from .risk_warnings import (
    OPEN_WARNING_STATUSES,
    RiskWarning,
    WarningGround,
    WarningKind,
    WarningStatus,
)
from .terms import TermAssessment, TermConclusion, score_field

__all__ = [
    "GRADE_ORDER",
    "OPEN_WARNING_STATUSES",
    "ZERO",
    "BondIssue",
    "BondType",
    "CreditRating",
    "DebtAudit",
    "DebtDefault",
    "DebtProfile",
    "EmergencyEvent",
    "EmergencyLevel",
    "EmergencyStatus",
    "Grade",
    "RatingOutlook",
    "RiskAssessment",
    "RiskWarning",
    "TermAssessment",
    "TermConclusion",
    "WarningGround",
    "WarningKind",
    "WarningStatus",
    "amount_field",
    "ratio_field",
    "score_field",
]
