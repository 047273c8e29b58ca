"""Bond issues, credit ratings and debt defaults."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Region
from credit_records.models import DishonestyRecord

from .base import ZERO, amount_field
from .profiles import DebtProfile


class BondType(models.TextChoices):
    GENERAL = "general", _("General bond")
    SPECIAL = "special", _("Special bond")


class BondIssue(BaseModel):
    """A local government bond issue."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="debt_bonds"
    )
    code = models.CharField(_("bond code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    bond_type = models.CharField(_("type"), max_length=10, choices=BondType.choices)
    amount = amount_field(
        _("amount (100 million yuan)"), validators=[MinValueValidator(Decimal("0.0001"))]
    )
    rate = models.DecimalField(
        _("coupon rate (%)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    issue_date = models.DateField(_("issue date"))
    maturity_date = models.DateField(_("maturity date"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    project = models.CharField(_("project"), max_length=200, blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("bond issue")
        verbose_name_plural = _("bond issues")
        ordering = ["-issue_date", "code"]
        permissions = [
            ("import_bondissue", _("Can import bond issues")),
            ("export_bondissue", _("Can export bond issues")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="debt_bond_amount_positive",
                violation_error_message=_("The amount issued must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100),
                name="debt_bond_rate_in_range",
                violation_error_message=_("The interest rate must be between 0 and 100%."),
            ),
            models.CheckConstraint(
                condition=Q(maturity_date__gt=F("issue_date")),
                name="debt_bond_matures_after_issue",
                violation_error_message=_("A bond matures after it is issued."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RatingOutlook(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    STABLE = "stable", _("Stable")
    NEGATIVE = "negative", _("Negative")
    DEVELOPING = "developing", _("Developing")


class CreditRating(BaseModel):
    """A credit rating of a region's government debt by a rating agency."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="debt_ratings"
    )
    agency = models.CharField(_("rating agency"), max_length=100)
    rating = models.CharField(_("rating"), max_length=10)
    outlook = models.CharField(
        _("outlook"), max_length=12, choices=RatingOutlook.choices, default=RatingOutlook.STABLE
    )
    rated_on = models.DateField(_("rated on"))
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("credit rating")
        verbose_name_plural = _("credit ratings")
        ordering = ["-rated_on", "agency"]
        permissions = [
            ("import_creditrating", _("Can import credit ratings")),
            ("export_creditrating", _("Can export credit ratings")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "agency", "rated_on"],
                name="debt_rating_unique_per_day",
                violation_error_message=_("This agency already rated this region on that day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.rating}"


class DebtDefault(BaseModel):
    """The link between a debt profile's overdue or defaulted payment and the dishonesty
    record (category debt default) it led to: ``profile.defaults`` one way,
    ``record.debt_default`` the other."""

    profile = models.ForeignKey(
        DebtProfile,
        verbose_name=_("debt profile"),
        on_delete=models.PROTECT,
        related_name="defaults",
    )
    record = models.OneToOneField(
        DishonestyRecord,
        verbose_name=_("dishonesty record"),
        on_delete=models.CASCADE,
        related_name="debt_default",
    )
    overdue_amount = amount_field(_("overdue amount at the time (100 million yuan)"))
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

    scope_region_lookup = "profile__region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("debt default")
        verbose_name_plural = _("debt defaults")
        ordering = ["-created_at"]
        constraints = [
            # One profile's overdue debt is one dishonesty record, however often it is
            # reported (the service says which record; this is the backstop).
            models.UniqueConstraint(
                fields=["profile"],
                name="debt_default_once_per_profile",
                violation_error_message=_(
                    "This debt profile's overdue debt was already reported as a dishonesty record."
                ),
            ),
            models.CheckConstraint(
                condition=Q(overdue_amount__gt=0),
                name="debt_default_amount_positive",
                violation_error_message=_("The overdue amount must be greater than zero."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.record)
