"""Writes of the evaluations app: the portal's service conventions (keyword-only arguments,
``actor`` None for trusted system calls, role and scope first, audit trail with the change).

Publishing freezes a round: the scores and results are stored rows, written only by
``round_compute`` and ``score_enter``, and both refuse a published round.
"""

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.exceptions import OutOfScope, WorkflowConflict
from core.models import Department, Region, RegionLevel, User
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, save_with_history

from . import indicators
from .checks import parse_grade_cutoffs
from .defaults import create_default_scheme
from .models import (
    ComputationStatus,
    Dimension,
    Grade,
    Indicator,
    IndicatorKind,
    Round,
    RoundStatus,
    RoundSubject,
    Scheme,
    Score,
    ScoreSource,
    SubjectLevel,
)

__all__ = ["OutOfScope", "WorkflowConflict"]

logger = logging.getLogger(__name__)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def _q(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------------
# Schemes
# --------------------------------------------------------------------------------------------


def default_scheme() -> Scheme:
    """The default scheme (five principles, equal weights), created once if missing."""
    scheme, _created = create_default_scheme(Scheme, Dimension, Indicator)
    return scheme


def scheme_validate_weights(scheme: Scheme, *, dimensions=None, weights=None) -> None:
    """Dimension weights must total 100 and each dimension's weighted indicators must total
    its weight. ``dimensions``/``weights`` override stored weights (by pk) for a proposed
    change. Raises a ValidationError saying what is wrong."""
    dimensions = dimensions or {}
    weights = weights or {}
    errors = []
    total = Decimal(0)
    for dimension in scheme.dimensions.prefetch_related("indicators"):
        d_weight = Decimal(dimensions.get(dimension.pk, dimension.weight))
        total += d_weight
        within = sum(
            (
                Decimal(weights.get(indicator.pk, indicator.weight))
                for indicator in dimension.indicators.all()
                if indicator.is_weighted
            ),
            Decimal(0),
        )
        if within != d_weight:
            errors.append(
                _(
                    "The indicator weights of “%(dimension)s” total %(total)s; they must equal "
                    "the dimension's weight, %(weight)s."
                )
                % {"dimension": dimension.name, "total": _q(within), "weight": _q(d_weight)}
            )
    if total != HUNDRED:
        errors.insert(
            0,
            _("The weights total %(total)s; they must total 100.") % {"total": _q(total)},
        )
    if errors:
        raise ValidationError(errors)


# A round in these states is being scored against its scheme's weights: they are locked.
WEIGHT_LOCKING_STATUSES = (RoundStatus.SCORING, RoundStatus.REVIEW)


def may_change_weights(user: User | None) -> bool:
    """Schemes are shared by every region, so only the province (or an administrator)
    changes their weights; a city supervisor would change every other city's results."""
    if user is None:
        return True  # trusted system call
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return True
    return bool(
        user.role == Role.SUPERVISOR
        and user.region_id
        and user.region.level == RegionLevel.PROVINCE
    )


def rounds_locking_weights(scheme: Scheme):
    """The rounds using ``scheme`` that are in scoring or review (unscoped: the lock holds
    whoever organises them)."""
    return Round.objects.filter(scheme=scheme, status__in=WEIGHT_LOCKING_STATUSES)


# Bonus and deduction items: points added to or taken from a total of at most 100.
POINT_KINDS = (IndicatorKind.BONUS, IndicatorKind.DEDUCTION)


@transaction.atomic
def scheme_set_weights(
    *,
    actor: User | None,
    scheme: Scheme,
    dimensions: dict,
    indicators: dict,
    max_points: dict | None = None,
    descriptions: dict | None = None,
) -> Scheme:
    """Change a scheme's weights (dimension pk → weight, indicator pk → weight) after checking
    they add up; nothing changes otherwise. ``max_points`` (bonus or deduction item pk →
    maximum, 0–100) and ``descriptions`` (manual, bonus or deduction item pk → what it is
    scored on) change under the same rules: computed indicators keep their documented formula.

    Only the province's supervisors (or administrators) may, and not while a round using the
    scheme is in scoring or review: its totals would mix old and new weights (and its
    evaluators would score against changed items). Draft rounds are re-weighted at once;
    published rounds keep the weights they used."""
    max_points = max_points or {}
    descriptions = descriptions or {}
    ensure_role(actor, Role.SUPERVISOR)
    if not may_change_weights(actor):
        raise PermissionDenied(_("Only the province's supervisors may change a scheme's weights."))
    # Starting a round's scoring takes the same lock (``_transition``): a round cannot enter
    # scoring half-way through a change of its weights.
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    locking = list(rounds_locking_weights(scheme).values_list("name", flat=True))
    if locking:
        raise WorkflowConflict(
            _(
                "The weights cannot be changed while a round using this scheme is in scoring "
                "or review: %(rounds)s."
            )
            % {"rounds": "、".join(locking)}
        )
    for value in [*dimensions.values(), *indicators.values()]:
        if Decimal(value) < 0 or Decimal(value) > HUNDRED:
            raise ValidationError(_("A weight must be between 0 and 100."))
    for value in max_points.values():
        if value is None or Decimal(value) < 0 or Decimal(value) > HUNDRED:
            raise ValidationError(
                _("The maximum points of a bonus or deduction item must be between 0 and 100.")
            )
    scheme_validate_weights(scheme, dimensions=dimensions, weights=indicators)
    for dimension in scheme.dimensions.filter(pk__in=dimensions):
        dimension.weight = Decimal(dimensions[dimension.pk])
        save_with_history(dimension, actor=actor, reason=_("Weights changed"))
    items = Indicator.objects.filter(
        dimension__scheme=scheme, pk__in=[*indicators, *max_points, *descriptions]
    )
    for indicator in items:
        changed = []
        if indicator.pk in indicators and indicator.is_weighted:
            indicator.weight = Decimal(indicators[indicator.pk])
            changed.append(_("Weights changed"))
        maximum = max_points.get(indicator.pk)
        if (
            indicator.kind in POINT_KINDS
            and maximum is not None
            and indicator.max_points != Decimal(maximum)
        ):
            indicator.max_points = Decimal(maximum)
            changed.append(_("Maximum points changed"))
        if indicator.pk in descriptions and indicator.kind != IndicatorKind.COMPUTED:
            text = (descriptions[indicator.pk] or "").strip()
            if indicator.formula_text != text:
                indicator.formula_text = text
                changed.append(_("Description changed"))
        if changed:
            save_with_history(indicator, actor=actor, reason="; ".join(map(str, changed)))
    for draft in Round.objects.filter(scheme=scheme, status=RoundStatus.DRAFT):
        results_refresh(_locked_round(draft))
    return scheme


# --------------------------------------------------------------------------------------------
# Rounds
# --------------------------------------------------------------------------------------------


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


def _locked_round(evaluation_round: Round) -> Round:
    return Round.objects.select_for_update().get(pk=evaluation_round.pk)


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
    if method_name == "publish":
        _freeze(locked, actor=actor)
    method()
    save_with_history(locked, actor=actor, reason=reason)
    evaluation_round.refresh_from_db()
    return locked


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


# --------------------------------------------------------------------------------------------
# Computation
# --------------------------------------------------------------------------------------------


def _ensure_open(evaluation_round: Round) -> None:
    if evaluation_round.status == RoundStatus.PUBLISHED:
        raise WorkflowConflict(
            _("This round is published; its results are frozen and cannot be recomputed.")
        )


# Computing replaces the computed scores: once the results are under review they must stay
# what the reviewers are looking at (return the round to scoring to recompute).
COMPUTABLE_STATUSES = (RoundStatus.DRAFT, RoundStatus.SCORING)


def can_compute(evaluation_round: Round) -> bool:
    return evaluation_round.status in COMPUTABLE_STATUSES


def _ensure_computable(evaluation_round: Round) -> None:
    _ensure_open(evaluation_round)
    if not can_compute(evaluation_round):
        raise WorkflowConflict(
            _(
                "This round is “%(status)s”: only a draft or a round in scoring can be "
                "computed. Return it to scoring to recompute."
            )
            % {"status": evaluation_round.get_status_display()}
        )


def round_request_computation(*, actor: User | None, round: Round) -> Round:
    """Queue the computation of a round (a Celery task); the round page shows its progress.
    Computing is idempotent, so asking again while it runs only computes it once more.

    The task is queued after commit; when the broker cannot take it, the round is marked
    failed with the reason, and the round returned (read after the commit) says so."""
    with transaction.atomic():
        ensure_role(actor, Role.SUPERVISOR)
        if actor is not None:
            ensure_in_scope(actor, Round, round.pk)
        locked = _locked_round(round)
        _ensure_computable(locked)
        Round.objects.filter(pk=locked.pk).update(
            computation_status=ComputationStatus.QUEUED, progress=0, computation_error=""
        )
        transaction.on_commit(lambda: _enqueue(locked.pk))
    round.refresh_from_db()
    return round


def _enqueue(round_id: int) -> None:
    from .tasks import compute_round

    try:
        # One connection attempt: the official is waiting for the page (kombu would retry
        # for seconds; see credit_records.notifications.enqueue).
        with compute_round.app.pool.acquire(block=True) as connection:
            connection.ensure_connection(max_retries=0)
            compute_round.apply_async(args=(round_id,), retry=False, connection=connection)
    except Exception as error:  # the broker is down: say so on the page instead of hanging
        logger.exception("Could not queue the computation of round %s", round_id)
        Round.objects.filter(pk=round_id).update(
            computation_status=ComputationStatus.FAILED,
            computation_error=_("The task queue is not available: %(error)s") % {"error": error},
        )


def round_compute(*, actor: User | None, round: Round) -> Round:
    """Compute every computed indicator of every subject (and prepare the manual ones), one
    subject per transaction, recording the progress on the round as it goes.

    Idempotent: one score row per (round, subject, indicator), updated in place; manual
    scores already entered are kept.
    """
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Round, round.pk)
    _ensure_computable(Round.objects.get(pk=round.pk))
    items = list(
        Indicator.objects.filter(dimension__scheme_id=round.scheme_id).select_related("dimension")
    )
    subjects = list(round.subjects.select_related("region", "department"))
    period = indicators.Period(start=round.period_start, end=round.period_end)
    Round.objects.filter(pk=round.pk).update(
        computation_status=ComputationStatus.RUNNING, progress=0, computation_error=""
    )
    try:
        for index, subject in enumerate(subjects, start=1):
            with transaction.atomic():
                # Publishing takes the same lock, so a round cannot be published half-computed.
                _ensure_computable(_locked_round(round))
                for indicator in items:
                    _score_subject(round, subject, indicator, period)
                Round.objects.filter(pk=round.pk).update(progress=int(100 * index / len(subjects)))
        with transaction.atomic():
            locked = _locked_round(round)
            _ensure_computable(locked)
            results_refresh(locked)
            Round.objects.filter(pk=round.pk).update(
                computation_status=ComputationStatus.DONE, progress=100, computed_at=timezone.now()
            )
    except Exception as error:
        Round.objects.filter(pk=round.pk).update(
            computation_status=ComputationStatus.FAILED, computation_error=str(error)[:1000]
        )
        raise
    round.refresh_from_db()
    return round


