"""Debt profiles and their risk assessment, and the warnings the assessment drafts on its two
grounds: a debt ratio crossing into a worse grade, and a balance above its approved limit."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import notifications
from core.models import NotificationKind, Region, User
from core.money import format_money
from core.notifications import notify_translated, supervisors_of
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history

from .. import indicators
from ..models import (
    DebtProfile,
    Grade,
    RiskAssessment,
    RiskWarning,
    WarningGround,
    WarningKind,
    WarningStatus,
)
from .base import _ensure_region_in_scope, _warning_url
from .risk_warnings import _transition

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
        or _unissued_automatic_drafts(profile, WarningGround.RISK_GRADE)
        .filter(profile__year__lt=profile.year)
        .exists()
    ):
        # A crossing into a worse grade drafts a warning; so does a newer year still in a
        # warning grade while an older draft waits unissued: the draft follows the figures.
        _draft_automatic_warning(assessment, previous_grade=previous_grade, actor=actor)
    if assessment.limit_breached:
        # A separate ground, whatever the grade: even a green debt ratio does not allow a
        # balance above its approved limit.
        _draft_limit_warning(assessment, actor=actor)
    return assessment


def _unissued_automatic_drafts(profile: DebtProfile, ground: str):
    return RiskWarning.objects.filter(
        region_id=profile.region_id, automatic=True, ground=ground, status=WarningStatus.DRAFT
    )


def _newer_year_speaks(profile: DebtProfile, ground: str) -> bool:
    """Whether a newer year of the region already has an automatic warning on ``ground``: an
    older year recomputed then drafts nothing behind it."""
    return (
        RiskWarning.objects.filter(
            region_id=profile.region_id,
            automatic=True,
            ground=ground,
            profile__year__gt=profile.year,
        )
        .exclude(status=WarningStatus.WITHDRAWN)
        .exists()
    )


def _draft_automatic_warning(assessment: RiskAssessment, *, previous_grade, actor) -> None:
    profile = assessment.profile
    grade = Grade(assessment.grade)
    if RiskWarning.objects.filter(
        profile=profile, grade=grade, automatic=True, ground=WarningGround.RISK_GRADE
    ).exists():
        return
    if _newer_year_speaks(profile, WarningGround.RISK_GRADE):
        return
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
        ground=WarningGround.RISK_GRADE,
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
    _save_automatic_draft(warning, actor=actor)


def _draft_limit_warning(assessment: RiskAssessment, *, actor) -> None:
    """A draft warning on the ground that a balance is above its approved limit (限额): the
    debt balance may not exceed the limit the people's congress approved (预算法 art. 35;
    财预〔2015〕225号). Once per profile, like the grade's."""
    profile = assessment.profile
    if RiskWarning.objects.filter(
        profile=profile, automatic=True, ground=WarningGround.LIMIT_EXCEEDED
    ).exists():
        return
    if _newer_year_speaks(profile, WarningGround.LIMIT_EXCEEDED):
        return
    breaches = []
    if assessment.general_limit_breached:
        breaches.append(
            _(
                "The %(year)s general debt balance of %(region)s, %(balance)s, is above its "
                "approved limit of %(limit)s (100 million yuan)."
            )
            % {
                "year": profile.year,
                "region": profile.region.name,
                "balance": format_money(profile.general_balance, exact=True),
                "limit": format_money(profile.general_limit, exact=True),
            }
        )
    if assessment.special_limit_breached:
        breaches.append(
            _(
                "The %(year)s special debt balance of %(region)s, %(balance)s, is above its "
                "approved limit of %(limit)s (100 million yuan)."
            )
            % {
                "year": profile.year,
                "region": profile.region.name,
                "balance": format_money(profile.special_balance, exact=True),
                "limit": format_money(profile.special_limit, exact=True),
            }
        )
    breaches.append(
        _(
            "The debt ratio is %(ratio)s%% (%(grade)s): a balance above its limit is a breach "
            "whatever the grade."
        )
        % {"ratio": assessment.debt_ratio, "grade": Grade(assessment.grade).label}
    )
    warning = RiskWarning(
        region=profile.region,
        profile=profile,
        grade=assessment.grade,
        ground=WarningGround.LIMIT_EXCEEDED,
        kind=WarningKind.WARNING,
        title=_("%(region)s %(year)s: debt balance above the approved limit")
        % {"region": profile.region.name, "year": profile.year},
        reason=" ".join(str(part) for part in breaches),
        required_response=_(
            "Explain why the balance exceeds the approved limit and submit a plan to bring it "
            "within the limit, with measures and dates."
        ),
        automatic=True,
        created_by=actor,
    )
    _save_automatic_draft(warning, actor=actor)


def _save_automatic_draft(warning: RiskWarning, *, actor) -> None:
    """Save a draft the assessment wrote, withdraw the older drafts it replaces, and tell the
    office that issues it."""
    profile = warning.profile
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
            _draft_message(warning),
        ),
        url=_warning_url(warning),
        target=warning,
    )


def _draft_message(warning: RiskWarning) -> str:
    profile = warning.profile
    if warning.ground == WarningGround.LIMIT_EXCEEDED:
        return _(
            "The %(year)s debt balance of %(region)s is above its approved limit; review and "
            "issue the draft."
        ) % {"year": profile.year, "region": profile.region.name}
    return _("The %(year)s assessment of %(region)s is %(grade)s; review and issue the draft.") % {
        "year": profile.year,
        "region": profile.region.name,
        "grade": Grade(warning.grade).label,
    }


def _supersede_older_drafts(warning: RiskWarning, *, actor) -> None:
    """Withdraw the region's automatic drafts on the same ground that ``warning`` replaces
    (earlier years, or the same year in a milder grade), recording why: only the newest draft
    on each ground waits to be issued. Drafts written by hand are the supervisor's own and
    stay."""
    profile = warning.profile
    older = (
        _unissued_automatic_drafts(profile, warning.ground)
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
        # Its "review and issue the draft" notices go with it: loading several past years at
        # once leaves one notice per region, for the newest draft, not one per year.
        notifications.retire(draft)
