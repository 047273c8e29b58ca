"""Government procurement: suppliers, purchasers' projects through notice, award, contract,
acceptance and payment, the red flags raised on them, and purchasers' violations.

The purchaser (采购人) is a ``credit_records.Department``; the scope attributes hang every
model below it, so a region's supervisors see their region's purchases and a liaison sees
their own department's. Money is ``Decimal`` and legal dates are ``DateField``s; the due
dates, late interest and flags are computed by ``rules`` and written by ``services`` only.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import UnifiedSocialCreditCodeField
from core.models import BaseModel, Department
from credit_records.models import DishonestyRecord

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


class Contract(BaseModel):
    """The contract signed after the award: amount, supplementary agreements, payment term
    and filing (备案)."""

    project = models.OneToOneField(
        ProcurementProject,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        related_name="contract",
    )
    number = models.CharField(_("contract number"), max_length=64, blank=True)
    signed_date = models.DateField(_("signed on"))
    amount = models.DecimalField(_("contract amount (yuan)"), **MONEY)
    supplementary_amount = models.DecimalField(
        _("supplementary amount (yuan)"),
        default=Decimal("0.00"),
        # xgettext:no-python-format
        help_text=_("Total of the supplementary contracts; at most 10% of the contract amount."),
        **MONEY,
    )
    payment_term_days = models.PositiveSmallIntegerField(
        _("agreed payment term (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Leave empty if the contract agrees none (30 days apply). For an SME the term "
            "counts at most 60 days."
        ),
    )
    payment_after_acceptance = models.BooleanField(
        _("payment depends on acceptance"),
        default=True,
        help_text=_("The payment term runs from acceptance; otherwise from delivery."),
    )
    filed_date = models.DateField(_("filed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    scope_region_lookup = "project__purchaser__region"
    scope_department_lookup = "project__purchaser"

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_date", "-pk"]
        permissions = [
            ("import_contract", _("Can import contracts")),
            ("export_contract", _("Can export contracts")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="contract_amount_positive",
                violation_error_message=_("The contract amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(supplementary_amount__gte=0),
                name="contract_supplementary_not_negative",
                violation_error_message=_("The supplementary amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(payment_term_days__isnull=True) | Q(payment_term_days__gte=1),
                name="contract_payment_term_positive",
                violation_error_message=_("The payment term is at least one day."),
            ),
            models.CheckConstraint(
                condition=Q(filed_date__isnull=True) | Q(filed_date__gte=F("signed_date")),
                name="contract_filed_after_signing",
                violation_error_message=_("A contract cannot be filed before it is signed."),
            ),
        ]

    def __str__(self) -> str:
        return self.number or gettext("Contract of %(project)s") % {"project": self.project.code}

    def clean(self) -> None:
        project = self.project if self.project_id else None
        if project is not None and not project.is_awarded:
            raise ValidationError({"project": _("Record the award before the contract.")})
        if project is not None and self.signed_date and self.signed_date < project.award_date:
            raise ValidationError(
                {"signed_date": _("The contract cannot be signed before the award.")}
            )

    @property
    def total_amount(self) -> Decimal:
        return self.amount + self.supplementary_amount


class AcceptanceResult(models.TextChoices):
    PENDING = "pending", _("Pending")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class Acceptance(BaseModel):
    """Delivery and acceptance (履约验收) of a contract."""

    contract = models.OneToOneField(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="acceptance"
    )
    delivery_date = models.DateField(_("delivered on"))
    acceptance_date = models.DateField(_("accepted on"), null=True, blank=True)
    result = models.CharField(
        _("result"),
        max_length=10,
        choices=AcceptanceResult,
        default=AcceptanceResult.PENDING,
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "contract__project__purchaser__region"
    scope_department_lookup = "contract__project__purchaser"

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["-delivery_date", "-pk"]
        permissions = [
            ("import_acceptance", _("Can import acceptances")),
            ("export_acceptance", _("Can export acceptances")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(acceptance_date__isnull=True)
                | Q(acceptance_date__gte=F("delivery_date")),
                name="acceptance_after_delivery",
                violation_error_message=_("Acceptance cannot come before delivery."),
            ),
            models.CheckConstraint(
                condition=Q(result="pending", acceptance_date__isnull=True)
                | Q(~Q(result="pending"), acceptance_date__isnull=False),
                name="acceptance_result_has_date",
                violation_error_message=_(
                    "A passed or failed acceptance needs its date; a pending one has none."
                ),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Acceptance of %(contract)s") % {"contract": self.contract}

    def clean(self) -> None:
        if (
            self.contract_id
            and self.delivery_date
            and self.delivery_date < self.contract.signed_date
        ):
            raise ValidationError(
                {"delivery_date": _("Delivery cannot come before the contract is signed.")}
            )


class Payment(BaseModel):
    """One payment instalment of a contract. ``due_date`` and ``late_interest`` are computed
    by ``rules`` (statutory SME limits, 0.05% a day) whenever the contract, its acceptance or
    the payment changes."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="payments"
    )
    sequence = models.PositiveSmallIntegerField(_("instalment"), default=1)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    due_date = models.DateField(
        _("due date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Computed from acceptance (or delivery) and the payment term."),
    )
    paid_date = models.DateField(_("paid on"), null=True, blank=True)
    late_days = models.PositiveIntegerField(_("days late"), default=0)
    late_interest = models.DecimalField(_("late interest (yuan)"), default=Decimal("0.00"), **MONEY)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "contract__project__purchaser__region"
    scope_department_lookup = "contract__project__purchaser"

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["contract", "sequence"]
        permissions = [
            ("import_payment", _("Can import payments")),
            ("export_payment", _("Can export payments")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "sequence"],
                name="payment_unique_instalment",
                violation_error_message=_("This contract already has this instalment."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(late_interest__gte=0),
                name="payment_interest_not_negative",
                violation_error_message=_("Late interest cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_date"], name="payment_unpaid_due", condition=Q(paid_date__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return gettext("Instalment %(sequence)d of %(contract)s") % {
            "sequence": self.sequence,
            "contract": self.contract,
        }

    def clean(self) -> None:
        from django.utils import timezone

        if self.paid_date and self.paid_date > timezone.localdate():
            raise ValidationError({"paid_date": _("The payment date cannot be in the future.")})
        if not self.contract_id:
            return
        contract = self.contract
        if self.paid_date and self.paid_date < contract.signed_date:
            raise ValidationError(
                {"paid_date": _("A payment cannot be made before the contract is signed.")}
            )
        if self.amount is not None:
            others = (
                Payment.objects.filter(contract_id=self.contract_id)
                .exclude(pk=self.pk)
                .aggregate(total=models.Sum("amount"))["total"]
            ) or Decimal("0")
            if others + self.amount > contract.total_amount:
                raise ValidationError(
                    {
                        "amount": _(
                            "The payments would total %(total)s yuan, more than the contract "
                            "and its supplementary amounts (%(limit)s yuan)."
                        )
                        % {
                            "total": f"{others + self.amount:,.2f}",
                            "limit": f"{contract.total_amount:,.2f}",
                        }
                    }
                )

    @property
    def is_late(self) -> bool:
        return self.late_days > 0


class FlagRule(models.TextChoices):
    LATE_SIGNING = "late_signing", _("Contract signed more than 30 days after the award")
    SUPPLEMENTARY_OVER_CAP = (
        "supplementary_over_cap",
        # xgettext:no-python-format
        _("Supplementary contracts above 10% of the contract"),
    )
    SME_PAYMENT_LATE = "sme_payment_late", _("SME paid late")
    ACCEPTANCE_LATE = "acceptance_late", _("Acceptance not done in time after delivery")
    FILING_LATE = "filing_late", _("Contract filed late")
    AWARD_OVER_BUDGET = "award_over_budget", _("Award above budget")
    SINGLE_SOURCE_SHARE = "single_source_share", _("High single-source share in a year")


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
        from .rules import describe_flag

        return describe_flag(self.rule, self.evidence)


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
