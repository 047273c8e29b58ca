"""Evaluation rounds: creation with their subjects, the workflow transitions (scoring,
review, publication, which freezes the round) and deletion."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django_fsm import can_proceed

from core import events
from core.exceptions import WorkflowConflict
from core.models import Department, Region, User
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history

from ..models import (
    Round,
    RoundStatus,
    RoundSubject,
    Scheme,
    SubjectLevel,
)
from ..selectors import round_completeness
from .base import _locked_round
from .feedback import feedback_review_opened, open_feedback_count, unanswered_message
from .results import grade_cutoffs, results_refresh
from .schemes import scheme_validate_weights

# The webhook event of a published round (registered in evaluations/apps.py).
ROUND_PUBLISHED = "evaluation.published"


def subject_candidates(organiser: Region, level: str):
    """The default subjects of a round organised by ``organiser``: the cities (or counties)
    below it, or its active departments."""
    if level == SubjectLevel.DEPARTMENT:
        return list(
            Department.objects.filter(region__path__startswith=organiser.path, active=True)
            .select_related("region")
            .order_by("region__code", "name")
        )
    return list(
        Region.objects.filter(path__startswith=organiser.path, level=level)
        .exclude(pk=organiser.pk)
        .order_by("code")
    )


@transaction.atomic
def round_create(
    *,
    actor: User | None,
    name: str,
    scheme: Scheme,
    organiser: Region,
    level: str,
    period_start,
    period_end,
    subjects=None,
) -> Round:
    """Create a draft round over ``subjects`` (regions of ``level``, or departments for a
    round over departments), by default every one below the organising region. Chosen
    subjects must be below the organising region (hence in the organiser's scope), of the
    round's level, and active departments; nothing is created otherwise."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Region, organiser.pk)
    scheme_validate_weights(scheme)
    evaluation_round = Round(
        name=name,
        scheme=scheme,
        organiser=organiser,
        level=level,
        period_start=period_start,
        period_end=period_end,
        created_by=actor,
    )
    # The protected FSM field cannot be set by clean_fields (django-fsm refuses it).
    evaluation_round.full_clean(exclude=["status"])
    if subjects is None:
        subjects = subject_candidates(organiser, level)
        if not subjects:
            raise ValidationError({"level": _("There is nothing of this level to evaluate here.")})
    else:
        subjects = _chosen_subjects(subjects, organiser=organiser, level=level)
    save_with_history(evaluation_round, actor=actor, reason=_("Evaluation round created"))
    for subject in subjects:
        if isinstance(subject, Department):
            region, department = subject.region, subject
        else:
            region, department = subject, None
        RoundSubject.objects.create(
            round=evaluation_round, region=region, department=department, name=str(subject)
        )
    return evaluation_round


def _chosen_subjects(subjects, *, organiser: Region, level: str) -> list:
    """The subjects an official chose, each checked; every problem is named at once."""
    chosen, errors = [], []
    for subject in dict.fromkeys(subjects):  # each once, in the order given
        is_department = isinstance(subject, Department)
        region = subject.region if is_department else subject
        if not region.path.startswith(organiser.path) or (
            not is_department and region.pk == organiser.pk
        ):
            errors.append(
                _("%(subject)s is not below the organising region.") % {"subject": subject}
            )
        elif is_department != (level == SubjectLevel.DEPARTMENT) or (
            not is_department and region.level != level
        ):
            errors.append(_("%(subject)s is not of the round's level.") % {"subject": subject})
        elif is_department and not subject.active:
            errors.append(
                _("%(subject)s is no longer active and cannot be evaluated.") % {"subject": subject}
            )
        else:
            chosen.append(subject)
    if errors:
        raise ValidationError({"subjects": errors})
    if not chosen:
        raise ValidationError({"subjects": _("Choose at least one subject to evaluate.")})
    return chosen


# Labels of the round transitions, for messages and buttons.
TRANSITIONS = {
    "start_scoring": _("Start scoring"),
    "submit_for_review": _("Submit for review"),
    "return_to_scoring": _("Return to scoring"),
    "publish": _("Publish"),
}


@transaction.atomic
def _transition(evaluation_round: Round, method_name: str, *, actor, reason: str) -> Round:
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Round, evaluation_round.pk)
    locked = _locked_round(evaluation_round)
    if method_name == "start_scoring":
        # Serialised with ``scheme_set_weights``: the weights stay as they are from now on.
        Scheme.objects.select_for_update().get(pk=locked.scheme_id)
    method = getattr(locked, method_name)
    if not can_proceed(method):
        raise WorkflowConflict(
            _("This round is “%(status)s”: “%(action)s” is not possible now.")
            % {"status": locked.get_status_display(), "action": TRANSITIONS[method_name]}
        )
    if method_name == "submit_for_review" and locked.is_computing:
        # The reviewers would see results the computation is still replacing.
        raise WorkflowConflict(
            _("The round is being computed; submit it for review when that is done.")
        )
    if method_name == "submit_for_review":
        _ensure_fully_scored(locked)
    if method_name == "publish":
        _freeze(locked, actor=actor)
    method()
    if method_name == "submit_for_review":
        feedback_review_opened(locked)
    save_with_history(locked, actor=actor, reason=reason)
    if method_name == "publish":
        events.emit(
            ROUND_PUBLISHED,
            locked,
            {
                "round": str(locked),
                "published_at": locked.published_at.isoformat(),
                "grade_cutoffs": locked.grade_cutoffs,
            },
            actor=actor,
        )
    evaluation_round.refresh_from_db()
    return locked


