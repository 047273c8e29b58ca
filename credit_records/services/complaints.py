"""Complaints and tips from the public (投诉举报): filing (anonymous, with the abuse checks that
belong to the data: files, duplicates), then the handling office's steps — accept or reject
within the time limit, assign, close with an outcome and its reasons.

Every write goes through a function here: keyword-only arguments, the acting user as
``actor`` (``None`` for the anonymous complainant and trusted system calls), one transaction,
the complaint's timeline and history written with it. Notifications name the complaint by its
tracking number and department, never its complainant.
"""

import hashlib
import re
import secrets
import unicodedata
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from core.exceptions import WorkflowConflict
from core.models import Department, NotificationKind, Region, User
from core.notifications import email_people, notify_translated, supervisors_of
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history
from core.uploads import validate_attachment
from credit_records import complaint_rules
from credit_records.complaint_outcomes import outcome_handler
from credit_records.models import (
    ComplainantContact,
    Complaint,
    ComplaintAttachment,
    ComplaintCategory,
    ComplaintEvent,
    ComplaintEventAction,
    ComplaintOutcome,
    RecordCategory,
)

# Tracking numbers and query codes avoid characters read alike (0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 12
DESCRIPTION_MIN_LENGTH = 10

# The record category a complaint's draft record takes by default.
RECORD_CATEGORY_OF = {
    ComplaintCategory.SME_ARREARS: RecordCategory.SME_ARREARS,
    ComplaintCategory.BROKEN_PROMISE: RecordCategory.BROKEN_COMMITMENT,
    ComplaintCategory.PROCUREMENT: RecordCategory.PROCUREMENT_VIOLATION,
}


# --- Codes and normalisation ------------------------------------------------------------------


def _random(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_tracking_number(day) -> str:
    """``TS`` + the day received + six random characters: TS20260315K7Q9XA."""
    return f"TS{day:%Y%m%d}{_random(6)}"


def new_query_code() -> str:
    """The secret the complainant keeps, shown once as ABCD-EFGH-JKMN (about 59 bits)."""
    code = _random(QUERY_CODE_LENGTH)
    return "-".join(code[i : i + 4] for i in range(0, QUERY_CODE_LENGTH, 4))


def normalise_query_code(code: str) -> str:
    """What the complainant types, without spaces, dashes or case: ``abcd efgh-jkmn``."""
    return re.sub(r"[\s\-－—]", "", unicodedata.normalize("NFKC", code or "")).upper()


def normalise_tracking_number(number: str) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", number or "")).upper()


def description_digest(description: str) -> str:
    """The description as duplicate detection compares it: full-width folded to half-width
    (NFKC), case folded, and every space and punctuation mark dropped, so that re-sending the
    same text with other spacing or punctuation is still the same complaint."""
    text = unicodedata.normalize("NFKC", description or "").casefold()
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] in ("L", "N"))
    return hashlib.sha256(kept.encode("utf-8")).hexdigest()


def handling_region_for(department: Department) -> Region:
    """The credit office that handles complaints about ``department``: its region's, or the
    nearest region above that has supervisors (as ``notifications.supervisors_of`` finds);
    the department's own region when none has any yet."""
    offices = supervisors_of(department.region)
    return offices[0].region if offices else department.region


# --- Filing -----------------------------------------------------------------------------------


def _contact_fields(contact: dict | None) -> dict:
    fields = ("name", "organisation", "phone", "email")
    return {name: ((contact or {}).get(name) or "").strip() for name in fields}


def _check_files(files) -> list[tuple]:
    files = list(files or [])
    limit = settings.CHENGXIN_COMPLAINT_MAX_FILES
    if len(files) > limit:
        raise ValidationError(
            {"files": _("At most %(limit)d evidence files may be attached.") % {"limit": limit}}
        )
    checked, problems = [], []
    for uploaded in files:
        try:
            checked.append((uploaded, validate_attachment(uploaded)))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"files": problems})
    return checked


def _check_sme_fields(category, contract_reference, amount_owed) -> None:
    if category != ComplaintCategory.SME_ARREARS:
        return
    errors = {}
    if not contract_reference:
        errors["contract_reference"] = _(
            "Name the contract (its name or number) for a complaint of late payment."
        )
    if amount_owed is None:
        errors["amount_owed"] = _("Give the amount owed for a complaint of late payment.")
    if errors:
        raise ValidationError(errors)


