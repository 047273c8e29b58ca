"""What every record service shares: the row lock, the timeline entry, taking a transition,
telling the department or its office, attaching evidence.

Every write goes through a function here: keyword-only arguments, the acting user as
``actor``, one transaction, and the audit trail written with it."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from core.exceptions import WorkflowConflict
from core.models import Department, NotificationKind
from core.roles import Role
from core.services import save_with_history
from core.uploads import validate_attachment
from credit_records.models import (
    Attachment,
    DishonestyRecord,
    PublicOfficial,
    RecordEvent,
    RecordEventAction,
)


def ensure_department_role(actor) -> None:
    """The department's own steps (its explanation, its reports) are refused to every other
    role whatever the record's state, as supervisors' steps are refused to liaisons: a
    supervisor is told "not your role" (403), never "not possible now" (409)."""
    if actor is not None and actor.role != Role.LIAISON:
        raise PermissionDenied(_("Your role does not allow this action."))


def locked_record(record: DishonestyRecord) -> DishonestyRecord:
    """The record re-read under a row lock: two officials acting at once are serialised, and
    the second one sees the first one's result."""
    return (
        DishonestyRecord.objects.select_for_update().select_related("department").get(pk=record.pk)
    )


def log_event(
    record,
    *,
    action,
    actor,
    reason="",
    from_status="",
    to_status="",
    reason_code="",
    reason_params=None,
) -> RecordEvent:
    return RecordEvent.objects.create(
        record=record,
        action=action,
        actor=actor,
        reason=reason,
        reason_code=reason_code,
        reason_params=reason_params or {},
        from_status=from_status,
        to_status=to_status,
    )


def transition_label(method_name: str):
    """The imperative label a record transition declares ("Verify the rectification")."""
    field = DishonestyRecord._meta.get_field("status")
    for candidate in field.get_all_transitions(DishonestyRecord):
        if candidate.name == method_name:
            return candidate.custom["label"]
    return method_name


def run_transition(record, method_name: str, *, actor, reason: str) -> str:
    """Check and apply one FSM transition on a locked record; returns the previous status."""
    method = getattr(record, method_name)
    if not can_proceed(method):
        raise WorkflowConflict(
            _("This record is “%(status)s”: “%(action)s” is not possible now.")
            % {"status": record.get_status_display(), "action": transition_label(method_name)}
        )
    if actor is not None and not has_transition_perm(method, actor):
        raise PermissionDenied(_("Your role does not allow this action on this record."))
    previous = record.status
    method()
    return previous


def transition_step_label(method_name: str) -> str:
    return str(ACTION_LABELS.get(method_name, method_name))


# Labels of the record actions, for messages and the timeline.
ACTION_LABELS = dict(RecordEventAction.choices)


def record_step(record, method_name: str, *, actor, reason: str = "") -> DishonestyRecord:
    previous = run_transition(record, method_name, actor=actor, reason=reason)
    save_with_history(record, actor=actor, reason=reason or transition_step_label(method_name))
    log_event(
        record,
        action=method_name,
        actor=actor,
        reason=reason,
        from_status=previous,
        to_status=record.status,
    )
    return record


def tell(record, *, to: str, title, message="") -> None:
    """Tell the department's liaisons or its supervising office about a workflow step, in
    their own language, after commit (see notifications.notify)."""
    from django.urls import reverse

    from core.notifications import liaisons_of, notify_translated, supervisors_of

    recipients = (
        liaisons_of(record.department)
        if to == "liaisons"
        else supervisors_of(record.department.region)
    )
    notify_translated(
        recipients,
        kind=NotificationKind.WORKFLOW,
        describe=lambda: (
            title % {"number": record.decision_number},
            message % {"department": record.department.name} if message else "",
        ),
        url=reverse("workspace:record_detail", args=[record.pk]),
        target=record,
    )


def attach(files, *, actor, department, **owner) -> list[Attachment]:
    # Check every file before storing any: a rolled-back transaction takes the rows back but
    # not the files already written to storage, which would be left there orphaned.
    checked, problems = [], []
    for uploaded in files or []:
        try:
            checked.append((uploaded, validate_attachment(uploaded)))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"files": problems})
    return [
        Attachment.objects.create(
            file=uploaded,
            original_name=Path(uploaded.name).name[:255],
            content_type=content_type,
            size=uploaded.size,
            uploaded_by=actor,
            department=department,
            **owner,
        )
        for uploaded, content_type in checked
    ]


def require_text(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def excerpt(text: str, limit: int = 200) -> str:
    """The start of a long text, as the "why" of a timeline entry (the text itself is kept
    whole on the rectification or report)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lock_department(department: Department) -> None:
    """Lock the department's row until the end of the transaction. Two officials entering
    the same decision at once are serialised: the second one's ``full_clean`` sees the
    first one's row and answers with the form error of the unique decision number, instead
    of both passing validation and the second insert failing in the database (a 500)."""
    list(Department.objects.select_for_update().filter(pk=department.pk).values_list("pk"))


def officials_of(department: Department, officials, *, facts: str = "") -> list[PublicOfficial]:
    """The responsible officials of a record, each of whom must work in its department and
    none of whom the facts name: the facts are published as written, while the disclosure
    pages show the officials' names masked."""
    officials = list(officials)
    for official in officials:
        if official.department_id != department.pk:
            raise ValidationError(
                {"officials": _("%(name)s does not work in this department.") % {"name": official}}
            )
    ensure_facts_name_no_official(facts, officials)
    return officials


def ensure_facts_name_no_official(facts: str, officials) -> None:
    for official in officials:
        name = (official.name or "").strip()
        if len(name) >= 2 and name in (facts or ""):
            raise ValidationError(
                {
                    "facts": _(
                        "The facts are published as written: do not name %(name)s in them. "
                        "Responsible officials are linked to the record and shown masked."
                    )
                    % {"name": name}
                }
            )