# How many missing scores a refusal names; the round page lists them all.
MISSING_NAMED = 5


def _ensure_fully_scored(locked: Round) -> None:
    """Reviewers judge complete results: a round goes to review only when every subject has
    a score for every indicator. The refusal names the first ones missing."""
    completeness = round_completeness(locked)
    if completeness.is_complete:
        return
    if not completeness.expected:
        raise WorkflowConflict(_("The round has no subjects or no indicators to score."))
    named = pgettext("list separator", "; ").join(
        f"{subject.name} · {indicator.name}"
        for subject, indicator in completeness.missing[:MISSING_NAMED]
    )
    if len(completeness.missing) > MISSING_NAMED:
        named += " …"
    raise WorkflowConflict(
        ngettext(
            "%(count)s score is missing: %(names)s. Compute the round and enter it first.",
            "%(count)s scores are missing: %(names)s. Compute the round and enter them first.",
            len(completeness.missing),
        )
        % {"count": len(completeness.missing), "names": named}
    )


def round_start_scoring(*, actor: User | None, round: Round) -> Round:
    return _transition(round, "start_scoring", actor=actor, reason=_("Scoring started"))


def round_submit_for_review(*, actor: User | None, round: Round) -> Round:
    return _transition(round, "submit_for_review", actor=actor, reason=_("Submitted for review"))


def round_return_to_scoring(*, actor: User | None, round: Round) -> Round:
    return _transition(round, "return_to_scoring", actor=actor, reason=_("Returned to scoring"))


@transaction.atomic
def round_publish(*, actor: User | None, round: Round) -> Round:
    """Publish the round: every subject must have a total; the grade cut-offs in force are
    recorded with the results, which no later change of data or settings alters."""
    return _transition(round, "publish", actor=actor, reason=_("Results published"))


def _freeze(locked: Round, *, actor) -> None:
    if locked.is_computing:
        raise WorkflowConflict(_("The round is being computed; publish it when that is done."))
    unanswered = open_feedback_count(locked)
    if unanswered:
        # The evaluated regions' feedback is answered before the results become final.
        raise WorkflowConflict(unanswered_message(unanswered))
    missing = locked.subjects.filter(total__isnull=True).count()
    if missing or not locked.subjects.exists():
        raise WorkflowConflict(
            _(
                "%(count)s subjects still lack scores; compute the round and enter every "
                "manual score."
            )
            % {"count": missing}
        )
    locked.grade_cutoffs = [str(value) for value in grade_cutoffs()]
    locked.published_at = timezone.now()
    locked.published_by = actor
    results_refresh(locked, cutoffs=grade_cutoffs())


ROUND_ACTIONS = {
    "start_scoring": round_start_scoring,
    "submit_for_review": round_submit_for_review,
    "return_to_scoring": round_return_to_scoring,
    "publish": round_publish,
}


def available_actions(evaluation_round: Round) -> list[tuple[str, str]]:
    return [
        (name, TRANSITIONS[name])
        for name in ROUND_ACTIONS
        if can_proceed(getattr(evaluation_round, name))
    ]


def deletion_refusal(evaluation_round: Round) -> str | None:
    """Why the round cannot be deleted now, or None. Only a draft can: once scoring has
    started, the round and its scores are part of the record (return it, don't delete it)."""
    if evaluation_round.status != RoundStatus.DRAFT:
        return _("This round is “%(status)s”: only a draft round can be deleted.") % {
            "status": evaluation_round.get_status_display()
        }
    if evaluation_round.is_computing:
        return _("The round is being computed; delete it when that is done.")
    return None


@transaction.atomic
def round_delete(*, actor: User | None, round: Round) -> None:
    """Delete a draft round with its subjects and scores, for the organiser (a supervisor
    whose scope holds the organising region) or an administrator. The history keeps the
    deleted round, who deleted it and why."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Round, round.pk)
    locked = _locked_round(round)
    refusal = deletion_refusal(locked)
    if refusal:
        raise WorkflowConflict(refusal)
    locked._history_user = actor
    locked._change_reason = _("Draft round deleted")[:100]
    locked.delete()
