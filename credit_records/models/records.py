"""Government dishonesty records (政务失信记录): their categories, severities, statuses and the
workflow transitions, declared on the model and taken only through the services."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Department
from core.search import name_indexes

from .officials import PublicOfficial


class RecordCategory(models.TextChoices):
    COURT_JUDGMENT = "court_judgment", _("Court judgment")
    ADMINISTRATIVE_PENALTY = "administrative_penalty", _("Administrative penalty")
    DISCIPLINARY_SANCTION = "disciplinary_sanction", _("Disciplinary sanction (处分)")
    ACCOUNTABILITY = "accountability", _("Accountability (问责)")
    DISHONEST_DEBTOR = "dishonest_debtor", _("Listed as dishonest judgment debtor (失信被执行人)")
    BROKEN_COMMITMENT = "broken_commitment", _("Broken commitment or contract")
    PROCUREMENT_VIOLATION = "procurement_violation", _("Procurement violation")
    DEBT_DEFAULT = "debt_default", _("Debt default")
    SME_ARREARS = "sme_arrears", _("Arrears to SMEs")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")


class RecordSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Spreadsheet import")
    API = "api", _("Credit platform API")
    PROCUREMENT = "procurement", _("Procurement oversight")
    DEBT = "debt", _("Debt oversight")
    INTAKE = "intake", _("Intake from another system")


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    RECTIFICATION_REQUIRED = "rectification_required", _("Rectification required")
    IN_PROGRESS = "in_progress", _("Rectification in progress")
    REPORT_SUBMITTED = "report_submitted", _("Report submitted")
    VERIFIED = "verified", _("Rectification verified")
    CLOSED = "closed", _("Closed")
    EXEMPTED = "exempted", _("Exempted (fault tolerance)")
    WITHDRAWN = "withdrawn", _("Withdrawn (objection upheld)")


# States in which a record counts against its department (confirmed and not exempted).
COUNTING_STATUSES = [
    RecordStatus.CONFIRMED,
    RecordStatus.RECTIFICATION_REQUIRED,
    RecordStatus.IN_PROGRESS,
    RecordStatus.REPORT_SUBMITTED,
    RecordStatus.VERIFIED,
    RecordStatus.CLOSED,
]


OPEN_STATUSES = COUNTING_STATUSES[:-1]


RECTIFYING_STATUSES = [
    RecordStatus.RECTIFICATION_REQUIRED,
    RecordStatus.IN_PROGRESS,
    RecordStatus.REPORT_SUBMITTED,
]


def is_supervisor(record, user) -> bool:
    from core.roles import Role

    return user.is_superuser or user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR)


def is_liaison_of(record, user) -> bool:
    from core.roles import Role

    return user.role == Role.LIAISON and user.department_id == record.department_id


TWO_DAYS = datetime.timedelta(days=2)


class DishonestyRecord(ConcurrentTransitionMixin, BaseModel):
    """A government dishonesty record (政务失信记录) against a department.

    Its status moves only through the transitions below, each called only from
    ``services``; the transitions' ``permission`` says which role may take it, and the
    service adds scope, locking and the timeline entry.
    """

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    officials = models.ManyToManyField(
        PublicOfficial,
        verbose_name=_("responsible officials"),
        blank=True,
        related_name="records",
    )
    category = models.CharField(_("category"), max_length=32, choices=RecordCategory.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    decision_number = models.CharField(
        _("decision document number"),
        max_length=100,
        help_text=_("For example 苏财罚〔2026〕12号."),
    )
    issuing_authority = models.CharField(_("issuing authority"), max_length=200)
    decision_date = models.DateField(_("decision date"))
    facts = models.TextField(_("facts"))
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Never shown on public pages.")
    )
    source = models.CharField(
        _("source"), max_length=20, choices=RecordSource.choices, default=RecordSource.MANUAL
    )
    status = FSMField(
        _("status"),
        max_length=32,
        choices=RecordStatus.choices,
        default=RecordStatus.DRAFT,
        protected=True,
    )
    disclose = models.BooleanField(
        _("publish on the disclosure pages"),
        default=True,
        help_text=_(
            "Minor records are normally not published; general and serious ones are, "
            "within their disclosure window."
        ),
    )
    # Disclosure window from severity and decision date (BRIEF: credit repair measures).
    minimum_period_ends = models.DateField(
        _("minimum disclosure period ends"),
        help_text=_("Credit repair may be applied for from this day."),
    )
    disclosure_ends = models.DateField(
        _("disclosure ends"),
        help_text=_("The record leaves public disclosure on this day at the latest."),
    )
    disclosure_ended_early_on = models.DateField(
        _("disclosure ended early on"),
        null=True,
        blank=True,
        help_text=_("Set when a credit repair is approved."),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Set by the escalation ladder's last step: honours stay restricted longer after closing.
    honours_extended = models.BooleanField(_("honours restriction extended"), default=False)
    # Set by the disclosure scan the day the record leaves public disclosure (audit entry).
    disclosure_expired_on = models.DateField(_("left disclosure on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[officials])

    scope_region_lookup = "department__region"
    scope_department_lookup = "department"

    class Meta:
        verbose_name = _("dishonesty record")
        verbose_name_plural = _("dishonesty records")
        ordering = ["-decision_date", "-pk"]
        permissions = [
            ("import_dishonestyrecord", _("Can import dishonesty records")),
            ("export_dishonestyrecord", _("Can export dishonesty records")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "decision_number"],
                name="record_unique_decision_per_department",
                violation_error_message=_(
                    "This department already has a record with this decision number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(minimum_period_ends__gte=models.F("decision_date"))
                & Q(disclosure_ends__gte=models.F("minimum_period_ends")),
                name="record_disclosure_window_ordered",
                violation_error_message=_(
                    "The disclosure periods run from the decision date, and disclosure ends no "
                    "earlier than the minimum period."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("decision_date")))
                & (
                    Q(disclosure_ended_early_on__isnull=True)
                    | Q(disclosure_ended_early_on__gte=models.F("decision_date"))
                ),
                name="record_dates_after_decision",
                violation_error_message=_(
                    "A record cannot be closed or leave disclosure before its decision date."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "decision_date"], name="record_status_date"),
            models.Index(fields=["department", "status"], name="record_department_status"),
            models.Index(fields=["category", "severity"], name="record_category_severity"),
            models.Index(fields=["disclosure_ends"], name="record_disclosure_ends"),
            # The workspace list's and the API's default order (Meta.ordering): the first page
            # reads 25 index entries instead of sorting every record in scope.
            models.Index(fields=["-decision_date", "-id"], name="record_list_order"),
            # The same order within a department: a county's list (its departments named by
            # core.scope) and a department's profile read each department's newest records
            # from the index instead of fetching all of them to sort.
            models.Index(
                fields=["department", "-decision_date", "-id"], name="record_department_order"
            ),
            # The public pages (selectors.published_records): partial indexes over the records
            # that may be published at all, with exactly the selector's day-independent
            # conditions, so PostgreSQL knows it may use them. Each serves one filter in the
            # list's order, (decision_date, id) descending, which keyset pagination seeks in;
            # disclosure_ends comes last so that counting needs no table reads (a key column,
            # not INCLUDE, which SQLite does not support).
            models.Index(
                fields=["decision_date", "id", "disclosure_ends"],
                condition=Q(
                    status__in=COUNTING_STATUSES,
                    disclose=True,
                    disclosure_ended_early_on__isnull=True,
                ),
                name="record_public_date",
            ),
            models.Index(
                fields=["department", "decision_date", "id", "disclosure_ends"],
                condition=Q(
                    status__in=COUNTING_STATUSES,
                    disclose=True,
                    disclosure_ended_early_on__isnull=True,
                ),
                name="record_public_department",
            ),
            models.Index(
                fields=["category", "decision_date", "id", "disclosure_ends"],
                condition=Q(
                    status__in=COUNTING_STATUSES,
                    disclose=True,
                    disclosure_ended_early_on__isnull=True,
                ),
                name="record_public_category",
            ),
            models.Index(
                fields=["severity", "decision_date", "id", "disclosure_ends"],
                condition=Q(
                    status__in=COUNTING_STATUSES,
                    disclose=True,
                    disclosure_ended_early_on__isnull=True,
                ),
                name="record_public_severity",
            ),
            # The workspace's and the API's search by any part of the decision number
            # (core/search.py; PostgreSQL only, built concurrently).
            *name_indexes("record_decision_number", "decision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} · {self.department.name}" if self.department_id else ""

    def clean(self) -> None:
        from django.utils import timezone

        # Finding today's date in the active time zone costs more than the rest of a record's
        # validation (a spreadsheet import runs this 10,000 times); no time zone's date is more
        # than two days from the server's own, so an older decision is never in the future.
        if (
            self.decision_date
            and self.decision_date > datetime.date.today() - TWO_DAYS
            and self.decision_date > timezone.localdate()
        ):
            raise ValidationError(
                {"decision_date": _("The decision date cannot be in the future.")}
            )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # --- transitions: called only from services ---------------------------------------------

    @transition(
        field=status,
        source=RecordStatus.DRAFT,
        target=RecordStatus.CONFIRMED,
        permission=is_supervisor,
        custom={"label": _("Confirm")},
    )
    def confirm(self):
        pass

    @transition(
        field=status,
        source=RecordStatus.CONFIRMED,
        target=RecordStatus.RECTIFICATION_REQUIRED,
        permission=is_supervisor,
        custom={"label": _("Require rectification")},
    )
    def require_rectification(self):
        pass

    @transition(
        field=status,
        source=RecordStatus.RECTIFICATION_REQUIRED,
        target=RecordStatus.IN_PROGRESS,
        permission=is_liaison_of,
        custom={"label": _("Submit the written explanation")},
    )
    def submit_explanation(self):
        pass

    @transition(
        field=status,
        source=RecordStatus.IN_PROGRESS,
        target=RecordStatus.REPORT_SUBMITTED,
        permission=is_liaison_of,
        custom={"label": _("Submit a rectification report")},
    )
    def submit_report(self):
        pass

    @transition(
        field=status,
        source=RecordStatus.REPORT_SUBMITTED,
        target=RecordStatus.VERIFIED,
        permission=is_supervisor,
        custom={"label": _("Verify the rectification")},
    )
    def verify(self):
        pass

    @transition(
        field=status,
        source=RecordStatus.REPORT_SUBMITTED,
        target=RecordStatus.IN_PROGRESS,
        permission=is_supervisor,
        custom={"label": _("Return the report")},
    )
    def return_report(self):
        pass

    @transition(
        field=status,
        source=[RecordStatus.CONFIRMED, RecordStatus.VERIFIED],
        target=RecordStatus.CLOSED,
        permission=is_supervisor,
        custom={"label": _("Close")},
    )
    def close(self):
        pass

    @transition(
        field=status,
        source=[RecordStatus.CONFIRMED, RecordStatus.RECTIFICATION_REQUIRED],
        target=RecordStatus.EXEMPTED,
        permission=is_supervisor,
        custom={"label": _("Exempt")},
    )
    def exempt(self):
        pass

    @transition(
        field=status,
        source=COUNTING_STATUSES,
        target=RecordStatus.WITHDRAWN,
        permission=is_supervisor,
        custom={"label": _("Withdraw the record")},
    )
    def withdraw(self):
        """An objection upheld: the record was wrong. Kept for audit, it no longer counts."""