def find_duplicate(*, department, category: str, digest: str, now=None) -> Complaint | None:
    """A complaint about the same department, of the same category, with the same normalised
    description, filed within ``CHENGXIN_COMPLAINT_DUPLICATE_DAYS``."""
    now = now or timezone.now()
    since = now - timezone.timedelta(days=settings.CHENGXIN_COMPLAINT_DUPLICATE_DAYS)
    return (
        Complaint.objects.filter(
            department=department,
            category=category,
            description_hash=digest,
            filed_at__gte=since,
        )
        .order_by("filed_at")
        .first()
    )


@transaction.atomic
def complaint_file(
    *,
    department: Department,
    category: str,
    description: str,
    contract_reference: str = "",
    amount_owed: Decimal | None = None,
    payment_due_date=None,
    contact: dict | None = None,
    files=(),
) -> tuple[Complaint, str]:
    """File a complaint from the public; returns it and its secret query code (shown once).

    A duplicate — the same department, category and normalised description within
    ``CHENGXIN_COMPLAINT_DUPLICATE_DAYS`` — is refused (not linked): the first complaint is
    already being handled, and its tracking number belongs to whoever filed it. Every file is
    checked before anything is stored; any problem changes nothing."""
    description = (description or "").strip()
    contract_reference = (contract_reference or "").strip()
    if category not in ComplaintCategory.values:
        raise ValidationError({"category": _("Choose a category.")})
    if len(description) < DESCRIPTION_MIN_LENGTH:
        raise ValidationError(
            {
                "description": _("Describe what happened in at least %(count)d characters.")
                % {"count": DESCRIPTION_MIN_LENGTH}
            }
        )
    if amount_owed is not None and amount_owed <= 0:
        raise ValidationError({"amount_owed": _("The amount owed must be more than zero.")})
    _check_sme_fields(category, contract_reference, amount_owed)
    if not department.active:
        raise ValidationError(
            {"department": _("This department no longer exists; choose its successor.")}
        )
    checked = _check_files(files)
    digest = description_digest(description)
    # Serialise filings about one department: two identical submissions at once must not both
    # pass the duplicate check.
    list(Department.objects.select_for_update().filter(pk=department.pk).values_list("pk"))
    if find_duplicate(department=department, category=category, digest=digest):
        raise ValidationError(
            {
                "description": _(
                    "The same complaint about this department was received recently and is "
                    "being handled. If you filed it, follow it on the status page with its "
                    "tracking number and query code."
                )
            },
            code="duplicate",
        )
    now = timezone.now()
    received_on = timezone.localdate(now)
    code = new_query_code()
    contact_fields = _contact_fields(contact)
    complaint = Complaint(
        department=department,
        handling_region=handling_region_for(department),
        category=category,
        description=description,
        description_hash=digest,
        contract_reference=contract_reference,
        amount_owed=amount_owed,
        payment_due_date=payment_due_date,
        anonymous=not any(contact_fields.values()),
        query_code_hash=make_password(normalise_query_code(code)),
        received_on=received_on,
        decision_due=complaint_rules.decision_due(category, received_on),
    )
    for _attempt in range(5):
        complaint.tracking_number = new_tracking_number(received_on)
        try:
            with transaction.atomic():
                save_with_history(
                    complaint, actor=None, reason=str(ComplaintEventAction.FILED.label)
                )
            break
        except IntegrityError:  # the random part met an existing number: draw again
            complaint.pk = None
    else:  # pragma: no cover - 31**6 numbers a day
        raise WorkflowConflict(_("Please send the complaint again."))
    if not complaint.anonymous:
        ComplainantContact.objects.create(complaint=complaint, **contact_fields)
    for uploaded, content_type in checked:
        ComplaintAttachment.objects.create(
            complaint=complaint,
            file=uploaded,
            original_name=Path(uploaded.name).name[:255],
            content_type=content_type,
            size=uploaded.size,
        )
    _event(complaint, ComplaintEventAction.FILED, actor=None, to_status=complaint.status)
    _tell_office(
        complaint,
        complaint.handling_region,
        kind=NotificationKind.WORKFLOW,
        title=lambda: _("New complaint %(number)s about %(department)s"),
        message=lambda: (
            _("Accept or reject it by %(date)s.") % {"date": complaint.decision_due.isoformat()}
        ),
    )
    return complaint, code


# --- The handling office's steps --------------------------------------------------------------


def _event(complaint, action, *, actor, note="", from_status="", to_status="") -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        action=action,
        actor=actor,
        note=note,
        from_status=from_status,
        to_status=to_status,
    )


