"""Reference rates: the loan prime rate (贷款市场报价利率, LPR) as published, by the day it took
effect. Kept as data an administrator updates in the admin when the People's Bank of China
publishes a change (on the 20th of a month, 9:00, through the National Interbank Funding
Center), not as a setting: a rule needs the rate of a past day (the SME payment regulation
compares an agreed late-payment rate with the one-year LPR at the contract's signing)."""

import datetime
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import BaseModel


class LoanPrimeRate(BaseModel):
    """The one-year loan prime rate in force from ``effective_date`` until the next row's."""

    effective_date = models.DateField(_("in force from"), unique=True)
    one_year_percent = models.DecimalField(
        _("one-year LPR (% a year)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loan prime rate")
        verbose_name_plural = _("loan prime rates")
        ordering = ["-effective_date"]

    def __str__(self) -> str:
        return f"{self.effective_date.isoformat()} {self.one_year_percent}%"

    @classmethod
    def on(cls, day: datetime.date) -> "LoanPrimeRate | None":
        """The rate in force on ``day``, or None before the first one on file."""
        return cls.objects.filter(effective_date__lte=day).order_by("-effective_date").first()
