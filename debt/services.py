"""Writes of the debt app. Like every service in the portal: keyword-only arguments, the
acting user as ``actor`` (None for trusted system calls: imports from the command line,
scans, demo data), role and scope checked first, one transaction, the audit trail written
with the change, side effects after commit.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.exceptions import OutOfScope, WorkflowConflict
from core.models import Department, NotificationKind, Region, User
from core.notifications import notify_translated, supervisors_of
from core.roles import Role
from core.scope import scope_queryset
from core.services import ensure_in_scope, ensure_role, save_with_history
from credit_records.models import RecordCategory, RecordSource
from credit_records.services import record_create

from . import indicators, selectors
from .models import (
    DebtDefault,
    DebtProfile,
    Grade,
    RiskAssessment,
    RiskWarning,
    WarningKind,
    WarningStatus,
)

__all__ = ["OutOfScope", "WorkflowConflict"]


def region_government(region: Region) -> Department | None:
    """The region's people's government (人民政府): the subject of a debt-default record."""
    return (
        Department.objects.filter(region=region, active=True, name__endswith="人民政府")
        .order_by("name")
        .first()
    )


def _ensure_region_in_scope(actor, region: Region | None) -> None:
    """A write about ``region`` needs the region inside the actor's scope."""
    if actor is None or region is None:
        return
    if actor.role == Role.AUDITOR:
        raise PermissionDenied(_("Your role does not allow this action."))
    if not scope_queryset(actor, Region.objects.filter(pk=region.pk)).exists():
        raise OutOfScope(
            _("No %(name)s matches the given query.") % {"name": Region._meta.verbose_name}
        )


def _warning_url(warning: RiskWarning) -> str:
    return reverse("debt:warning_detail", args=[warning.pk])


# --------------------------------------------------------------------------------------------
# Debt profiles and their assessment
# --------------------------------------------------------------------------------------------


