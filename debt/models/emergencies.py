"""Debt-risk emergencies (债务风险事件): their level and handling."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Region

from .base import amount_field


class EmergencyLevel(models.TextChoices):
    """Debt-risk event levels of 国办函〔2016〕88号."""

    I = "I", _("Level I (especially major, 特大)")  # noqa: E741
    II = "II", _("Level II (major, 重大)")
    III = "III", _("Level III (large, 较大)")
    IV = "IV", _("Level IV (general, 一般)")


class EmergencyStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    RESPONDING = "responding", _("Emergency response under way")
    RESTRUCTURING = "restructuring", _("Fiscal restructuring (财政重整)")
    RESOLVED = "resolved", _("Resolved")


class EmergencyEvent(BaseModel):
    """A local government debt-risk event and the emergency response to it."""

    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="debt_emergencies",
    )
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=4, choices=EmergencyLevel.choices)
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=EmergencyStatus.choices,
        default=EmergencyStatus.REPORTED,
    )
    occurred_on = models.DateField(_("occurred on"))
    description = models.TextField(_("description"))
    actions_taken = models.TextField(_("actions taken"), blank=True)
    amount_involved = amount_field(_("amount involved (100 million yuan)"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("debt emergency event")
        verbose_name_plural = _("debt emergency events")
        ordering = ["-occurred_on", "-pk"]
        permissions = [
            ("import_emergencyevent", _("Can import debt emergency events")),
            ("export_emergencyevent", _("Can export debt emergency events")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("occurred_on")),
                name="debt_emergency_resolved_after_occurred",
                violation_error_message=_("An event cannot be resolved before it occurred."),
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_on__isnull=False),
                name="debt_emergency_resolved_has_date",
                violation_error_message=_("A resolved event needs the date it was resolved."),
            ),
            models.CheckConstraint(
                condition=Q(amount_involved__isnull=True) | Q(amount_involved__gte=0),
                name="debt_emergency_amount_not_negative",
                violation_error_message=_("The amount involved cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.title
