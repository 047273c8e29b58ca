"""Purchasers' violations (政府采购法 art. 71, paraphrased) and the performance duties."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Department
from credit_records.models import DishonestyRecord

from .flags import RedFlag
from .purchases import ProcurementProject


class ViolationKind(models.TextChoices):
    """Purchaser violations (政府采购法 art. 71, paraphrased) and the performance duties."""

    AVOID_OPEN_TENDER = "avoid_open_tender", _("Avoided open tendering where required")
    RAISE_STANDARDS = "raise_standards", _("Raised procurement standards without authority")
    DISCRIMINATE = "discriminate", _("Discriminated against suppliers")
    NEGOTIATE = "negotiate", _("Negotiated with bidders during tendering")
    NOT_SIGNING = "not_signing", _("Did not sign the contract in time after the award")
    REFUSE_SUPERVISION = "refuse_supervision", _("Refused supervision")
    CONTRACT_MANAGEMENT = (
        "contract_management",
        _("Breached contract management rules (acceptance, filing, amendments, budget)"),
    )
    SME_ARREARS = "sme_arrears", _("Paid an SME late (arrears)")
    AGREEMENT_BREACH = "agreement_breach", _("Did not fulfil an agreement obligation in time")
    OTHER = "other", _("Other")


class ViolationSeverity(models.TextChoices):
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")


class Violation(BaseModel):
    """A purchaser's violation, entered by hand or confirmed from a red flag. It counts in
    the purchaser's credit score and normally becomes a dishonesty record (linked both
    ways: ``record`` here, ``record.procurement_violation`` there)."""

    purchaser = models.ForeignKey(
        Department,
        verbose_name=_("purchaser"),
        on_delete=models.PROTECT,
        related_name="procurement_violations",
    )
    project = models.ForeignKey(
        ProcurementProject,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
    )
    flag = models.OneToOneField(
        RedFlag,
        verbose_name=_("red flag"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violation",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ViolationKind)
    severity = models.CharField(_("severity"), max_length=10, choices=ViolationSeverity)
    decision_number = models.CharField(_("decision document number"), max_length=100)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200)
    decided_on = models.DateField(_("decided on"), db_index=True)
    facts = models.TextField(_("facts"))
    record = models.OneToOneField(
        DishonestyRecord,
        verbose_name=_("dishonesty record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="procurement_violation",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A violation entered in error is withdrawn, never deleted: it stays on file (and in
    # its history) with the reasons, and no longer counts in the purchaser's score.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reasons for the withdrawal"), blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "purchaser__region"
    scope_department_lookup = "purchaser"

    class Meta:
        verbose_name = _("procurement violation")
        verbose_name_plural = _("procurement violations")
        ordering = ["-decided_on", "-pk"]
        permissions = [("export_violation", _("Can export procurement violations"))]
        constraints = [
            models.UniqueConstraint(
                fields=["purchaser", "decision_number"],
                name="violation_unique_decision",
                violation_error_message=_(
                    "This purchaser already has a violation with this decision number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="violation_withdrawal_has_reason",
                violation_error_message=_("A withdrawal needs its reasons."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} · {self.get_kind_display()}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
