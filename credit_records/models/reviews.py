"""Requests that a supervisor decides: fault-tolerance claims (容错纠错) and credit repair
applications (信用修复)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel

from .records import DishonestyRecord


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class FaultToleranceClaim(BaseModel):
    """A claim for fault tolerance and correction (容错纠错). Approved, it keeps the record
    out of the credit file and public disclosure, but the record stays for audit."""

    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="fault_tolerance_claims",
    )
    grounds = models.TextField(_("grounds"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("review reasons"), blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "record__department__region"
    scope_department_lookup = "record__department"

    class Meta:
        verbose_name = _("fault-tolerance claim")
        verbose_name_plural = _("fault-tolerance claims")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(status="pending"),
                name="claim_one_pending_per_record",
                violation_error_message=_("This record already has a claim awaiting review."),
            ),
        ]

    def __str__(self) -> str:
        return _("Fault-tolerance claim on %(record)s") % {"record": self.record}


class CreditRepairApplication(BaseModel):
    """An application for credit repair (信用修复) of a rectified record. Approval ends its
    public disclosure early."""

    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="repair_applications",
    )
    commitment_text = models.TextField(
        _("credit commitment"),
        help_text=_("The department's written credit commitment (信用承诺)."),
    )
    statement = models.TextField(_("statement of correction"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    review_due = models.DateField(_("review due"), db_index=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reasons"), blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "record__department__region"
    scope_department_lookup = "record__department"

    class Meta:
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(status="pending"),
                name="repair_one_pending_per_record",
                violation_error_message=_("This record already has an application under review."),
            ),
        ]

    def __str__(self) -> str:
        return _("Credit repair of %(record)s") % {"record": self.record}
