"""Complaints and tips from the public and enterprises (投诉举报): the complaint, its
complainant's contact details (kept apart, seen only by the handling office), its evidence
files and its timeline.

A complaint is filed anonymously on ``/public/complaints/new/``, routed to the credit office
of the department's region, accepted or rejected within a time limit
(``complaint_rules``), assigned, investigated and closed with an outcome. Its status moves
only through the transitions below, each called only from ``services.complaints``.

Personal data never sits on ``Complaint`` itself: the complainant's name and contact details
are a ``ComplainantContact`` row without history and without a scope lookup (no generic
list, export, admin page or API reaches it), read only through
``selectors.complaints.complainant_for``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from core.models import BaseModel, Department, Region


class ComplaintCategory(models.TextChoices):
    # 《保障中小企业款项支付条例》: late payment by an agency or public institution to an SME.
    SME_ARREARS = "sme_arrears", _("Late payment to an SME (拖欠中小企业账款)")
    BROKEN_PROMISE = "broken_promise", _("Broken promise or contract (政策承诺、合同不兑现)")
    PROCUREMENT = "procurement", _("Government procurement or bidding")
    ARBITRARY_ACTION = "arbitrary_action", _("Unlawful or arbitrary administrative action")
    INACTION = "inaction", _("Inaction or delay (不作为、慢作为)")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received, awaiting review")
    ACCEPTED = "accepted", _("Accepted for handling")
    INVESTIGATING = "investigating", _("Under investigation")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Not accepted")


# The complaint is still being dealt with (its time limits run).
OPEN_COMPLAINT_STATUSES = [
    ComplaintStatus.RECEIVED,
    ComplaintStatus.ACCEPTED,
    ComplaintStatus.INVESTIGATING,
]
# Handled: a final decision was taken (not accepted, or closed with an outcome).
HANDLED_COMPLAINT_STATUSES = [ComplaintStatus.CLOSED, ComplaintStatus.REJECTED]


class ComplaintOutcome(models.TextChoices):
    DRAFT_RECORD = "draft_record", _("A draft dishonesty record")
    RED_FLAG = "red_flag", _("A procurement red flag")
    REFERRAL = "referral", _("Referred to another authority")
    NO_FINDING = "no_finding", _("No finding")


class ComplaintEventAction(models.TextChoices):
    FILED = "filed", _("Complaint received")
    ACCEPTED = "accepted", _("Accepted for handling")
    REJECTED = "rejected", _("Not accepted")
    ASSIGNED = "assigned", _("Assigned for investigation")
    CLOSED = "closed", _("Closed with an outcome")
    OVERDUE = "overdue", _("Time limit passed")
    ESCALATED = "escalated", _("Escalated to the parent region's office")


def is_handling_office(complaint, user) -> bool:
    """The steps are the handling office's: a supervisor of the complaint's handling region
    (an administrator may act for it)."""
    from core.roles import Role

    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return True
    return user.role == Role.SUPERVISOR and user.region_id == complaint.handling_region_id


class Complaint(ConcurrentTransitionMixin, BaseModel):
    """A complaint or tip about a government department, filed by the public."""

    tracking_number = models.CharField(
        _("tracking number"), max_length=20, unique=True, editable=False
    )
    # The secret query code is shown once, to the complainant; only its hash is kept.
    query_code_hash = models.CharField(max_length=128, editable=False)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department complained about"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    # The credit office that handles it: the department's region's, or the nearest region
    # above it that has one (``notifications.supervisors_of``), fixed when it is filed.
    handling_region = models.ForeignKey(
        Region,
        verbose_name=_("handling office"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=32, choices=ComplaintCategory.choices)
    description = models.TextField(_("description"))
    # SHA-256 of the normalised description: duplicate detection (services.complaints).
    description_hash = models.CharField(max_length=64, editable=False)
    contract_reference = models.CharField(_("contract name or number"), max_length=200, blank=True)
    amount_owed = models.DecimalField(
        _("amount owed (yuan)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    payment_due_date = models.DateField(_("payment was due on"), null=True, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.RECEIVED,
        protected=True,
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    received_on = models.DateField(_("received on"))
    decision_due = models.DateField(_("accept or reject by"))
    decided_on = models.DateField(_("accepted or rejected on"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons of the decision"), blank=True)
    handling_due = models.DateField(_("handle by"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=ComplaintOutcome.choices, blank=True
    )
    outcome_reason = models.TextField(_("reasons of the outcome"), blank=True)
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    resulting_record = models.ForeignKey(
        "DishonestyRecord",
        verbose_name=_("resulting record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    # What another app made of the outcome (a red flag), in words, as its handler named it.
    outcome_reference = models.CharField(_("outcome reference"), max_length=200, blank=True)
    # Set with the final decision: both steps within their limits.
    handled_on_time = models.BooleanField(_("handled on time"), null=True, blank=True)
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

    # Officials see the complaints about departments in their region's subtree; liaisons see
    # none (a complaint may be about their own department).
    scope_region_lookup = "department__region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_at", "-pk"]
        permissions = [("export_complaint", _("Can export complaints"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""),
                name="complaint_rejection_has_reason",
                violation_error_message=_("A rejection needs its reasons."),
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (~Q(outcome="") & ~Q(outcome_reason="")),
                name="complaint_closed_has_outcome",
                violation_error_message=_("A closed complaint needs its outcome and reasons."),
            ),
        ]
        indexes = [
            # The deadline scans (complaint_deadlines): open complaints by their due dates.
            models.Index(fields=["status", "decision_due"], name="complaint_status_decision"),
            models.Index(fields=["status", "handling_due"], name="complaint_status_handling"),
            # Duplicate detection (services.complaints.complaint_file).
            models.Index(
                fields=["department", "category", "description_hash", "filed_at"],
                name="complaint_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_COMPLAINT_STATUSES

    @property
    def current_due(self):
        """The time limit now running: accept or reject, then handle."""
        if self.status == ComplaintStatus.RECEIVED:
            return self.decision_due
        if self.status in (ComplaintStatus.ACCEPTED, ComplaintStatus.INVESTIGATING):
            return self.handling_due
        return None

    # --- transitions: called only from services.complaints ----------------------------------

    @transition(
        field=status,
        source=ComplaintStatus.RECEIVED,
        target=ComplaintStatus.ACCEPTED,
        permission=is_handling_office,
    )
    def accept(self):
        pass

    @transition(
        field=status,
        source=ComplaintStatus.RECEIVED,
        target=ComplaintStatus.REJECTED,
        permission=is_handling_office,
    )
    def reject(self):
        pass

    @transition(
        field=status,
        source=[ComplaintStatus.ACCEPTED, ComplaintStatus.INVESTIGATING],
        target=ComplaintStatus.INVESTIGATING,
        permission=is_handling_office,
    )
    def assign(self):
        pass

    @transition(
        field=status,
        source=ComplaintStatus.INVESTIGATING,
        target=ComplaintStatus.CLOSED,
        permission=is_handling_office,
    )
    def close(self):
        pass


class ComplainantContact(models.Model):
    """Who filed a complaint and how to reach them, when they gave it: seen only by the
    handling office. No history (the audit trail is read by every auditor), no scope lookup
    (``scope_queryset`` returns none of it to anyone but administrators; nothing lists it)."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, related_name="contact", verbose_name=_("complaint")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    organisation = models.CharField(_("enterprise or organisation"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)

    scope_region_lookup = None
    scope_department_lookup = None

    class Meta:
        verbose_name = _("complainant's contact details")
        verbose_name_plural = _("complainants' contact details")

    def __str__(self) -> str:
        return str(_("Contact details of %(number)s") % {"number": self.complaint_id})


def complaint_upload_to(instance, filename: str) -> str:
    import uuid
    from pathlib import Path

    from django.utils import timezone

    # A random name: the complainant's file name may identify them.
    suffix = Path(filename).suffix.lower()
    return f"complaints/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ComplaintAttachment(models.Model):
    """An evidence file of a complaint (content-checked, ``core.uploads``). It may identify the
    complainant (a contract names the enterprise), so only the handling office opens it."""

    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("complaint"),
    )
    file = models.FileField(_("file"), upload_to=complaint_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_region_lookup = None
    scope_department_lookup = None

    class Meta:
        verbose_name = _("complaint evidence file")
        verbose_name_plural = _("complaint evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ComplaintEvent(models.Model):
    """One step on a complaint's timeline: who (never shown to the public), when, from, to,
    and the note the step was taken with."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint")
    )
    action = models.CharField(_("action"), max_length=20, choices=ComplaintEventAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(
        _("from"), max_length=20, choices=ComplaintStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=20, choices=ComplaintStatus.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)

    scope_region_lookup = "complaint__department__region"
    scope_department_lookup = None

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.complaint_id} · {self.get_action_display()}"
