"""Commendations (表彰, on which the incentives for keeping faith, 守信激励, rest) and
commitments with their fulfilment (守信践诺)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Department

from .officials import PublicOfficial
from .records import DishonestyRecord


class CommendationLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    # A level of honour (市级, 县级), not the region level of the same name (市, 县（区）).
    CITY = "city", pgettext_lazy("commendation level", "City")
    COUNTY = "county", pgettext_lazy("commendation level", "County")


class Commendation(BaseModel):
    """An honour that rewards trustworthiness (表彰; the incentive it earns is 守信激励), for a
    department or an official."""

    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=12, choices=CommendationLevel.choices)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200)
    date = models.DateField(_("date"))
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="commendations",
        help_text=_("The department honoured, or the official's department."),
    )
    official = models.ForeignKey(
        PublicOfficial,
        verbose_name=_("official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
        help_text=_("Leave empty when the department itself is honoured."),
    )

    history = HistoricalRecords()

    scope_region_lookup = "department__region"
    scope_department_lookup = "department"

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-date", "-pk"]
        permissions = [
            ("import_commendation", _("Can import commendations")),
            ("export_commendation", _("Can export commendations")),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (
            self.official_id
            and self.department_id
            and (self.official.department_id != self.department_id)
        ):
            raise ValidationError(
                {"official": _("The official must belong to the department honoured.")}
            )


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    FULFILLED = "fulfilled", _("Fulfilled")
    BROKEN = "broken", _("Broken")


class Commitment(BaseModel):
    """A public commitment (承诺事项) made by a department, and whether it was kept."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    content = models.TextField(_("content"))
    promised_date = models.DateField(_("promised date"), db_index=True)
    status = models.CharField(
        _("fulfilment status"),
        max_length=10,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PENDING,
    )
    evidence = models.TextField(_("fulfilment evidence"), blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resulting_record = models.OneToOneField(
        DishonestyRecord,
        verbose_name=_("resulting dishonesty record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="broken_commitment",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    scope_region_lookup = "department__region"
    scope_department_lookup = "department"

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["promised_date", "pk"]
        permissions = [
            ("import_commitment", _("Can import commitments")),
            ("export_commitment", _("Can export commitments")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resulting_record__isnull=True) | Q(status="broken"),
                name="commitment_record_only_when_broken",
                violation_error_message=_(
                    "Only a broken commitment can become a dishonesty record."
                ),
            ),
        ]

    def __str__(self) -> str:
        return Truncator(self.content).chars(40)
