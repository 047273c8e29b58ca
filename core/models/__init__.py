"""The platform's models, one module per topic: organisations (regions, departments), users,
the working-day calendar, reference rates (the LPR), the deadline ledger, notifications,
background exports, the abstract review (filed → decided) that the apps' requests share, saved
views and watches, the register of issued credit reports, the access log and the users'
signed-in sessions."""

from .access import AccessAction, DataAccess, UserSession
from .base import BaseModel, choice_labels
from .calendar import CalendarDay, CalendarSource
from .deadlines import ReminderLog
from .exports import ExportFormat, ExportJob, ExportStatus, export_upload_to
from .notifications import Notification, NotificationKind
from .organisations import (
    PARENT_LEVEL,
    Department,
    DepartmentKind,
    Region,
    RegionLevel,
    RegionQuerySet,
    UnifiedSocialCreditCodeField,
    kind_for_uscc,
)
from .rates import LoanPrimeRate
from .reports import IssuedReport, ReportPurpose, ReportVariant
from .reviews import Review, ReviewStatus, one_pending_per
from .users import User
from .watching import SavedView, Watch

__all__ = [
    "PARENT_LEVEL",
    "AccessAction",
    "BaseModel",
    "CalendarDay",
    "CalendarSource",
    "DataAccess",
    "Department",
    "DepartmentKind",
    "ExportFormat",
    "ExportJob",
    "ExportStatus",
    "IssuedReport",
    "LoanPrimeRate",
    "Notification",
    "NotificationKind",
    "Region",
    "RegionLevel",
    "RegionQuerySet",
    "ReminderLog",
    "ReportPurpose",
    "ReportVariant",
    "Review",
    "ReviewStatus",
    "SavedView",
    "UnifiedSocialCreditCodeField",
    "User",
    "UserSession",
    "Watch",
    "choice_labels",
    "export_upload_to",
    "kind_for_uscc",
    "one_pending_per",
]
