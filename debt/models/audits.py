"""Debt audits of leading officials (领导干部债务审计)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Region

from .base import amount_field


class DebtAudit(BaseModel):
    """A debt audit within the economic-responsibility audit of a leading official."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="debt_audits"
    )
    leading_official = models.CharField(_("leading official"), max_length=50)
    position = models.CharField(_("position"), max_length=100)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)
    audit_authority = models.CharField(_("audit authority"), max_length=200)
    report_number = models.CharField(_("audit report number"), max_length=100)
    report_date = models.DateField(_("report date"))
    findings = models.TextField(_("findings"))
    irregular_amount = amount_field(
        _("amount with irregularities (100 million yuan)"), null=True, blank=True
    )
    accountability = models.TextField(
        _("accountability"), blank=True, help_text=_("Who was held accountable, and how.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("debt audit")
        verbose_name_plural = _("debt audits")
        ordering = ["-report_date", "-pk"]
        permissions = [
            ("import_debtaudit", _("Can import debt audits")),
            ("export_debtaudit", _("Can export debt audits")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "report_number"],
                name="debt_audit_unique_report",
                violation_error_message=_("This region already has an audit with this number."),
            ),
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="debt_audit_term_ordered",
                violation_error_message=_("The term cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_number} · {self.leading_official}"
