"""The register of issued credit reports (政务信用报告): what was issued, for whom, for which
purpose and period, and the SHA-256 of the exact file, which is what verification checks."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import BaseModel
from .organisations import Department


class ReportVariant(models.TextChoices):
    PUBLIC = "public", pgettext_lazy("report variant", "Public")
    OFFICIAL = "official", pgettext_lazy("report variant", "Official")


class ReportPurpose(models.TextChoices):
    # The uses a special credit report replaces a certificate of no violation for
    # (发改财金〔2025〕565号): honours, project applications, funding decisions.
    HONOURS = "honours", _("Honours and commendations (评优评先)")
    PROJECT = "project", _("Project application (项目申报)")
    FUNDING = "funding", _("Funding decision (资金安排)")
    OTHER = "other", _("Other purpose")
    # The public variant is for anyone, for no stated purpose.
    PUBLIC = "public", _("Public disclosure")


class IssuedReport(BaseModel):
    """One issued report. The file itself is not kept: the requester has it, and its
    SHA-256 is enough to tell whether a file someone shows is the one issued."""

    code = models.CharField(_("verification code"), max_length=32, unique=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="issued_reports",
    )
    variant = models.CharField(_("variant"), max_length=10, choices=ReportVariant.choices)
    purpose = models.CharField(_("purpose"), max_length=10, choices=ReportPurpose.choices)
    purpose_note = models.CharField(_("purpose details"), max_length=200, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    sections = models.JSONField(_("sections"), default=list)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    valid_until = models.DateField(_("valid until"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issued_reports",
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)

    scope_region_lookup = "department__region"
    scope_department_lookup = "department"

    class Meta:
        verbose_name = _("issued credit report")
        verbose_name_plural = _("issued credit reports")
        ordering = ["-issued_at", "-pk"]
        permissions = [("export_issuedreport", _("Can export issued credit reports"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="issuedreport_period_order",
                violation_error_message=_("The period must not end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.code

    def expired(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.valid_until
