"""A record's timeline (every step, who took it and why) and its evidence files."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel, Department
from credit_records.event_reasons import display

from .records import DishonestyRecord, RecordStatus


class RecordEventAction(models.TextChoices):
    CREATED = "created", _("Record created")
    UPDATED = "updated", _("Record edited")
    CONFIRM = "confirm", _("Confirmed")
    REQUIRE_RECTIFICATION = "require_rectification", _("Rectification required")
    SUBMIT_EXPLANATION = "submit_explanation", _("Written explanation submitted")
    SUBMIT_REPORT = "submit_report", _("Rectification report submitted")
    VERIFY = "verify", _("Rectification verified")
    RETURN_REPORT = "return_report", _("Report returned")
    CLOSE = "close", _("Closed")
    EXEMPT = "exempt", _("Exempted after fault-tolerance review")
    EXTEND_DEADLINE = "extend_deadline", _("Deadline extended")
    CLAIM_FILED = "claim_filed", _("Fault-tolerance claim filed")
    CLAIM_REJECTED = "claim_rejected", _("Fault-tolerance claim rejected")
    REPAIR_APPLIED = "repair_applied", _("Credit repair applied for")
    REPAIR_APPROVED = "repair_approved", _("Credit repair approved")
    REPAIR_REJECTED = "repair_rejected", _("Credit repair rejected")
    ATTACHMENT_ADDED = "attachment_added", _("Evidence attached")
    OVERDUE = "overdue", _("Rectification overdue")
    ESCALATED = "escalated", _("Escalated to the parent region's credit office")
    ACCOUNTABILITY_PROPOSED = "accountability_proposed", _("Accountability proposed")
    DISCLOSURE_EXPIRED = "disclosure_expired", _("Left public disclosure (period ended)")
    # Objections (异议申诉): credit_records/services/objections.py.
    OBJECTION_FILED = "objection_filed", _("Objection filed")
    OBJECTION_ACKNOWLEDGED = "objection_acknowledged", _("Objection acknowledged")
    DISCLOSURE_SUSPENDED = "disclosure_suspended", _("Disclosure suspended pending the objection")
    OBJECTION_UPHELD = "objection_upheld", _("Objection upheld: record corrected")
    WITHDRAW = "withdraw", _("Objection upheld: record withdrawn")
    OBJECTION_REJECTED = "objection_rejected", _("Objection rejected")
    OBJECTION_OVERDUE = "objection_overdue", _("Objection decision overdue")
    OBJECTION_ESCALATED = (
        "objection_escalated",
        _("Objection escalated to the parent region's office"),
    )


class RecordEvent(BaseModel):
    """One step in a record's timeline: who did what, when, from which state to which, why."""

    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=40, choices=RecordEventAction.choices)
    from_status = models.CharField(
        _("from status"), max_length=32, choices=RecordStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=32, choices=RecordStatus.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    # A step the system took gives one of its own sentences as the reason: kept as a code and
    # parameters, worded in the reader's language when shown (see event_reasons).
    reason_code = models.CharField(_("reason code"), max_length=40, blank=True)
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    scope_region_lookup = "record__department__region"
    scope_department_lookup = "record__department"

    class Meta:
        verbose_name = _("record event")
        verbose_name_plural = _("record events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        # The step as officials name it (the admin's inline shows it), not its identifier.
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}" if self.at else ""

    @property
    def display_reason(self) -> str:
        """The reason in the reader's language where the system gave it, else as written."""
        return display(self)


def evidence_upload_to(instance, filename: str) -> str:
    from django.utils import timezone

    suffix = Path(filename).suffix.lower()
    return f"evidence/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(BaseModel):
    """Evidence uploaded to a record, a rectification report, a fault-tolerance claim, a
    commitment or an objection. Stored under MEDIA_ROOT and served only through a scoped,
    signed-in view."""

    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    report = models.ForeignKey(
        "RectificationReport",
        verbose_name=_("rectification report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    claim = models.ForeignKey(
        "FaultToleranceClaim",
        verbose_name=_("fault-tolerance claim"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    commitment = models.ForeignKey(
        "Commitment",
        verbose_name=_("commitment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    objection = models.ForeignKey(
        "Objection",
        verbose_name=_("objection"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    # The department the evidence concerns, copied from its owner so scoping is one join.
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_region_lookup = "department__region"
    scope_department_lookup = "department"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(record__isnull=False)
                | Q(report__isnull=False)
                | Q(claim__isnull=False)
                | Q(commitment__isnull=False)
                | Q(objection__isnull=False),
                name="attachment_has_owner",
                violation_error_message=_(
                    "An attachment belongs to a record, a report, a claim, a commitment or an "
                    "objection."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
