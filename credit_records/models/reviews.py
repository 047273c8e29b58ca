"""Requests that a supervisor decides: fault-tolerance claims (容错纠错) and credit repair
applications (信用修复). Both are core's ``Review`` (filed → decided, one pending per record)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Review, one_pending_per
from core.models import ReviewStatus as ReviewStatus  # the API schema names it from here

from .records import DishonestyRecord


class FaultToleranceClaim(Review):
    """A claim for fault tolerance and correction (容错纠错). Approved, it keeps the record
    out of the credit file and public disclosure, but the record stays for audit."""

    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="fault_tolerance_claims",
    )
    grounds = models.TextField(_("grounds"))

    history = HistoricalRecords()

    scope_region_lookup = "record__department__region"
    scope_department_lookup = "record__department"
    already_decided_message = _("This claim has already been decided.")

    class Meta:
        verbose_name = _("fault-tolerance claim")
        verbose_name_plural = _("fault-tolerance claims")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            one_pending_per(
                "record",
                name="claim_one_pending_per_record",
                message=_("This record already has a claim awaiting review."),
            ),
        ]

    def __str__(self) -> str:
        return _("Fault-tolerance claim on %(record)s") % {"record": self.record}


class CreditRepairApplication(Review):
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
    review_due = models.DateField(_("review due"), db_index=True)

    history = HistoricalRecords()

    scope_region_lookup = "record__department__region"
    scope_department_lookup = "record__department"
    already_decided_message = _("This application has already been decided.")

    class Meta:
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            one_pending_per(
                "record",
                name="repair_one_pending_per_record",
                message=_("This record already has an application under review."),
            ),
        ]

    def __str__(self) -> str:
        return _("Credit repair of %(record)s") % {"record": self.record}