@transaction.atomic
def profile_save(*, actor: User | None, profile: DebtProfile) -> DebtProfile:
    """Create or update a debt profile, then (re)compute its risk assessment, and the next
    year's too (its new-debt ratio depends on this year's balance)."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None and profile.pk:
        ensure_in_scope(actor, DebtProfile, profile.pk)
    _ensure_region_in_scope(actor, profile.region if profile.region_id else None)
    profile.full_clean()
    adding = profile._state.adding
    save_with_history(
        profile,
        actor=actor,
        reason=_("Debt profile created") if adding else _("Debt profile updated"),
    )
    assessment_compute(profile=profile, actor=actor)
    following = DebtProfile.objects.filter(region=profile.region, year=profile.year + 1).first()
    if following is not None:
        assessment_compute(profile=following, actor=actor)
    return profile


def profile_create(*, actor: User | None, region: Region, year: int, **amounts) -> DebtProfile:
    return profile_save(actor=actor, profile=DebtProfile(region=region, year=year, **amounts))


def _inputs(profile: DebtProfile) -> indicators.Inputs:
    previous = (
        DebtProfile.objects.filter(region_id=profile.region_id, year=profile.year - 1)
        .only("general_balance", "special_balance")
        .first()
    )
    return indicators.Inputs(
        general_limit=profile.general_limit,
        special_limit=profile.special_limit,
        general_balance=profile.general_balance,
        special_balance=profile.special_balance,
        financial_capacity=profile.financial_capacity,
        principal_due=profile.principal_due,
        interest_due=profile.interest_due,
        overdue_amount=profile.overdue_amount,
        new_debt=profile.new_debt,
        previous_balance=previous.total_balance if previous else None,
    )


@transaction.atomic
def assessment_compute(*, profile: DebtProfile, actor: User | None) -> RiskAssessment:
    """Compute (or recompute) a profile's risk assessment from its figures and the current
    thresholds. When the grade crosses into a worse grade than before (the previous
    assessment of this profile, else last year's), a draft warning is prepared for the
    supervisor to issue."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DebtProfile, profile.pk)
    inputs = _inputs(profile)
    thresholds = indicators.Thresholds.from_settings()
    result = indicators.compute(inputs, thresholds)
    assessment = RiskAssessment.objects.select_for_update().filter(profile=profile).first()
    if assessment is not None:
        previous_grade = assessment.grade
    else:
        last_year = RiskAssessment.objects.filter(
            profile__region_id=profile.region_id, profile__year=profile.year - 1
        ).first()
        previous_grade = last_year.grade if last_year else None
        assessment = RiskAssessment(profile=profile)
    assessment.total_balance = inputs.total_balance
    assessment.total_limit = inputs.total_limit
    assessment.financial_capacity = inputs.financial_capacity
    assessment.debt_service = inputs.debt_service
    assessment.overdue_amount = inputs.overdue_amount
    assessment.new_debt = inputs.new_debt
    assessment.previous_balance = inputs.previous_balance
    assessment.yellow_threshold = thresholds.yellow
    assessment.orange_threshold = thresholds.orange
    assessment.red_threshold = thresholds.red
    assessment.debt_ratio = result.debt_ratio
    assessment.limit_utilisation = result.limit_utilisation
    assessment.debt_service_ratio = result.debt_service_ratio
    assessment.overdue_ratio = result.overdue_ratio
    assessment.new_debt_ratio = result.new_debt_ratio
    assessment.grade = result.grade
    assessment.general_limit_breached = result.general_limit_breached
    assessment.special_limit_breached = result.special_limit_breached
    assessment.computed_at = timezone.now()
    assessment.computed_by = actor
    save_with_history(assessment, actor=actor, reason=_("Risk assessment computed"))
    if result.grade != Grade.GREEN and (
        indicators.worse(result.grade, previous_grade)
        or _unissued_automatic_drafts(profile).filter(profile__year__lt=profile.year).exists()
    ):
        # A crossing into a worse grade drafts a warning; so does a newer year still in a
        # warning grade while an older draft waits unissued: the draft follows the figures.
        _draft_automatic_warning(assessment, previous_grade=previous_grade, actor=actor)
    return assessment


def _unissued_automatic_drafts(profile: DebtProfile):
    return RiskWarning.objects.filter(
        region_id=profile.region_id, automatic=True, status=WarningStatus.DRAFT
    )


def _draft_automatic_warning(assessment: RiskAssessment, *, previous_grade, actor) -> None:
    profile = assessment.profile
    grade = Grade(assessment.grade)
    if RiskWarning.objects.filter(profile=profile, grade=grade, automatic=True).exists():
        return
    later = RiskWarning.objects.filter(
        region_id=profile.region_id, automatic=True, profile__year__gt=profile.year
    ).exclude(status=WarningStatus.WITHDRAWN)
    if later.exists():
        return  # an older year recomputed: a newer year's warning already speaks for it
    reason = _(
        "The %(year)s debt ratio of %(region)s is %(ratio)s%%, in the %(grade)s grade "
        "(previously %(previous)s)."
    ) % {
        "year": profile.year,
        "region": profile.region.name,
        "ratio": assessment.debt_ratio,
        "grade": grade.label,
        "previous": Grade(previous_grade).label if previous_grade else _("not assessed"),
    }
    if assessment.limit_breached:
        reason += " " + _("The debt balance exceeds the approved limit.")
    warning = RiskWarning(
        region=profile.region,
        profile=profile,
        grade=grade,
        kind=WarningKind.PROMPT if grade == Grade.YELLOW else WarningKind.WARNING,
        title=_("%(region)s %(year)s: debt risk %(grade)s")
        % {"region": profile.region.name, "year": profile.year, "grade": grade.label},
        reason=reason,
        required_response=_(
            "Explain the causes and submit a plan to bring the debt ratio down, with measures "
            "and dates."
        ),
        automatic=True,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            save_with_history(warning, actor=actor, reason=_("Drafted by the risk assessment"))
    except IntegrityError:
        return  # drafted at the same moment by a concurrent recomputation
    _supersede_older_drafts(warning, actor=actor)
    # The draft waits for the office that issues it: the one above the warned region.
    notify_translated(
        supervisors_of(profile.region.parent or profile.region),
        kind=NotificationKind.WORKFLOW,
        describe=lambda: (
            _("Draft debt-risk warning for %(region)s") % {"region": profile.region.name},
            _("The %(year)s assessment of %(region)s is %(grade)s; review and issue the draft.")
            % {"year": profile.year, "region": profile.region.name, "grade": grade.label},
        ),
        url=_warning_url(warning),
    )


def _supersede_older_drafts(warning: RiskWarning, *, actor) -> None:
    """Withdraw the region's automatic drafts that ``warning`` replaces (earlier years, or
    the same year in a milder grade), recording why: only the newest draft waits to be
    issued. Drafts written by hand are the supervisor's own and stay."""
    profile = warning.profile
    older = (
        _unissued_automatic_drafts(profile)
        .filter(profile__year__lte=profile.year)
        .exclude(pk=warning.pk)
        .select_for_update()
    )
    note = _("Superseded by the newer draft “%(title)s”.") % {"title": warning.title}
    for draft in older:
        _transition(draft, "withdraw", _("Withdraw"))
        draft.closing_note = note
        draft.closed_at = timezone.now()
        draft.closed_by = actor
        save_with_history(draft, actor=actor, reason=_("Superseded by a newer draft"))


# --------------------------------------------------------------------------------------------
# Risk warnings: draft → issued (deadline) → responded → closed; a draft may be withdrawn
# --------------------------------------------------------------------------------------------


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
    notify_translated(
        supervisors_of(region),
        kind=NotificationKind.WORKFLOW,
        describe=lambda: (
            _("Debt-risk warning issued to %(region)s") % {"region": region.name},
            _("%(title)s. A response is due by %(date)s.")
            % {"title": warning.title, "date": deadline.isoformat()},
        ),
        url=_warning_url(warning),
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


# --------------------------------------------------------------------------------------------
# Emergencies, audits, term assessments, bonds, ratings: plain region-scoped records
# --------------------------------------------------------------------------------------------


@transaction.atomic
def debt_record_save(*, actor: User | None, instance):
    """Create or update an emergency event, audit, term assessment, bond issue or credit
    rating: both the stored object and the region it is given must be in scope."""
    ensure_role(actor, Role.SUPERVISOR)
    model = type(instance)
    if actor is not None and instance.pk:
        ensure_in_scope(actor, model, instance.pk)
    _ensure_region_in_scope(actor, instance.region if instance.region_id else None)
    instance.full_clean()
    label = model._meta.verbose_name
    save_with_history(
        instance,
        actor=actor,
        reason=(_("%(model)s created") if instance._state.adding else _("%(model)s updated"))
        % {"model": label},
    )
    return instance


# --------------------------------------------------------------------------------------------
# Debt default → dishonesty record of the region's government
# --------------------------------------------------------------------------------------------


@transaction.atomic
def debt_default_report(
    *,
    actor: User | None,
    profile: DebtProfile,
    severity: str,
    decision_number: str,
    issuing_authority: str,
    decision_date: datetime.date,
    facts: str,
    department: Department | None = None,
) -> DebtDefault:
    """An overdue or defaulted payment becomes a draft dishonesty record (category debt
    default, source debt) against the region's government, through the credit-records
    service, linked to the profile both ways."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, DebtProfile, profile.pk)
    # Locked, so that two supervisors reporting the same overdue debt at once cannot both
    # pass the check below (the unique constraint on DebtDefault.profile is the backstop).
    profile = (
        DebtProfile.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=profile.pk)
    )
    existing = selectors.debt_default_of(profile)
    if existing is not None:
        raise WorkflowConflict(
            _(
                "This overdue debt was already reported as dishonesty record %(number)s "
                "(%(url)s); update that record instead."
            )
            % {
                "number": existing.record.decision_number,
                "url": reverse("workspace:record_detail", args=[existing.record_id]),
            }
        )
    if not profile.overdue_amount or profile.overdue_amount <= 0:
        raise ValidationError(
            _("The %(year)s profile of %(region)s shows no overdue debt.")
            % {"year": profile.year, "region": profile.region.name}
        )
    department = department or region_government(profile.region)
    if department is None:
        raise ValidationError(
            {
                "department": _(
                    "%(region)s has no people's government (人民政府) among its departments; "
                    "choose the department."
                )
                % {"region": profile.region.name}
            }
        )
    if department.region_id != profile.region_id:
        raise ValidationError({"department": _("Choose a department of the profile's region.")})
    record = record_create(
        actor=actor,
        department=department,
        category=RecordCategory.DEBT_DEFAULT,
        severity=severity,
        decision_number=decision_number,
        issuing_authority=issuing_authority,
        decision_date=decision_date,
        facts=facts,
        source=RecordSource.DEBT,
        internal_notes=_("From the %(year)s debt profile of %(region)s (overdue: %(amount)s).")
        % {"year": profile.year, "region": profile.region.name, "amount": profile.overdue_amount},
    )
    link = DebtDefault(
        profile=profile, record=record, overdue_amount=profile.overdue_amount, created_by=actor
    )
    save_with_history(link, actor=actor, reason=_("Debt default recorded"))
    return link
