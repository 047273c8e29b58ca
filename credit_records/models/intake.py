"""Intake of records from other systems (常态化归集): the configured sources, the staging queue
every incoming item lands in first, and the court enforcement cases (府院联动) that court
notices open.

A source is pulled over HTTP on the beat schedule (incrementally, by its cursor and ETag) or
only receives pushes on the API. Every item, pulled, pushed or imported from a file, becomes
an ``IntakeItem``: matched to a department by its credit code, never doubled (one row per
source and document number), then accepted into a draft record or rejected by an official.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Department, Region

from .records import DishonestyRecord


class IntakeKind(models.TextChoices):
    PENALTY = "penalty", _("Administrative penalty (双公示)")
    COURT_CASE = "court_case", _("Court enforcement notice (府院联动)")
    TRADING = "trading", _("Public-resource trading credit information")


class IntakeFormat(models.TextChoices):
    JSON = "json", _("JSON")
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("XLSX")


class IntakeSource(BaseModel):
    """A system records come from: the provincial credit platform, a court, the trading
    platform … Pulled over HTTP when it has an endpoint, else push-only."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(
        _("code"),
        max_length=50,
        unique=True,
        help_text=_("Named in pushes (the ``source`` key) and in file imports."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IntakeKind.choices)
    data_format = models.CharField(
        _("format"), max_length=10, choices=IntakeFormat.choices, default=IntakeFormat.JSON
    )
    endpoint_url = models.URLField(
        _("endpoint"),
        blank=True,
        help_text=_("Pulled on the schedule; leave empty for a source that only pushes."),
    )
    pull_interval_minutes = models.PositiveIntegerField(_("pull every (minutes)"), default=60)
    region = models.ForeignKey(
        Region,
        verbose_name=_("handling office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "The credit office that matches this source's unmatched items by hand; "
            "empty: the province's."
        ),
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pushing account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The platform account (intake role) allowed to push to this source."),
    )
    auto_accept = models.BooleanField(
        _("accept automatically"),
        default=False,
        help_text=_("Matched items become draft records without an official's decision."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The pull's incremental state: written only by a conditional update that names the
    # cursor the pull started from, so of two pulls racing only one moves it.
    cursor = models.CharField(_("cursor"), max_length=200, blank=True)
    etag = models.CharField(_("ETag"), max_length=200, blank=True)
    last_pulled_at = models.DateTimeField(_("last pulled at"), null=True, blank=True)
    # Read by the beat's pull scan (tasks.pull_intake_sources): the sources due now.
    next_pull_at = models.DateTimeField(_("next pull at"), null=True, blank=True, db_index=True)
    last_error = models.TextField(_("last error"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("intake source")
        verbose_name_plural = _("intake sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def pulls(self) -> bool:
        return bool(self.endpoint_url)


class IntakeStatus(models.TextChoices):
    STAGED = "staged", _("Waiting for a decision")
    UNMATCHED = "unmatched", _("Unmatched")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


OPEN_INTAKE_STATUSES = [IntakeStatus.STAGED, IntakeStatus.UNMATCHED]


class IntakeItem(BaseModel):
    """One incoming item, kept as it arrived (``payload``) for audit, with what it became."""

    source = models.ForeignKey(
        IntakeSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="items"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IntakeKind.choices)
    document_number = models.CharField(_("document number"), max_length=100)
    subject_name = models.CharField(_("subject"), max_length=200)
    subject_uscc = models.CharField(_("credit code as received"), max_length=40, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intake_items",
    )
    # Where the item is handled: the department's region once matched, else the source's
    # handling office (the scope of who sees an unmatched item).
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=IntakeStatus.choices, db_index=True
    )
    problem = models.CharField(_("why unmatched"), max_length=300, blank=True)
    payload = models.JSONField(_("payload as received"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons"), blank=True)
    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intake_items",
    )
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "region"
    scope_department_lookup = "department"

    class Meta:
        verbose_name = _("intake item")
        verbose_name_plural = _("intake items")
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("import_intakeitem", _("Can import intake items")),
            ("export_intakeitem", _("Can export intake items")),
        ]
        constraints = [
            # A repeat of an item (a second pull, a resent push, two pulls racing) is
            # reported as a duplicate and never doubled.
            models.UniqueConstraint(
                fields=["source", "document_number"],
                name="intake_item_once_per_source",
                violation_error_message=_("This source has sent this document already."),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""),
                name="intake_rejection_has_reason",
                violation_error_message=_("A rejection needs its reasons."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} · {self.subject_name}"


class CourtCaseStatus(models.TextChoices):
    WARNING = "warning", _("Pre-listing warning")
    SETTLED = "settled", _("Settled in time")
    LISTED = "listed", _("Listed as dishonest judgment debtor")
    DELISTED = "delisted", _("Delisted")


OPEN_COURT_CASE_STATUSES = [CourtCaseStatus.WARNING, CourtCaseStatus.LISTED]


class CourtCase(BaseModel):
    """A court enforcement case against a government body (府院联动): opened by the court's
    notice that the body is about to be listed as a dishonest judgment debtor, closed when it
    settles in time (with the evidence) or, once listed, when it is delisted. The aim is that
    no case stays open (动态清零)."""

    case_number = models.CharField(_("enforcement case number"), max_length=100, unique=True)
    court = models.CharField(_("court"), max_length=200)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="court_cases",
    )
    creditor = models.CharField(_("applicant for enforcement"), max_length=200, blank=True)
    amount = models.DecimalField(
        _("amount owed (yuan)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    notice_date = models.DateField(_("notice date"))
    # Read by the deadline engine's reminders (deadline source "court_case_settlement").
    settle_by = models.DateField(_("settle by"), db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CourtCaseStatus.choices,
        default=CourtCaseStatus.WARNING,
        db_index=True,
    )
    settled_on = models.DateField(_("settled on"), null=True, blank=True)
    settlement_evidence = models.TextField(_("evidence of settlement"), blank=True)
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    delisted_on = models.DateField(_("delisted on"), null=True, blank=True)
    delisting_note = models.TextField(_("delisting"), blank=True)
    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="court_cases",
    )

    history = HistoricalRecords()

    scope_region_lookup = "department__region"
    scope_department_lookup = "department"

    class Meta:
        verbose_name = _("court enforcement case")
        verbose_name_plural = _("court enforcement cases")
        ordering = ["settle_by", "pk"]
        permissions = [("export_courtcase", _("Can export court enforcement cases"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="settled") | ~Q(settlement_evidence=""),
                name="court_case_settlement_has_evidence",
                violation_error_message=_("A settlement needs its evidence."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} · {self.department.name}" if self.department_id else ""
