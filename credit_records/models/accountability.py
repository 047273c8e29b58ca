"""Accountability of the responsible officials (问责) that follows a record."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel

from .officials import PublicOfficial
from .records import DishonestyRecord


class AccountabilityKind(models.TextChoices):
    RESPONSIBLE = "responsible", _("Held responsible")
    PROPOSAL = "proposal", _("Accountability proposed (rectification overdue)")


class AccountabilityEntry(BaseModel):
    """An entry in a public official's file: held responsible for a dishonesty record, or
    proposed for accountability when its rectification stays overdue.

    When the record is exempted after a fault-tolerance review the entry stays, for audit,
    marked ``exempted_at``, and no longer counts against the official."""

    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=AccountabilityKind.choices,
        default=AccountabilityKind.RESPONSIBLE,
    )
    official = models.ForeignKey(
        PublicOfficial,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="accountability_entries",
    )
    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="accountability_entries",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    exempted_at = models.DateTimeField(
        _("exempted at"),
        null=True,
        blank=True,
        help_text=_("Set when the record is exempted after a fault-tolerance review."),
    )

    history = HistoricalRecords()

    scope_region_lookup = "official__department__region"
    scope_department_lookup = "official__department"

    class Meta:
        verbose_name = _("accountability entry")
        verbose_name_plural = _("accountability entries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["official", "record", "kind"],
                name="accountability_once_per_record",
                violation_error_message=_(
                    "This official already has this accountability entry for this record."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.official} · {self.record}"
