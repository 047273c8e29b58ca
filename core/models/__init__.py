"""The platform's models, one module per topic: organisations (regions, departments), users,
the working-day calendar, the deadline ledger, notifications and background exports."""

from .base import BaseModel, choice_labels
from .calendar import CalendarDay
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
)
from .users import User

__all__ = [
    "PARENT_LEVEL",
    "BaseModel",
    "CalendarDay",
    "Department",
    "DepartmentKind",
    "ExportFormat",
    "ExportJob",
    "ExportStatus",
    "Notification",
    "NotificationKind",
    "Region",
    "RegionLevel",
    "RegionQuerySet",
    "ReminderLog",
    "UnifiedSocialCreditCodeField",
    "User",
    "choice_labels",
    "export_upload_to",
]
