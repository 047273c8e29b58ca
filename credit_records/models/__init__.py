"""Credit files, one module per topic: public officials, dishonesty records, their timeline
and evidence, rectification, reviews (fault tolerance, credit repair), commendations and
commitments, accountability, objections, complaints from the public, intake from other
systems."""

from .accountability import AccountabilityEntry, AccountabilityKind
from .commendations import Commendation, CommendationLevel, Commitment, CommitmentStatus
from .complaints import (
    HANDLED_COMPLAINT_STATUSES,
    OPEN_COMPLAINT_STATUSES,
    ComplainantContact,
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintEventAction,
    ComplaintOutcome,
    ComplaintStatus,
)
from .intake import (
    OPEN_COURT_CASE_STATUSES,
    OPEN_INTAKE_STATUSES,
    CourtCase,
    CourtCaseStatus,
    IntakeFormat,
    IntakeItem,
    IntakeKind,
    IntakeSource,
    IntakeStatus,
)
from .objections import Objection, ObjectionGrounds, ObjectionOutcome, ObjectionStatus
from .officials import PublicOfficial
from .records import (
    COUNTING_STATUSES,
    OPEN_STATUSES,
    RECTIFYING_STATUSES,
    TWO_DAYS,
    DishonestyRecord,
    RecordCategory,
    RecordSource,
    RecordStatus,
    Severity,
)
from .rectification import DeadlineExtension, Rectification, RectificationReport, ReportDecision
from .reviews import CreditRepairApplication, FaultToleranceClaim, ReviewStatus
from .timeline import Attachment, RecordEvent, RecordEventAction, evidence_upload_to

__all__ = [
    "COUNTING_STATUSES",
    "HANDLED_COMPLAINT_STATUSES",
    "OPEN_COMPLAINT_STATUSES",
    "OPEN_COURT_CASE_STATUSES",
    "OPEN_INTAKE_STATUSES",
    "OPEN_STATUSES",
    "RECTIFYING_STATUSES",
    "TWO_DAYS",
    "AccountabilityEntry",
    "AccountabilityKind",
    "Attachment",
    "Commendation",
    "CommendationLevel",
    "Commitment",
    "CommitmentStatus",
    "ComplainantContact",
    "Complaint",
    "ComplaintAttachment",
    "ComplaintCategory",
    "ComplaintEvent",
    "ComplaintEventAction",
    "ComplaintOutcome",
    "ComplaintStatus",
    "CourtCase",
    "CourtCaseStatus",
    "CreditRepairApplication",
    "DeadlineExtension",
    "DishonestyRecord",
    "FaultToleranceClaim",
    "IntakeFormat",
    "IntakeItem",
    "IntakeKind",
    "IntakeSource",
    "IntakeStatus",
    "Objection",
    "ObjectionGrounds",
    "ObjectionOutcome",
    "ObjectionStatus",
    "PublicOfficial",
    "RecordCategory",
    "RecordEvent",
    "RecordEventAction",
    "RecordSource",
    "RecordStatus",
    "Rectification",
    "RectificationReport",
    "ReportDecision",
    "ReviewStatus",
    "Severity",
    "evidence_upload_to",
]