def complaint_url(complaint) -> str:
    return reverse("workspace:complaint_detail", args=[complaint.pk])


def _tell_office(complaint, region, *, kind, title, message=None, extra=()) -> None:
    """Tell a region's credit office (and ``extra`` users) about a complaint, each in their
    own language: the tracking number and department, nothing about the complainant."""
    recipients = [*supervisors_of(region), *extra]

    def describe():
        return (
            title()
            % {"number": complaint.tracking_number, "department": complaint.department.name},
            message() if message else "",
        )

    notify_translated(
        recipients, kind=kind, describe=describe, url=complaint_url(complaint), target=complaint
    )


def _tell_complainant(complaint) -> None:
    """An email to the complainant who left an address: the new status only (the details
    are on the status page, behind the query code)."""
    contact = ComplainantContact.objects.filter(complaint=complaint).first()
    if contact is None or not contact.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        email_people(
            [contact.email],
            subject=_("[Chengxin] Complaint %(number)s: %(status)s")
            % {"number": complaint.tracking_number, "status": complaint.get_status_display()},
            body=_(
                "Your complaint %(number)s is now “%(status)s”. Read the details on the status "
                "page with your tracking number and query code: %(url)s\n"
            )
            % {
                "number": complaint.tracking_number,
                "status": complaint.get_status_display(),
                "url": settings.CHENGXIN_BASE_URL.rstrip("/") + reverse("public:complaint_status"),
            },
        )


def _locked(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update()
        .select_related("department", "handling_region")
        .get(pk=complaint.pk)
    )


def _check_actor(actor, complaint) -> None:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Complaint, complaint.pk)


def _step(complaint, method_name: str, *, actor, action, note: str = "") -> str:
    """Check and take one transition on a locked complaint; returns the previous status."""
    method = getattr(complaint, method_name)
    if not can_proceed(method):
        raise WorkflowConflict(
            _("This complaint is “%(status)s”: “%(action)s” is not possible now.")
            % {"status": complaint.get_status_display(), "action": action.label}
        )
    if actor is not None and not has_transition_perm(method, actor):
        raise PermissionDenied(
            _("Only the handling office (%(office)s) takes the steps of this complaint.")
            % {"office": complaint.handling_region.name}
        )
    previous = complaint.status
    method()
    return previous


