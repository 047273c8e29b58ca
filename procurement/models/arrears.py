"""The arrears ledger (拖欠账款): what a department owes an enterprise, the repayment plan's
instalments (a paid instalment is a repayment), each region's baseline (the stock at a date
a 清欠 campaign reports against), and the links from complaints about arrears.

Procurement contracts' late payments to SMEs are not copied here: the ledger's selectors read
them from ``Payment`` beside these rows (``selectors_arrears``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import UnifiedSocialCreditCodeField
from core.models import BaseModel, Department, Region
from credit_records.models import Complaint

from .agreements import Agreement
from .purchases import MONEY


class ArrearsKind(models.TextChoices):
    CONSTRUCTION = "construction", _("Construction")
    GOODS = "goods", _("Goods")
    SERVICES = "services", _("Services")
    AGREEMENT = "agreement", _("Agreement obligation")
    OTHER = "other", _("Other")


class ArrearsItem(BaseModel):
    """An amount a department owes an enterprise, overdue since the day after ``due_date``."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("debtor department"),
        on_delete=models.PROTECT,
        related_name="arrears",
    )
    reference = models.CharField(_("reference"), max_length=64)
    kind = models.CharField(_("kind"), max_length=20, choices=ArrearsKind, default="other")
    description = models.CharField(_("what is owed"), max_length=300)
    creditor_name = models.CharField(_("enterprise"), max_length=200)
    creditor_uscc = UnifiedSocialCreditCodeField(verbose_name=_("enterprise credit code"))
    creditor_is_sme = models.BooleanField(_("small or medium-sized enterprise"), default=False)
    creditor_is_individual = models.BooleanField(_("individual business"), default=False)
    amount = models.DecimalField(_("amount owed (yuan)"), **MONEY)
    due_date = models.DateField(_("due date"), db_index=True)
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="arrears",
    )
    plan_agreed_on = models.DateField(_("repayment plan agreed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "department__region"
    scope_department_lookup = "department"

    class Meta:
        verbose_name = _("arrears item")
        verbose_name_plural = _("arrears items")
        ordering = ["due_date", "pk"]
        permissions = [
            ("import_arrearsitem", _("Can import arrears")),
            ("export_arrearsitem", _("Can export arrears")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "reference"],
                name="arrears_unique_reference",
                violation_error_message=_(
                    "This department already has arrears with this reference."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="arrears_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.description}"


class Instalment(BaseModel):
    """One instalment of an arrears item's repayment plan; paid when ``paid_on`` is set."""

    item = models.ForeignKey(
        ArrearsItem,
        verbose_name=_("arrears item"),
        on_delete=models.CASCADE,
        related_name="instalments",
    )
    sequence = models.PositiveSmallIntegerField(_("instalment"))
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "item__department__region"
    scope_department_lookup = "item__department"

    class Meta:
        verbose_name = _("repayment instalment")
        verbose_name_plural = _("repayment instalments")
        ordering = ["item", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "sequence"],
                name="instalment_unique_sequence",
                violation_error_message=_("This plan already has this instalment."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="instalment_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_date"], name="instalment_unpaid_due", condition=Q(paid_on__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return gettext("Instalment %(sequence)d of %(item)s") % {
            "sequence": self.sequence,
            "item": self.item.reference if self.item_id else "",
        }


class ArrearsBaseline(BaseModel):
    """The stock of arrears of a region at a date, which a clearing campaign reports its
    reduction against."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="arrears_baselines"
    )
    as_of = models.DateField(_("stock as of"))
    amount = models.DecimalField(_("stock of arrears (yuan)"), **MONEY)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"

    class Meta:
        verbose_name = _("arrears baseline")
        verbose_name_plural = _("arrears baselines")
        ordering = ["region__code", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "as_of"],
                name="arrears_baseline_once_per_day",
                violation_error_message=_("This region already has a baseline at this date."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="arrears_baseline_not_negative",
                violation_error_message=_("The stock cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.as_of.isoformat() if self.as_of else ''}"


class ComplaintLink(BaseModel):
    """A complaint about arrears to an SME, linked to the agreement or arrears it is about."""

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="procurement_links",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="complaint_links",
    )
    arrears_item = models.ForeignKey(
        ArrearsItem,
        verbose_name=_("arrears item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="complaint_links",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "complaint__department__region"
    scope_department_lookup = "complaint__department"

    class Meta:
        verbose_name = _("complaint link")
        verbose_name_plural = _("complaint links")
        ordering = ["-linked_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agreement__isnull=True, arrears_item__isnull=False)
                | Q(agreement__isnull=False, arrears_item__isnull=True),
                name="complaint_link_one_target",
                violation_error_message=_("Link the complaint to an agreement or to arrears."),
            ),
            models.UniqueConstraint(
                fields=["complaint", "agreement"],
                name="complaint_link_unique_agreement",
                violation_error_message=_("The complaint is already linked to this agreement."),
            ),
            models.UniqueConstraint(
                fields=["complaint", "arrears_item"],
                name="complaint_link_unique_arrears",
                violation_error_message=_("The complaint is already linked to these arrears."),
            ),
        ]

    def __str__(self) -> str:
        return self.complaint.tracking_number if self.complaint_id else ""
