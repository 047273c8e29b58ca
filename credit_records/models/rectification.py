"""Rectification within a deadline (书面说明原因并限期整改): the department's explanation and
reports, the supervisor's decisions, and deadline extensions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Region

from .records import DishonestyRecord


class Rectification(BaseModel):
    """The rectification a record requires (限期整改): deadline, the written explanation of
    causes, reports, verification and extensions."""

    record = models.OneToOneField(
        DishonestyRecord,
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="rectification",
    )
    deadline = models.DateField(_("deadline"), db_index=True)
    explanation_due = models.DateField(
        _("explanation due"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The written explanation of causes is due by this day."),
    )
    requirements = models.TextField(_("requirements"), blank=True)
    explanation = models.TextField(_("written explanation of causes"), blank=True)
    explanation_submitted_at = models.DateTimeField(
        _("explanation submitted at"), null=True, blank=True
    )
    explanation_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("explanation submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verification_reason = models.TextField(_("verification reasons"), blank=True)
    # Raised step by step by the deadlines scan once the deadline has passed: 1 overdue,
    # 2 escalated to the parent region's office, 3 accountability proposed.
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_to = models.ForeignKey(
        Region,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_rectifications",
    )
    # The ladder's clock: the next step falls due CHENGXIN_ESCALATION_DAYS[level] days after
    # ``ladder_clock_from`` (the deadline before step 1, then the day the last step fell due),
    # plus the days the ladder stood paused since (a report awaiting verification). An
    # extension to a future deadline starts the ladder again.
    ladder_clock_from = models.DateField(
        _("escalation clock runs from"), null=True, blank=True, db_index=True
    )
    ladder_paused_days = models.PositiveIntegerField(_("days the escalation paused"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "record__department__region"
    scope_department_lookup = "record__department"

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(escalation_level__lte=3),
                name="rectification_escalation_level_range",
                violation_error_message=_("The escalation level is between 0 and 3."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.record)

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.verified_at is None and self.deadline < timezone.localdate()


class ReportDecision(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    ACCEPTED = "accepted", _("Verified")
    RETURNED = "returned", _("Returned")


class RectificationReport(BaseModel):
    """A report of what was done to rectify, with evidence; verified or returned."""

    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("rectification"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    content = models.TextField(_("what was done"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=ReportDecision.choices, default=ReportDecision.PENDING
    )
    decision_reason = models.TextField(_("decision reasons"), blank=True)
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

    scope_region_lookup = "rectification__record__department__region"
    scope_department_lookup = "rectification__record__department"

    class Meta:
        verbose_name = _("rectification report")
        verbose_name_plural = _("rectification reports")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return _("Report of %(date)s") % {"date": f"{self.submitted_at:%Y-%m-%d}"}


class DeadlineExtension(BaseModel):
    """A supervisor's extension of a rectification deadline, with its reason."""

    rectification = models.ForeignKey(
        Rectification,
        verbose_name=_("rectification"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    previous_deadline = models.DateField(_("previous deadline"))
    new_deadline = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    scope_region_lookup = "rectification__record__department__region"
    scope_department_lookup = "rectification__record__department"

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["granted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_deadline__gt=models.F("previous_deadline")),
                name="extension_moves_deadline_later",
                violation_error_message=_("The new deadline must be later than the previous one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.previous_deadline} → {self.new_deadline}"