def _require(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def complaint_accept(*, complaint: Complaint, actor: User | None, reason: str = "") -> Complaint:
    """Accept the complaint: the handling period starts today."""
    _check_actor(actor, complaint)
    complaint = _locked(complaint)
    action = ComplaintEventAction.ACCEPTED
    previous = _step(complaint, "accept", actor=actor, action=action)
    today = timezone.localdate()
    complaint.decided_on = today
    complaint.decision_reason = (reason or "").strip()
    complaint.handling_due = complaint_rules.handling_due(complaint.category, today)
    # A new limit runs: its own reminders and ladder.
    complaint.escalation_level = 0
    complaint.escalated_to = None
    save_with_history(complaint, actor=actor, reason=str(action.label))
    _event(
        complaint,
        action,
        actor=actor,
        note=complaint.decision_reason,
        from_status=previous,
        to_status=complaint.status,
    )
    _tell_complainant(complaint)
    return complaint


@transaction.atomic
def complaint_reject(*, complaint: Complaint, actor: User | None, reason: str) -> Complaint:
    """Do not accept the complaint, with the reasons the complainant reads."""
    _check_actor(actor, complaint)
    reason = _require(reason, "reason", _("Give the reasons for not accepting the complaint."))
    complaint = _locked(complaint)
    action = ComplaintEventAction.REJECTED
    previous = _step(complaint, "reject", actor=actor, action=action)
    today = timezone.localdate()
    complaint.decided_on = today
    complaint.decision_reason = reason
    complaint.handled_on_time = complaint_rules.handled_on_time(
        decision_due=complaint.decision_due, decided_on=today
    )
    save_with_history(complaint, actor=actor, reason=str(action.label))
    _event(
        complaint,
        action,
        actor=actor,
        note=reason,
        from_status=previous,
        to_status=complaint.status,
    )
    _tell_complainant(complaint)
    return complaint


def assignable_users(complaint: Complaint):
    """Who may be given a complaint to investigate: the handling office's supervisors."""
    return User.objects.filter(
        is_active=True,
        region=complaint.handling_region_id,
        groups__name=Role.SUPERVISOR.value,
    ).order_by("username")


@transaction.atomic
def complaint_assign(
    *, complaint: Complaint, actor: User | None, assignee: User, note: str = ""
) -> Complaint:
    """Give an accepted complaint to an official of the handling office to investigate (or
    give it to another one)."""
    _check_actor(actor, complaint)
    complaint = _locked(complaint)
    if assignee is None or not assignable_users(complaint).filter(pk=assignee.pk).exists():
        raise ValidationError(
            {
                "assignee": _("Choose a supervisor of the handling office (%(office)s).")
                % {"office": complaint.handling_region.name}
            }
        )
    action = ComplaintEventAction.ASSIGNED
    previous = _step(complaint, "assign", actor=actor, action=action)
    complaint.assigned_to = assignee
    save_with_history(complaint, actor=actor, reason=str(action.label))
    _event(
        complaint,
        action,
        actor=actor,
        note=(note or "").strip() or assignee.get_full_name() or assignee.get_username(),
        from_status=previous,
        to_status=complaint.status,
    )
    notify_translated(
        [assignee],
        kind=NotificationKind.WORKFLOW,
        describe=lambda: (
            _("Complaint %(number)s is yours to investigate")
            % {"number": complaint.tracking_number},
            _("About %(department)s; close it with an outcome by %(date)s.")
            % {
                "department": complaint.department.name,
                "date": complaint.handling_due.isoformat() if complaint.handling_due else "",
            },
        ),
        url=complaint_url(complaint),
        target=complaint,
    )
    return complaint


def _draft_record(complaint, *, actor, reason: str, record: dict):
    from credit_records.services.records import record_create

    fields = dict(record or {})
    missing = {
        name: _("Needed for the draft record.")
        for name in ("severity", "decision_number", "issuing_authority", "decision_date")
        if not fields.get(name)
    }
    if missing:
        raise ValidationError(missing)
    return record_create(
        actor=actor,
        department=complaint.department,
        category=fields.get("category")
        or RECORD_CATEGORY_OF.get(complaint.category, RecordCategory.OTHER),
        severity=fields["severity"],
        decision_number=fields["decision_number"],
        issuing_authority=fields["issuing_authority"],
        decision_date=fields["decision_date"],
        facts=fields.get("facts") or reason,
        internal_notes=_("From complaint %(number)s.") % {"number": complaint.tracking_number},
    )


@transaction.atomic
def complaint_close(
    *,
    complaint: Complaint,
    actor: User | None,
    outcome: str,
    reason: str,
    referred_to: str = "",
    record: dict | None = None,
) -> Complaint:
    """Close an investigated complaint with its outcome and reasons: a draft dishonesty record
    against the department (``record``: severity, decision number, issuing authority, decision
    date, optional category and facts), a procurement red flag (raised by the procurement
    app's registered handler), a referral to another authority, or no finding."""
    _check_actor(actor, complaint)
    if outcome not in ComplaintOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    reason = _require(reason, "reason", _("Give the reasons of the outcome."))
    complaint = _locked(complaint)
    action = ComplaintEventAction.CLOSED
    previous = _step(complaint, "close", actor=actor, action=action)
    if outcome == ComplaintOutcome.DRAFT_RECORD:
        created = _draft_record(complaint, actor=actor, reason=reason, record=record)
        complaint.resulting_record = created
        complaint.outcome_reference = created.decision_number
    elif outcome == ComplaintOutcome.RED_FLAG:
        handler = outcome_handler(ComplaintOutcome.RED_FLAG)
        if handler is None:
            raise ValidationError(
                {"outcome": _("Procurement oversight is not available in this installation.")}
            )
        complaint.outcome_reference = str(handler(complaint=complaint, actor=actor, reason=reason))[
            :200
        ]
    elif outcome == ComplaintOutcome.REFERRAL:
        complaint.referred_to = _require(
            referred_to, "referred_to", _("Name the authority the complaint is referred to.")
        )
        complaint.outcome_reference = complaint.referred_to
    today = timezone.localdate()
    complaint.outcome = outcome
    complaint.outcome_reason = reason
    complaint.closed_on = today
    complaint.handled_on_time = complaint_rules.handled_on_time(
        decision_due=complaint.decision_due,
        decided_on=complaint.decided_on or today,
        handling_due=complaint.handling_due,
        closed_on=today,
    )
    save_with_history(complaint, actor=actor, reason=str(action.label))
    _event(
        complaint,
        action,
        actor=actor,
        note=f"{complaint.get_outcome_display()}：{reason}",
        from_status=previous,
        to_status=complaint.status,
    )
    _tell_complainant(complaint)
    return complaint
