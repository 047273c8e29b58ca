"""The debt workspace pages (``/workspace/debt/``), one module per topic: overview, lists,
record details, profiles and risk warnings. Views read selectors and call services; every
queryset starts from the user's scope, so another region's debt is a 404.
"""

from .base import VIEW_DEBT, DebtPageMixin, debt_tabs
from .details import AuditDetailView, DebtRecordDetailView, EmergencyDetailView, Fact
from .lists import (
    AssessmentListView,
    AuditListView,
    BondListView,
    Cell,
    DebtListView,
    EmergencyListView,
    ProfileListView,
    RatingListView,
    TermListView,
    WarningListView,
    register_export_sources,
)
from .overview import OverviewView, RegionDebtView
from .profiles import DebtDefaultView, ProfileFormView, ProfileRecomputeView
from .risk_warnings import (
    WARNING_ACTIONS,
    WarningAction,
    WarningActionView,
    WarningCreateView,
    WarningDetailView,
)

__all__ = [
    "VIEW_DEBT",
    "WARNING_ACTIONS",
    "AssessmentListView",
    "AuditDetailView",
    "AuditListView",
    "BondListView",
    "Cell",
    "DebtDefaultView",
    "DebtListView",
    "DebtPageMixin",
    "DebtRecordDetailView",
    "EmergencyDetailView",
    "EmergencyListView",
    "Fact",
    "OverviewView",
    "ProfileFormView",
    "ProfileListView",
    "ProfileRecomputeView",
    "RatingListView",
    "RegionDebtView",
    "TermListView",
    "WarningAction",
    "WarningActionView",
    "WarningCreateView",
    "WarningDetailView",
    "WarningListView",
    "debt_tabs",
    "register_export_sources",
]
