"""Extending a rectification deadline.

Every write goes through a function here: keyword-only arguments, the acting user as
``actor``, one transaction, and the audit trail written with it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import WorkflowConflict
from core.models import NotificationKind, User
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history
from credit_records import deadlines
from credit_records.models import (
    RECTIFYING_STATUSES,
    DeadlineExtension,
    DishonestyRecord,
    Rectification,
)
from credit_records.services.base import locked_record, log_event, require_text


@transaction.atomic
def rectification_extend(
    *, record: DishonestyRecord, actor: User | None, new_deadline, reason: str
) -> DeadlineExtension:
    """A supervisor moves the deadline later, with a reason."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DishonestyRecord, record.pk)
    reason = require_text(reason, "reason", _("Give the reason for the extension."))
    record = locked_record(record)
    if record.status not in RECTIFYING_STATUSES:
        raise WorkflowConflict(_("Only a rectification under way can be extended."))
    rectification = Rectification.objects.select_for_update().get(record=record)
    if new_deadline is None or new_deadline <= rectification.deadline:
        raise ValidationError(
            {
                "new_deadline": _("The new deadline must be later than %(deadline)s.")
                % {"deadline": rectification.deadline.isoformat()}
            }
        )
    extension = DeadlineExtension.objects.create(
        rectification=rectification,
        previous_deadline=rectification.deadline,
        new_deadline=new_deadline,
        reason=reason,
        granted_by=actor,
    )
    escalated_to = rectification.escalated_to
    rectification.deadline = new_deadline
    # A deadline moved to a future day is no longer missed: the escalation ladder starts again
    # (the steps taken stay in the timeline) and a miss of the new deadline is overdue anew.
    restarted_from = 0
    if new_deadline >= timezone.localdate():
        restarted_from = deadlines.ladder_restart(rectification)
    save_with_history(rectification, actor=actor, reason=reason)
    timeline_reason = f"{extension.previous_deadline} → {new_deadline}: {reason}"
    if restarted_from:
        timeline_reason += " " + _(
            "The escalation (step %(level)d) is withdrawn; a miss of the new deadline starts "
            "it again."
        ) % {"level": restarted_from}
    log_event(record, action="extend_deadline", actor=actor, reason=timeline_reason)
    _tell_extension(record, new_deadline=new_deadline, escalated_to=escalated_to, actor=actor)
    return extension


def _tell_extension(record, *, new_deadline, escalated_to, actor) -> None:
    """The department, its supervising office and the office it was escalated to (if any)
    learn the new deadline; not the official who granted it."""
    from django.urls import reverse

    from core.notifications import liaisons_of, notify_translated, supervisors_of

    recipients = [*liaisons_of(record.department), *supervisors_of(record.department.region)]
    if escalated_to is not None:
        recipients += supervisors_of(escalated_to)
    notify_translated(
        [user for user in recipients if actor is None or user.pk != actor.pk],
        kind=NotificationKind.WORKFLOW,
        describe=lambda: (
            _("Deadline extended: %(number)s") % {"number": record.decision_number},
            _("The rectification of %(number)s by %(department)s is now due on %(date)s.")
            % {
                "number": record.decision_number,
                "department": record.department.name,
                "date": new_deadline.isoformat(),
            },
        ),
        url=reverse("workspace:record_detail", args=[record.pk]),
        target=record,
    )
