"""Term assessments: a leading official's debt record over the term of office."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Region

from .base import ZERO


class TermConclusion(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


def score_field(verbose_name):
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )


class TermAssessment(BaseModel):
    """The assessment of a government's borrowing, use and management of debt over its
    term (debt as a performance indicator)."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="debt_term_assessments",
    )
    period_start = models.PositiveSmallIntegerField(_("first year"))
    period_end = models.PositiveSmallIntegerField(_("last year"))
    borrowing_score = score_field(_("borrowing score"))
    use_score = score_field(_("use score"))
    management_score = score_field(_("management score"))
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=TermConclusion.choices)
    comments = models.TextField(_("comments"), blank=True)
    assessed_on = models.DateField(_("assessed on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("term assessment")
        verbose_name_plural = _("term assessments")
        ordering = ["region__code", "-period_end"]
        permissions = [
            ("import_termassessment", _("Can import term assessments")),
            ("export_termassessment", _("Can export term assessments")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "period_start", "period_end"],
                name="debt_term_assessment_unique_period",
                violation_error_message=_("This region already has an assessment of this term."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="debt_term_assessment_period_ordered",
                violation_error_message=_("The last year cannot come before the first."),
            ),
            models.CheckConstraint(
                condition=Q(borrowing_score__gte=0, borrowing_score__lte=100)
                & Q(use_score__gte=0, use_score__lte=100)
                & Q(management_score__gte=0, management_score__lte=100),
                name="debt_term_assessment_scores_in_range",
                violation_error_message=_("Scores must be between 0 and 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.period_start}–{self.period_end}" if self.region_id else ""

    @property
    def total_score(self) -> Decimal:
        total = self.borrowing_score + self.use_score + self.management_score
        return (total / 3).quantize(Decimal("0.01"))
