"""The platform's models, one module per topic: organisations (regions, departments), users,
the working-day calendar, reference rates (the LPR), the deadline ledger, notifications,
background exports, the abstract review (filed → decided) that the apps' requests share, saved
views and watches, the register of issued credit reports, the access log, the users'
signed-in sessions, the event outbox and webhooks, the transparency log."""

from .access import AccessAction, DataAccess, UserSession
from .base import BaseModel, choice_labels
from .calendar import CalendarDay, CalendarSource
from .deadlines import ReminderLog
from .events import (
    DeliveryStatus,
    OutboxEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
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
from .transparency import (
    GENESIS_HASH,
    TransparencyCheckpoint,
    TransparencyEntry,
    TransparencyHead,
)
from .users import User
from .watching import SavedView, Watch

__all__ = [
    "GENESIS_HASH",
    "PARENT_LEVEL",
    "AccessAction",
    "BaseModel",
    "CalendarDay",
    "CalendarSource",
    "DataAccess",
    "DeliveryStatus",
    "Department",
    "DepartmentKind",
    "ExportFormat",
    "ExportJob",
    "ExportStatus",
    "IssuedReport",
    "LoanPrimeRate",
    "Notification",
    "NotificationKind",
    "OutboxEvent",
    "Region",
    "RegionLevel",
    "RegionQuerySet",
    "ReminderLog",
    "ReportPurpose",
    "ReportVariant",
    "Review",
    "ReviewStatus",
    "SavedView",
    "TransparencyCheckpoint",
    "TransparencyEntry",
    "TransparencyHead",
    "UnifiedSocialCreditCodeField",
    "User",
    "UserSession",
    "Watch",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "choice_labels",
    "export_upload_to",
    "kind_for_uscc",
    "one_pending_per",
]
