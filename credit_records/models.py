"""Credit files: public officials, dishonesty records and what follows them (timeline,
evidence, rectification, fault tolerance, commendations, commitments, credit repair,
accountability)."""

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Department, Region
from core.validators import validate_not_resident_id


class PublicOfficial(BaseModel):
    """A civil servant (公职人员) whose credit file the portal keeps.

    Identified by the employee number their department assigns, never by a national ID.
    """

    name = models.CharField(_("name"), max_length=50)
    employee_number = models.CharField(
        _("employee number"),
        max_length=32,
        help_text=_("The department's staff number. Never enter a national ID number."),
        validators=[validate_not_resident_id],
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="officials",
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    scope_region_lookup = "department__region"
    scope_department_lookup = "department"

    class Meta:
        verbose_name = _("public official")
        verbose_name_plural = _("public officials")
        ordering = ["department__name", "name"]
        permissions = [
            ("import_publicofficial", _("Can import public officials")),
            ("export_publicofficial", _("Can export public officials")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "employee_number"],
                name="official_unique_employee_number",
                violation_error_message=_("This department already has this employee number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.department.name}）" if self.department_id else self.name


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


class RecordStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    RECTIFICATION_REQUIRED = "rectification_required", _("Rectification required")
    IN_PROGRESS = "in_progress", _("Rectification in progress")
    REPORT_SUBMITTED = "report_submitted", _("Report submitted")
    VERIFIED = "verified", _("Rectification verified")
    CLOSED = "closed", _("Closed")
    EXEMPTED = "exempted", _("Exempted (fault tolerance)")


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


def _is_supervisor(record, user) -> bool:
    from core.roles import Role

    return user.is_superuser or user.role in (Role.SUPERVISOR, Role.ADMINISTRATOR)


def _is_liaison_of(record, user) -> bool:
    from core.roles import Role

    return user.role == Role.LIAISON and user.department_id == record.department_id


def _is_liaison_or_supervisor(record, user) -> bool:
    return _is_liaison_of(record, user) or _is_supervisor(record, user)


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
        permission=_is_supervisor,
        custom={"label": _("Confirm"), "slug": "confirm"},
    )
    def confirm(self):
        pass

    @transition(
        field=status,
        source=RecordStatus.CONFIRMED,
        target=RecordStatus.RECTIFICATION_REQUIRED,
        permission=_is_supervisor,
        custom={"label": _("Require rectification"), "slug": "require-rectification"},
    )
    def require_rectification(self):
        pass

    @transition(
        field=status,
        source=RecordStatus.RECTIFICATION_REQUIRED,
        target=RecordStatus.IN_PROGRESS,
        permission=_is_liaison_of,
        custom={"label": _("Submit the written explanation"), "slug": "submit-explanation"},
    )
    def submit_explanation(self):
        pass

    @transition(
        field=status,
        source=RecordStatus.IN_PROGRESS,
        target=RecordStatus.REPORT_SUBMITTED,
        permission=_is_liaison_of,
        custom={"label": _("Submit a rectification report"), "slug": "submit-report"},
    )
    def submit_report(self):
        pass

    @transition(
        field=status,
        source=RecordStatus.REPORT_SUBMITTED,
        target=RecordStatus.VERIFIED,
        permission=_is_supervisor,
        custom={"label": _("Verify the rectification"), "slug": "verify"},
    )
    def verify(self):
        pass

    @transition(
        field=status,
        source=RecordStatus.REPORT_SUBMITTED,
        target=RecordStatus.IN_PROGRESS,
        permission=_is_supervisor,
        custom={"label": _("Return the report"), "slug": "return"},
    )
    def return_report(self):
        pass

    @transition(
        field=status,
        source=[RecordStatus.CONFIRMED, RecordStatus.VERIFIED],
        target=RecordStatus.CLOSED,
        permission=_is_supervisor,
        custom={"label": _("Close"), "slug": "close"},
    )
    def close(self):
        pass

    @transition(
        field=status,
        source=[RecordStatus.CONFIRMED, RecordStatus.RECTIFICATION_REQUIRED],
        target=RecordStatus.EXEMPTED,
        permission=_is_supervisor,
        custom={"label": _("Exempt"), "slug": "exempt"},
    )
    def exempt(self):
        pass


class RecordEventAction(models.TextChoices):
    CREATED = "created", _("Record created")
    UPDATED = "updated", _("Record edited")
    CONFIRM = "confirm", _("Confirmed")
    REQUIRE_RECTIFICATION = "require_rectification", _("Rectification required")
    SUBMIT_EXPLANATION = "submit_explanation", _("Written explanation submitted")
    SUBMIT_REPORT = "submit_report", _("Rectification report submitted")
    VERIFY = "verify", _("Rectification verified")
    RETURN_REPORT = "return_report", _("Report returned")
    CLOSE = "close", _("Closed")
    EXEMPT = "exempt", _("Exempted after fault-tolerance review")
    EXTEND_DEADLINE = "extend_deadline", _("Deadline extended")
    CLAIM_FILED = "claim_filed", _("Fault-tolerance claim filed")
    CLAIM_REJECTED = "claim_rejected", _("Fault-tolerance claim rejected")
    REPAIR_APPLIED = "repair_applied", _("Credit repair applied for")
    REPAIR_APPROVED = "repair_approved", _("Credit repair approved")
    REPAIR_REJECTED = "repair_rejected", _("Credit repair rejected")
    ATTACHMENT_ADDED = "attachment_added", _("Evidence attached")
    OVERDUE = "overdue", _("Rectification overdue")
    ESCALATED = "escalated", _("Escalated to the parent region's credit office")
    ACCOUNTABILITY_PROPOSED = "accountability_proposed", _("Accountability proposed")
    DISCLOSURE_EXPIRED = "disclosure_expired", _("Left public disclosure (period ended)")


class RecordEvent(BaseModel):
    """One step in a record's timeline: who did what, when, from which state to which, why."""

    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=40, choices=RecordEventAction.choices)
    from_status = models.CharField(
        _("from status"), max_length=32, choices=RecordStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=32, choices=RecordStatus.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    # A step the system took gives one of its own sentences as the reason: kept as a code and
    # parameters, worded in the reader's language when shown (see event_reasons).
    reason_code = models.CharField(_("reason code"), max_length=40, blank=True)
    reason_params = models.JSONField(_("reason parameters"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    scope_region_lookup = "record__department__region"
    scope_department_lookup = "record__department"

    class Meta:
        verbose_name = _("record event")
        verbose_name_plural = _("record events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.action}"

    @property
    def display_reason(self) -> str:
        """The reason in the reader's language where the system gave it, else as written."""
        from .event_reasons import display

        return display(self)


def evidence_upload_to(instance, filename: str) -> str:
    from django.utils import timezone

    suffix = Path(filename).suffix.lower()
    return f"evidence/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(BaseModel):
    """Evidence uploaded to a record, a rectification report, a fault-tolerance claim or a
    commitment. Stored under MEDIA_ROOT and served only through a scoped, signed-in view."""

    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    report = models.ForeignKey(
        "RectificationReport",
        verbose_name=_("rectification report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    claim = models.ForeignKey(
        "FaultToleranceClaim",
        verbose_name=_("fault-tolerance claim"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    commitment = models.ForeignKey(
        "Commitment",
        verbose_name=_("commitment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    # The department the evidence concerns, copied from its owner so scoping is one join.
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_region_lookup = "department__region"
    scope_department_lookup = "department"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(record__isnull=False)
                | Q(report__isnull=False)
                | Q(claim__isnull=False)
                | Q(commitment__isnull=False),
                name="attachment_has_owner",
                violation_error_message=_(
                    "An attachment belongs to a record, a report, a claim or a commitment."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


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


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class FaultToleranceClaim(BaseModel):
    """A claim for fault tolerance and correction (容错纠错). Approved, it keeps the record
    out of the credit file and public disclosure, but the record stays for audit."""

    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="fault_tolerance_claims",
    )
    grounds = models.TextField(_("grounds"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("review reasons"), blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "record__department__region"
    scope_department_lookup = "record__department"

    class Meta:
        verbose_name = _("fault-tolerance claim")
        verbose_name_plural = _("fault-tolerance claims")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(status="pending"),
                name="claim_one_pending_per_record",
                violation_error_message=_("This record already has a claim awaiting review."),
            ),
        ]

    def __str__(self) -> str:
        return _("Fault-tolerance claim on %(record)s") % {"record": self.record}


class CommendationLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    # A level of honour (市级, 县级), not the region level of the same name (市, 县（区）).
    CITY = "city", pgettext_lazy("commendation level", "City")
    COUNTY = "county", pgettext_lazy("commendation level", "County")


class Commendation(BaseModel):
    """An honour that rewards trustworthiness (守信激励), for a department or an official."""

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


class CreditRepairApplication(BaseModel):
    """An application for credit repair (信用修复) of a rectified record. Approval ends its
    public disclosure early."""

    record = models.ForeignKey(
        DishonestyRecord,
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="repair_applications",
    )
    commitment_text = models.TextField(
        _("credit commitment"),
        help_text=_("The department's written credit commitment (信用承诺)."),
    )
    statement = models.TextField(_("statement of correction"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    review_due = models.DateField(_("review due"), db_index=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reasons"), blank=True)

    history = HistoricalRecords()

    scope_region_lookup = "record__department__region"
    scope_department_lookup = "record__department"

    class Meta:
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(status="pending"),
                name="repair_one_pending_per_record",
                violation_error_message=_("This record already has an application under review."),
            ),
        ]

    def __str__(self) -> str:
        return _("Credit repair of %(record)s") % {"record": self.record}


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