def _weighted(value: Decimal | None, weight: Decimal) -> Decimal | None:
    return None if value is None else _q(value * weight / HUNDRED)


def _score_subject(evaluation_round, subject, indicator, period) -> None:
    weight = indicator.weight if indicator.is_weighted else Decimal(0)
    if indicator.kind == IndicatorKind.COMPUTED:
        value, inputs = indicators.compute(indicator.formula_key, subject, period)
        Score.objects.update_or_create(
            round=evaluation_round,
            subject=subject,
            indicator=indicator,
            defaults={
                "source": ScoreSource.COMPUTED,
                "value": value,
                "weight": weight,
                "weighted_value": _weighted(value, weight),
                "explanation": {"formula": indicator.formula_key, "inputs": inputs},
                "scored_at": timezone.now(),
                "scored_by": None,
            },
        )
        return
    score, created = Score.objects.get_or_create(
        round=evaluation_round,
        subject=subject,
        indicator=indicator,
        defaults={
            "source": ScoreSource.MANUAL,
            "weight": weight,
            # Bonus and deduction items count 0 until an evaluator awards points.
            "value": None if indicator.is_weighted else Decimal(0),
            "weighted_value": None,
        },
    )
    if not created and score.weight != weight:
        score.weight = weight
        score.weighted_value = _weighted(score.value, weight) if indicator.is_weighted else None
        score.save(update_fields=["weight", "weighted_value"])


