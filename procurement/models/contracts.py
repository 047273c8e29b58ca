"""Contracts, their acceptance (履约验收) and payments, with the due dates and late interest
the rules derive."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel
from core.money import format_money

from .purchases import MONEY, ProcurementProject


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
            "counts at most 60 days, and a longer agreed term is raised as a red flag."
        ),
    )
    payment_after_acceptance = models.BooleanField(
        _("payment depends on acceptance"),
        default=True,
        help_text=_(
            "The payment term runs from acceptance (from the end of the agreed acceptance "
            "period if acceptance is late or never done); otherwise from delivery."
        ),
    )
    acceptance_period_days = models.PositiveSmallIntegerField(
        _("agreed acceptance period (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Days after delivery within which the purchaser must carry out the acceptance. "
            "Leave empty if the contract agrees none (30 days apply)."
        ),
    )
    late_interest_rate = models.DecimalField(
        _("agreed late-payment interest rate (% a year)"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "Leave empty if the contract agrees none (0.05% a day applies). With an SME it "
            "may not be below the one-year LPR on the signing day."
        ),
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
                condition=Q(acceptance_period_days__isnull=True) | Q(acceptance_period_days__gte=1),
                name="contract_acceptance_period_positive",
                violation_error_message=_("The acceptance period is at least one day."),
            ),
            models.CheckConstraint(
                condition=Q(late_interest_rate__isnull=True) | Q(late_interest_rate__gte=0),
                name="contract_interest_rate_not_negative",
                violation_error_message=_("The interest rate cannot be negative."),
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
        supplier = project.supplier if project is not None else None
        if supplier is not None and supplier.is_sme and self.signed_date:
            self._check_interest_rate()

    def _check_interest_rate(self) -> None:
        """保障中小企业款项支付条例 (2025) art. 17: an agreed late-payment rate may not be
        below the one-year LPR at the contract's signing."""
        from ..rules import lpr_floor

        floor = lpr_floor(self.late_interest_rate, self.signed_date)
        if floor is not None:
            raise ValidationError(
                {
                    "late_interest_rate": _(
                        "The agreed late-payment interest rate of %(rate)s%% a year is below "
                        "the one-year LPR of %(lpr)s%% in force on the signing day (since "
                        "%(since)s): the SME payment regulation (art. 17) does not allow a "
                        "lower agreed rate."
                    )
                    % {
                        "rate": format(self.late_interest_rate.normalize(), "f"),
                        "lpr": floor.one_year_percent,
                        "since": floor.effective_date.isoformat(),
                    }
                }
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
    by ``rules`` (statutory SME limits, the agreed rate or 0.05% a day, on the undisputed
    part) whenever the contract, its acceptance, the payment or the calendar changes."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="payments"
    )
    sequence = models.PositiveSmallIntegerField(_("instalment"), default=1)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    disputed_amount = models.DecimalField(
        _("disputed amount (yuan)"),
        default=Decimal("0.00"),
        help_text=_(
            "The part of the instalment in dispute. The undisputed rest is still due on time: "
            "lateness and interest count on it."
        ),
        **MONEY,
    )
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
                condition=Q(disputed_amount__gte=0) & Q(disputed_amount__lte=F("amount")),
                name="payment_disputed_within_amount",
                violation_error_message=_(
                    "The disputed amount is between zero and the instalment's amount."
                ),
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
        if (
            self.amount is not None
            and self.disputed_amount is not None
            and not 0 <= self.disputed_amount <= self.amount
        ):
            raise ValidationError(
                {
                    "disputed_amount": _(
                        "The disputed amount is between zero and the instalment's amount."
                    )
                }
            )
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
                            "total": format_money(others + self.amount),
                            "limit": format_money(contract.total_amount),
                        }
                    }
                )

    @property
    def is_late(self) -> bool:
        return self.late_days > 0

    @property
    def undisputed_amount(self) -> Decimal:
        return self.amount - (self.disputed_amount or Decimal("0"))
