"""Objections to a record (异议申诉): the department disputes a confirmed or published record,
the credit office that confirmed it acknowledges and decides within time limits, and an
upheld objection corrects or withdraws the record.

An objection is core's ``Review`` (filed → decided, one pending per record); "approved" is
called *upheld* here. 国办发〔2025〕22号 (关于进一步完善信用修复制度的实施方案) requires the
objection channel; the time limits are settings (see ``credit_records.rules``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Region, Review, one_pending_per

from .records import DishonestyRecord


class ObjectionStatus(models.TextChoices):
    """``ReviewStatus``'s values, in the words of an objection."""

    PENDING = "pending", _("Objection under review")
    APPROVED = "approved", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class ObjectionGrounds(models.TextChoices):
    FACTS_WRONG = "facts_wrong", _("The facts are wrong")
    NOT_ATTRIBUTABLE = "not_attributable", _("Not attributable to the department")
    FAULT_TOLERANCE = "fault_tolerance", _("Fault tolerance was not considered")
    SEVERITY_OR_PERIOD = "severity_or_period", _("Wrong severity or disclosure period")
    REPAIRED_STILL_SHOWN = "repaired_still_shown", _("Repaired but still shown")
    OTHER = "other", _("Other")


class ObjectionOutcome(models.TextChoices):
    """What an upheld objection did to the record."""

    CORRECTED = "corrected", _("Record corrected")
    WITHDRAWN = "withdrawn", _("Record withdrawn")


class Objection(Review):
    """The subject department's objection to one of its records."""

    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.PENDING,
    )
    grounds = models.CharField(
        _("objection grounds"), max_length=24, choices=ObjectionGrounds.choices
    )
    explanation = models.TextField(_("explanation of the objection"))
    # Filed by the credit office or the provincial platform's account for the department.
    filed_on_behalf = models.BooleanField(_("filed on the department's behalf"), default=False)
    # The time limits, from the filing day by the working-day calendar (rules.objection_dues).
    acknowledge_due = models.DateField(_("acknowledgement due"), db_index=True)
    decide_due = models.DateField(_("decision due"), db_index=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # While pending and set, the record is off every public page and open-data export
    # (selectors.published_records); the decision ends the suspension either way.
    disclosure_suspended = models.BooleanField(_("disclosure suspended"), default=False)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ObjectionOutcome.choices, blank=True
    )
    # An upheld correction, field by field: {field: [before, after]} as shown to people.
    corrections = models.JSONField(_("corrections"), default=dict, blank=True)
    # The escalation ladder of an undecided objection (deadlines.escalate_overdue_objections):
    # 1 overdue, 2 escalated to the parent region's office.
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_to = models.ForeignKey(
        Region,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    scope_region_lookup = "record__department__region"
    scope_department_lookup = "record__department"
    already_decided_message = _("This objection has already been decided.")

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-filed_at", "-pk"]
        permissions = [("export_objection", _("Can export objections"))]
        constraints = [
            one_pending_per(
                "record",
                name="objection_one_pending_per_record",
                message=_("This record already has an objection under review."),
            ),
        ]
        indexes = [
            # The escalation scan reads the pending objections by their decision due day.
            models.Index(
                fields=["decide_due", "escalation_level"],
                condition=Q(status="pending"),
                name="objection_pending_due",
            ),
        ]

    def __str__(self) -> str:
        return _("Objection to %(record)s") % {"record": self.record}

    @property
    def is_pending(self) -> bool:
        return self.status == ObjectionStatus.PENDING

    @property
    def corrections_shown(self) -> list[tuple[str, str, str]]:
        """The corrections as people read them: (the field's name, before, after)."""
        return [
            (str(DishonestyRecord._meta.get_field(name).verbose_name), before, after)
            for name, (before, after) in (self.corrections or {}).items()
        ]
