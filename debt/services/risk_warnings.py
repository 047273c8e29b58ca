"""Risk warnings: drafted by hand, issued with a deadline, answered, closed; a draft may be
withdrawn. Who takes each step is declared here (``ISSUER_STEPS``, ``RESPONDER_STEPS``)."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core import events
from core.exceptions import WorkflowConflict
from core.models import NotificationKind, Region, User
from core.notifications import notify_translated, supervisors_of
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history

from ..models import (
    DebtProfile,
    RiskWarning,
    WarningKind,
)
from .base import _ensure_region_in_scope, _warning_url

# --------------------------------------------------------------------------------------------
# Risk warnings: draft → issued (deadline) → responded → closed; a draft may be withdrawn
# --------------------------------------------------------------------------------------------

# The webhook event of an issued warning (registered in debt/apps.py).
WARNING_ISSUED = "debt.warning_issued"


def _require_text(value, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def warning_create(
    *,
    actor: User | None,
    region: Region,
    title: str,
    reason: str,
    kind: str = WarningKind.WARNING,
    required_response: str = "",
    profile: DebtProfile | None = None,
) -> RiskWarning:
    """A supervisor's own draft warning or prompt to a region."""
    ensure_role(actor, Role.SUPERVISOR)
    _ensure_region_in_scope(actor, region)
    if profile is not None and profile.region_id != region.pk:
        raise ValidationError({"profile": _("The debt profile belongs to another region.")})
    warning = RiskWarning(
        region=region,
        profile=profile,
        grade=profile.assessment.grade
        if profile is not None and hasattr(profile, "assessment")
        else "",
        kind=kind,
        title=(title or "").strip(),
        reason=(reason or "").strip(),
        required_response=(required_response or "").strip(),
        created_by=actor,
    )
    warning.full_clean(exclude=["status"])
    save_with_history(warning, actor=actor, reason=_("Warning drafted"))
    return warning


# Who takes each step: a warning is issued (and closed, or a draft withdrawn) by the
# supervising office of a region above the warned one, the province for itself; it is
# answered by the warned region's own office (the nearest one above where it has none).
ISSUER_STEPS = frozenset({"issue", "close", "withdraw"})
RESPONDER_STEPS = frozenset({"respond"})


def warning_step_allowed(actor: User | None, warning: RiskWarning, step: str) -> bool:
    """Whether ``actor``'s office takes ``step`` on ``warning`` (role and scope aside)."""
    if actor is None or actor.is_superuser or actor.role == Role.ADMINISTRATOR:
        return True
    region = warning.region
    if actor.region_id is None:
        return False
    if step in RESPONDER_STEPS:
        office = supervisors_of(region)
        return actor.region_id == (office[0].region_id if office else region.pk)
    if region.parent_id is None:
        return actor.region_id == region.pk
    return actor.region_id != region.pk and region.path.startswith(actor.region.path)


def _ensure_step_allowed(actor, warning: RiskWarning, step: str) -> None:
    if warning_step_allowed(actor, warning, step):
        return
    if step in RESPONDER_STEPS:
        message = _("Only the office of %(region)s records its response to the warning.")
    else:
        message = _(
            "Only the supervising office above %(region)s issues, closes or withdraws its warnings."
        )
    raise PermissionDenied(message % {"region": warning.region.name})


def _locked_warning(actor, warning: RiskWarning, step: str) -> RiskWarning:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, RiskWarning, warning.pk)
    warning = RiskWarning.objects.select_for_update().select_related("region").get(pk=warning.pk)
    _ensure_step_allowed(actor, warning, step)
    return warning


def _transition(warning: RiskWarning, method_name: str, label: str) -> None:
    method = getattr(warning, method_name)
    if not can_proceed(method):
        raise WorkflowConflict(
            _("This warning is “%(status)s”: “%(action)s” is not possible now.")
            % {"status": warning.get_status_display(), "action": label}
        )
    method()


@transaction.atomic
def warning_issue(
    *,
    actor: User | None,
    warning: RiskWarning,
    required_response: str = "",
    response_deadline: datetime.date | None = None,
) -> RiskWarning:
    """Issue a draft to the region: it must answer ``required_response`` by the deadline
    (default ``CHENGXIN_DEBT_WARNING_RESPONSE_DAYS`` from today)."""
    warning = _locked_warning(actor, warning, "issue")
    _transition(warning, "issue", _("Issue"))
    today = timezone.localdate()
    # The office sets the response deadline (the setting is its default): not a statutory
    # period, so not moved past rest days (docs/rules.md).
    deadline = response_deadline or today + datetime.timedelta(
        days=settings.CHENGXIN_DEBT_WARNING_RESPONSE_DAYS
    )
    if deadline < today:
        raise ValidationError({"response_deadline": _("The deadline cannot be in the past.")})
    warning.required_response = _require_text(
        required_response or warning.required_response,
        "required_response",
        _("Say what the region must answer."),
    )
    warning.response_deadline = deadline
    warning.issued_at = timezone.now()
    warning.issued_by = actor
    warning.escalation_level = 0
    save_with_history(warning, actor=actor, reason=_("Warning issued"))
    region = warning.region
    events.emit(
        WARNING_ISSUED,
        warning,
        {
            "region_code": region.code,
            "region": region.name,
            "kind": warning.kind,
            "grade": warning.grade,
            "title": warning.title,
            "required_response": warning.required_response,
            "response_deadline": deadline.isoformat(),
        },
        actor=actor,
    )
    notify_translated(
        supervisors_of(region),
        kind=NotificationKind.WORKFLOW,
        describe=lambda: (
            _("Debt-risk warning issued to %(region)s") % {"region": region.name},
            _("%(title)s. A response is due by %(date)s.")
            % {"title": warning.title, "date": deadline.isoformat()},
        ),
        url=_warning_url(warning),
        target=warning,
    )
    return warning


@transaction.atomic
def warning_respond(*, actor: User | None, warning: RiskWarning, response: str) -> RiskWarning:
    """Record the region's response to an issued warning."""
    warning = _locked_warning(actor, warning, "respond")
    _transition(warning, "respond", _("Record the response"))
    warning.response = _require_text(response, "response", _("Enter the response."))
    warning.responded_at = timezone.now()
    warning.responded_by = actor
    save_with_history(warning, actor=actor, reason=_("Response recorded"))
    if warning.issued_by_id and warning.issued_by_id != getattr(actor, "pk", None):
        notify_translated(
            [warning.issued_by],
            kind=NotificationKind.WORKFLOW,
            describe=lambda: (
                _("%(region)s responded to a debt-risk warning") % {"region": warning.region.name},
                warning.title,
            ),
            url=_warning_url(warning),
            target=warning,
        )
    return warning


@transaction.atomic
def warning_close(*, actor: User | None, warning: RiskWarning, note: str) -> RiskWarning:
    warning = _locked_warning(actor, warning, "close")
    _transition(warning, "close", _("Close"))
    warning.closing_note = _require_text(note, "note", _("Say why the warning is closed."))
    warning.closed_at = timezone.now()
    warning.closed_by = actor
    save_with_history(warning, actor=actor, reason=_("Warning closed"))
    return warning


@transaction.atomic
def warning_withdraw(*, actor: User | None, warning: RiskWarning, note: str) -> RiskWarning:
    warning = _locked_warning(actor, warning, "withdraw")
    _transition(warning, "withdraw", _("Withdraw"))
    warning.closing_note = _require_text(note, "note", _("Say why the draft is withdrawn."))
    warning.closed_at = timezone.now()
    warning.closed_by = actor
    save_with_history(warning, actor=actor, reason=_("Draft withdrawn"))
    return warning
