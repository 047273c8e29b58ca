"""Red flags: a rule a purchase appears to break, with the evidence found, then confirmed or
dismissed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Department

from .agreements import Obligation
from .arrears import Instalment
from .contracts import Payment
from .purchases import ProcurementProject


class FlagRule(models.TextChoices):
    LATE_SIGNING = "late_signing", _("Contract signed more than 30 days after the award")
    SUPPLEMENTARY_OVER_CAP = (
        "supplementary_over_cap",
        # xgettext:no-python-format
        _("Supplementary contracts above 10% of the contract"),
    )
    SME_PAYMENT_LATE = "sme_payment_late", _("SME paid late")
    SME_TERM_OVER_LIMIT = "sme_term_over_limit", _("Payment term above 60 days agreed with an SME")
    ACCEPTANCE_LATE = "acceptance_late", _("Acceptance not done in time after delivery")
    FILING_LATE = "filing_late", _("Contract filed late")
    AWARD_OVER_BUDGET = "award_over_budget", _("Award above budget")
    SINGLE_SOURCE_SHARE = "single_source_share", _("High single-source share in a year")
    # Raised by the credit office closing a complaint from the public with this outcome
    # (credit_records' complaints, through procurement's registered outcome handler).
    COMPLAINT = "complaint", _("Found on a complaint from the public")
    # Government agreements and the arrears ledger (models/agreements.py, models/arrears.py).
    OBLIGATION_OVERDUE = "obligation_overdue", _("Agreement obligation overdue")
    INSTALMENT_OVERDUE = "instalment_overdue", _("Arrears repayment instalment overdue")
    # Raised by accepting an item of public-resource trading credit information in the
    # intake queue (credit_records' intake, through procurement's registered handler).
    TRADING_VIOLATION = "trading_violation", _("Violation found by the trading platform")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed as violation")
    DISMISSED = "dismissed", _("Dismissed")


class RedFlag(BaseModel):
    """A rule a purchase appears to break, with the evidence found. Raised once per rule and
    object (``object_key``) however often the checks run; an official then confirms it as a
    violation or dismisses it with reasons."""

    rule = models.CharField(_("rule"), max_length=32, choices=FlagRule)
    object_key = models.CharField(_("object"), max_length=64, editable=False)
    purchaser = models.ForeignKey(
        Department,
        verbose_name=_("purchaser"),
        on_delete=models.PROTECT,
        related_name="procurement_flags",
    )
    project = models.ForeignKey(
        ProcurementProject,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flags",
    )
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flags",
    )
    obligation = models.ForeignKey(
        Obligation,
        verbose_name=_("agreement obligation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flags",
    )
    instalment = models.ForeignKey(
        Instalment,
        verbose_name=_("repayment instalment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flags",
    )
    evidence = models.JSONField(_("evidence"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=FlagStatus, default=FlagStatus.OPEN, db_index=True
    )
    reason = models.TextField(_("reasons"), blank=True)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "purchaser__region"
    scope_department_lookup = "purchaser"

    class Meta:
        verbose_name = _("red flag")
        verbose_name_plural = _("red flags")
        ordering = ["-raised_at", "-pk"]
        permissions = [("export_redflag", _("Can export red flags"))]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "object_key"],
                name="flag_once_per_object",
                violation_error_message=_("This red flag has already been raised."),
            ),
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(reason=""),
                name="flag_dismissal_has_reason",
                violation_error_message=_("A dismissal needs its reasons."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} · {self.purchaser.name}" if self.purchaser_id else ""

    def describe(self) -> str:
        from ..rules import describe_flag

        return describe_flag(self.rule, self.evidence)
