"""A region's yearly debt profile and the risk assessment computed from it."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Region

from .base import ZERO, Grade, amount_field, ratio_field


class DebtProfile(BaseModel):
    """One region's debt statistics for one year (债务限额、余额、综合财力 …), in 亿元."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="debt_profiles"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    general_limit = amount_field(_("general debt limit (100 million yuan)"))
    special_limit = amount_field(_("special debt limit (100 million yuan)"))
    general_balance = amount_field(_("general debt balance (100 million yuan)"))
    special_balance = amount_field(_("special debt balance (100 million yuan)"))
    financial_capacity = amount_field(
        _("comprehensive financial capacity (100 million yuan)"),
        validators=[MinValueValidator(Decimal("0.0001"))],
        help_text=_("综合财力: the denominator of the debt ratio; must be above zero."),
    )
    principal_due = amount_field(_("principal due in the year (100 million yuan)"))
    interest_due = amount_field(_("interest due in the year (100 million yuan)"))
    overdue_amount = amount_field(
        _("overdue debt (100 million yuan)"), default=ZERO, help_text=_("逾期债务 at year end.")
    )
    new_debt = amount_field(_("new debt in the year (100 million yuan)"), default=ZERO)
    published = models.BooleanField(
        _("publish on the disclosure pages"),
        default=True,
        help_text=_("Limits, balances and ratios are public unless withheld."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("debt profile")
        verbose_name_plural = _("debt profiles")
        ordering = ["region__code", "-year"]
        permissions = [
            ("import_debtprofile", _("Can import debt profiles")),
            ("export_debtprofile", _("Can export debt profiles")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="debt_profile_one_per_region_year",
                violation_error_message=_("This region already has a debt profile for this year."),
            ),
            models.CheckConstraint(
                condition=Q(general_limit__gte=0)
                & Q(special_limit__gte=0)
                & Q(general_balance__gte=0)
                & Q(special_balance__gte=0)
                & Q(principal_due__gte=0)
                & Q(interest_due__gte=0)
                & Q(overdue_amount__gte=0)
                & Q(new_debt__gte=0),
                name="debt_profile_amounts_non_negative",
                violation_error_message=_(
                    "Limits, balances and the other amounts cannot be negative."
                ),
            ),
            models.CheckConstraint(
                condition=Q(financial_capacity__gt=0),
                name="debt_profile_capacity_positive",
                violation_error_message=_(
                    "The comprehensive financial capacity must be greater than zero."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="debt_profile_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
        ]
        indexes = [models.Index(fields=["year", "region"], name="debt_profile_year_region")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}" if self.region_id else str(self.year)

    @property
    def total_limit(self) -> Decimal:
        return (self.general_limit or ZERO) + (self.special_limit or ZERO)

    @property
    def total_balance(self) -> Decimal:
        return (self.general_balance or ZERO) + (self.special_balance or ZERO)


class RiskAssessment(BaseModel):
    """The risk indicators computed from one debt profile, with the inputs and thresholds
    they were computed from, so a grade can be explained after the settings change."""

    profile = models.OneToOneField(
        DebtProfile,
        verbose_name=_("debt profile"),
        on_delete=models.CASCADE,
        related_name="assessment",
    )
    # Inputs used (亿元).
    total_balance = amount_field(_("debt balance used (100 million yuan)"))
    total_limit = amount_field(_("debt limit used (100 million yuan)"))
    financial_capacity = amount_field(_("financial capacity used (100 million yuan)"))
    debt_service = amount_field(_("principal and interest due used (100 million yuan)"))
    overdue_amount = amount_field(_("overdue debt used (100 million yuan)"))
    new_debt = amount_field(_("new debt used (100 million yuan)"))
    previous_balance = amount_field(
        _("previous year-end balance used (100 million yuan)"), null=True, blank=True
    )
    # Thresholds used (percent).
    yellow_threshold = models.DecimalField(_("yellow from (%)"), max_digits=7, decimal_places=2)
    orange_threshold = models.DecimalField(_("orange from (%)"), max_digits=7, decimal_places=2)
    red_threshold = models.DecimalField(_("red from (%)"), max_digits=7, decimal_places=2)
    # Indicators (percent).
    debt_ratio = ratio_field(_("debt ratio (%)"))
    limit_utilisation = ratio_field(_("limit utilisation (%)"))
    debt_service_ratio = ratio_field(_("debt-service ratio (%)"))
    overdue_ratio = ratio_field(_("overdue ratio (%)"))
    new_debt_ratio = ratio_field(_("new-debt ratio (%)"))
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    general_limit_breached = models.BooleanField(_("general balance above its limit"))
    special_limit_breached = models.BooleanField(_("special balance above its limit"))
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    scope_region_lookup = "profile__region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["profile__region__code", "-profile__year"]
        permissions = [("export_riskassessment", _("Can export risk assessments"))]
        indexes = [models.Index(fields=["grade"], name="debt_assessment_grade")]

    def __str__(self) -> str:
        return f"{self.profile} · {self.get_grade_display()}" if self.profile_id else ""

    @property
    def limit_breached(self) -> bool:
        return self.general_limit_breached or self.special_limit_breached
