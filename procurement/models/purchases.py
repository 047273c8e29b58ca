"""Suppliers and procurement projects (政府采购项目), with the money field every procurement
amount uses."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import UnifiedSocialCreditCodeField
from core.models import BaseModel, Department

# Up to 9,999,999,999,999.99 yuan: 15 significant digits, which every supported database
# keeps exactly (SQLite stores a decimal as a floating-point number of 15 significant digits;
# the check decimal_fields_keep_their_digits holds every DecimalField to it).
MONEY = {"max_digits": 15, "decimal_places": 2}


class Supplier(BaseModel):
    """A company that bids for and wins government contracts, keyed by its credit code.

    Deliberately without scope attributes: the supplier register is shared by every region
    (a supplier wins contracts all over the province) and holds no government's credit data,
    so ``selectors.suppliers_for`` shows it to every official who has a scope.
    """

    name = models.CharField(_("name"), max_length=200)
    uscc = UnifiedSocialCreditCodeField(unique=True)
    is_sme = models.BooleanField(
        _("small or medium-sized enterprise"),
        default=False,
        help_text=_("Payments to SMEs are due within 30 days, or the agreed term up to 60 days."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]
        permissions = [
            ("import_supplier", _("Can import suppliers")),
            ("export_supplier", _("Can export suppliers")),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.uscc,)


class ProcurementMethod(models.TextChoices):
    OPEN_TENDER = "open_tender", _("Open tendering (公开招标)")
    INVITED_TENDER = "invited_tender", _("Invited tendering (邀请招标)")
    COMPETITIVE_NEGOTIATION = "competitive_negotiation", _("Competitive negotiation (竞争性谈判)")
    COMPETITIVE_CONSULTATION = (
        "competitive_consultation",
        _("Competitive consultation (竞争性磋商)"),
    )
    INQUIRY = "inquiry", _("Request for quotations (询价)")
    SINGLE_SOURCE = "single_source", _("Single source (单一来源)")
    FRAMEWORK = "framework", _("Framework agreement (框架协议)")


class Stage(models.TextChoices):
    """How far a project has gone; derived from its rows, never stored."""

    NOTICED = "noticed", _("Noticed")
    AWARDED = "awarded", _("Awarded")
    CONTRACTED = "contracted", _("Contracted")
    ACCEPTED = "accepted", _("Accepted")
    PAID = "paid", _("Paid")


class ProcurementProject(BaseModel):
    """A procurement by a purchaser: its notice, and its award once decided."""

    purchaser = models.ForeignKey(
        Department,
        verbose_name=_("purchaser"),
        on_delete=models.PROTECT,
        related_name="procurement_projects",
    )
    code = models.CharField(
        _("project code"), max_length=64, help_text=_("The purchaser's own project number.")
    )
    title = models.CharField(_("title"), max_length=200)
    method = models.CharField(_("procurement method"), max_length=32, choices=ProcurementMethod)
    budget = models.DecimalField(_("budget (yuan)"), **MONEY)
    notice_date = models.DateField(_("notice date"))
    award_date = models.DateField(_("award date"), null=True, blank=True, db_index=True)
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("winning supplier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    award_amount = models.DecimalField(_("award amount (yuan)"), null=True, blank=True, **MONEY)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    history = HistoricalRecords()

    scope_region_lookup = "purchaser__region"
    scope_department_lookup = "purchaser"

    class Meta:
        verbose_name = _("procurement project")
        verbose_name_plural = _("procurement projects")
        ordering = ["-notice_date", "-pk"]
        permissions = [
            ("import_procurementproject", _("Can import procurement projects")),
            ("export_procurementproject", _("Can export procurement projects")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["purchaser", "code"],
                name="project_unique_code_per_purchaser",
                violation_error_message=_("This purchaser already has a project with this code."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gt=0),
                name="project_budget_positive",
                violation_error_message=_("The budget must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(
                    award_date__isnull=True, supplier__isnull=True, award_amount__isnull=True
                )
                | Q(
                    award_date__isnull=False,
                    supplier__isnull=False,
                    award_amount__gt=0,
                ),
                name="project_award_complete",
                violation_error_message=_(
                    "An award needs its date, its supplier and an amount above zero."
                ),
            ),
            models.CheckConstraint(
                condition=Q(award_date__isnull=True) | Q(award_date__gte=F("notice_date")),
                name="project_award_after_notice",
                violation_error_message=_("The award cannot come before the notice."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_awarded(self) -> bool:
        return self.award_date is not None

    def stage(self) -> Stage:
        # Imported here: contracts.py imports this module for the project foreign key.
        from .contracts import AcceptanceResult

        contract = getattr(self, "contract", None)
        if not self.is_awarded:
            return Stage.NOTICED
        if contract is None:
            return Stage.AWARDED
        acceptance = getattr(contract, "acceptance", None)
        if acceptance is None or acceptance.result != AcceptanceResult.PASSED:
            return Stage.CONTRACTED
        payments = list(contract.payments.all())
        if payments and all(p.paid_date for p in payments):
            return Stage.PAID
        return Stage.ACCEPTED