@transaction.atomic
def score_enter(
    *,
    actor: User | None,
    round: Round,
    subject: RoundSubject,
    indicator: Indicator,
    value,
    evidence: str,
) -> Score:
    """An evaluator's score for a manual indicator (0–100), or the points of a bonus or
    deduction item (0 to its maximum), with the evidence it rests on."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Round, round.pk)
    locked = _locked_round(round)
    _ensure_open(locked)
    if locked.status != RoundStatus.SCORING:
        raise WorkflowConflict(_("Scores are entered while the round is in scoring."))
    if subject.round_id != locked.pk or indicator.dimension.scheme_id != locked.scheme_id:
        raise ValidationError(_("This indicator or subject is not part of the round."))
    if indicator.kind == IndicatorKind.COMPUTED:
        raise ValidationError(_("This indicator is computed from the data, not entered."))
    if value is None or value == "":
        raise ValidationError({"value": _("Enter a score.")})
    value = _q(value)
    maximum = HUNDRED if indicator.is_weighted else indicator.max_points
    if value < 0 or value > maximum:
        raise ValidationError(
            {"value": _("The score must be between 0 and %(maximum)s.") % {"maximum": maximum}}
        )
    if not (evidence or "").strip():
        raise ValidationError({"evidence": _("Say what evidence the score rests on.")})
    weight = indicator.weight if indicator.is_weighted else Decimal(0)
    score, _created = Score.objects.update_or_create(
        round=locked,
        subject=subject,
        indicator=indicator,
        defaults={
            "source": ScoreSource.MANUAL,
            "value": value,
            "weight": weight,
            "weighted_value": _weighted(value, weight) if indicator.is_weighted else None,
            "evidence": evidence.strip(),
            "explanation": {"entered_by": actor.get_username() if actor else None},
            "scored_by": actor,
            "scored_at": timezone.now(),
        },
    )
    results_refresh(locked)
    return score


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def grade_cutoffs() -> list[Decimal]:
    """The lowest totals of 优秀, 良好 and 合格 (``CHENGXIN_EVALUATION_GRADES``). The system
    check ``evaluations.E001`` refuses a bad value at start-up; should one reach a running
    process anyway, it is named rather than silently misgrading every subject."""
    try:
        return parse_grade_cutoffs(settings.CHENGXIN_EVALUATION_GRADES)
    except ValueError as error:
        raise ImproperlyConfigured(f"CHENGXIN_EVALUATION_GRADES is invalid: {error}.") from None


def grade_for(total: Decimal | None, cutoffs: list[Decimal]) -> str:
    if total is None:
        return ""
    for grade, cutoff in zip((Grade.EXCELLENT, Grade.GOOD, Grade.PASS), cutoffs, strict=False):
        if total >= cutoff:
            return grade
    return Grade.FAIL


def previous_round(evaluation_round: Round) -> Round | None:
    """The latest published round before this one with the same scheme, organiser and
    level: the one its changes are measured against."""
    return (
        Round.objects.filter(
            status=RoundStatus.PUBLISHED,
            scheme_id=evaluation_round.scheme_id,
            organiser_id=evaluation_round.organiser_id,
            level=evaluation_round.level,
            period_end__lt=evaluation_round.period_start,
        )
        .exclude(pk=evaluation_round.pk)
        .order_by("-period_end")
        .first()
    )


def results_refresh(evaluation_round: Round, cutoffs: list[Decimal] | None = None) -> None:
    """Totals, grades, ranks and changes of every subject, from the stored scores. A
    subject's total stays empty while one of its weighted indicators has no score."""
    cutoffs = cutoffs or grade_cutoffs()
    subjects = list(evaluation_round.subjects.all())
    scores = list(
        Score.objects.filter(round=evaluation_round).select_related("indicator__dimension")
    )
    _restamp_weights(scores)
    by_subject: dict[int, list[Score]] = {}
    for score in scores:
        by_subject.setdefault(score.subject_id, []).append(score)
    weighted_count = Indicator.objects.filter(
        dimension__scheme_id=evaluation_round.scheme_id, kind__in=["computed", "manual"]
    ).count()
    previous = previous_round(evaluation_round)
    previous_totals = {}
    if previous is not None:
        previous_totals = {
            (row.region_id, row.department_id): row.total for row in previous.subjects.all()
        }
    for subject in subjects:
        rows = by_subject.get(subject.pk, [])
        dimensions: dict[str, Decimal] = {}
        base, bonus, deduction, complete = Decimal(0), Decimal(0), Decimal(0), 0
        for score in rows:
            indicator = score.indicator
            if indicator.kind == IndicatorKind.BONUS:
                bonus += score.value or 0
            elif indicator.kind == IndicatorKind.DEDUCTION:
                deduction += score.value or 0
            elif score.weighted_value is not None:
                complete += 1
                base += score.weighted_value
                name = indicator.dimension.name
                dimensions[name] = dimensions.get(name, Decimal(0)) + score.weighted_value
        subject.dimension_scores = {name: str(_q(value)) for name, value in dimensions.items()}
        subject.base = _q(base) if complete == weighted_count and rows else None
        subject.bonus = _q(bonus)
        subject.deduction = _q(deduction)
        subject.total = (
            max(_q(base + bonus - deduction), Decimal(0)) if subject.base is not None else None
        )
        subject.grade = grade_for(subject.total, cutoffs)
        subject.previous_total = previous_totals.get((subject.region_id, subject.department_id))
        subject.change = (
            subject.total - subject.previous_total
            if subject.total is not None and subject.previous_total is not None
            else None
        )
    ranked = sorted((s for s in subjects if s.total is not None), key=lambda s: -s.total)
    for subject in subjects:
        subject.rank = None
    for position, subject in enumerate(ranked, start=1):
        tied = position > 1 and subject.total == ranked[position - 2].total
        subject.rank = ranked[position - 2].rank if tied else position
    RoundSubject.objects.bulk_update(
        subjects,
        [
            "dimension_scores",
            "base",
            "bonus",
            "deduction",
            "total",
            "grade",
            "rank",
            "previous_total",
            "change",
        ],
    )


def _restamp_weights(scores: list[Score]) -> None:
    """Stamp every weighted score with its indicator's current weight, so that a total never
    adds scores weighted under two versions of the scheme (a draft round computed before
    the weights changed). Weights cannot change once a round is in scoring, so a published
    round keeps the weights it was scored with."""
    stale = []
    for score in scores:
        indicator = score.indicator
        if indicator.is_weighted and score.weight != indicator.weight:
            score.weight = indicator.weight
            score.weighted_value = _weighted(score.value, indicator.weight)
            stale.append(score)
    if stale:
        Score.objects.bulk_update(stale, ["weight", "weighted_value"])


def level_for_region(region: Region) -> str:
    return SubjectLevel.CITY if region.level == RegionLevel.PROVINCE else SubjectLevel.COUNTY
