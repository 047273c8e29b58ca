"""Computing a round's scores: queued as a Celery task after commit (``_enqueue``), then
scored subject by subject (``_score_subject``); and scores entered by hand."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import WorkflowConflict
from core.models import User
from core.roles import Role
from core.services import ensure_in_scope, ensure_role

from .. import indicators
from ..models import (
    ComputationStatus,
    Indicator,
    IndicatorKind,
    Round,
    RoundStatus,
    RoundSubject,
    Score,
    ScoreSource,
)
from .base import HUNDRED, _locked_round, _q, _weighted, logger
from .results import results_refresh


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


ACTIVE_STATUSES = (ComputationStatus.QUEUED, ComputationStatus.RUNNING)


def round_request_computation(*, actor: User | None, round: Round) -> Round:
    """Queue the computation of a round (a Celery task); the round page shows its progress.

    A round whose computation is queued or running is refused (``WorkflowConflict``) before
    anything is queued: two computations of one round at once overwrote each other's status,
    and one could fail half-way with the round under review. A computation that has not moved
    for ``CHENGXIN_COMPUTATION_STALE_MINUTES`` is taken as lost and may be asked for again.

    The task is queued after commit; when the broker cannot take it, the round is marked
    failed with the reason, and the round returned (read after the commit) says so."""
    with transaction.atomic():
        ensure_role(actor, Role.SUPERVISOR)
        if actor is not None:
            ensure_in_scope(actor, Round, round.pk)
        locked = _locked_round(round)
        _ensure_computable(locked)
        now = timezone.now()
        stale_before = now - timedelta(minutes=settings.CHENGXIN_COMPUTATION_STALE_MINUTES)
        # The claim is a conditional update: only one request moves the round to "queued",
        # whatever the database's locking.
        claimed = (
            Round.objects.filter(pk=locked.pk)
            .filter(
                ~Q(computation_status__in=ACTIVE_STATUSES)
                | Q(computation_updated_at__isnull=True)
                | Q(computation_updated_at__lt=stale_before)
            )
            .update(
                computation_status=ComputationStatus.QUEUED,
                progress=0,
                computation_error="",
                computation_updated_at=now,
            )
        )
        if not claimed:
            raise WorkflowConflict(
                _(
                    "This round is already being computed; wait until the computation has "
                    "finished, then ask again."
                )
            )
        transaction.on_commit(lambda: _enqueue(locked.pk))
    round.refresh_from_db()
    return round


def _enqueue(round_id: int) -> None:
    from ..tasks import compute_round

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
    # Refused before it starts: the round's computation status is left as it was.
    _ensure_computable(Round.objects.get(pk=round.pk))
    try:
        items = list(
            Indicator.objects.filter(dimension__scheme_id=round.scheme_id).select_related(
                "dimension"
            )
        )
        subjects = list(round.subjects.select_related("region", "department"))
        period = indicators.Period(start=round.period_start, end=round.period_end)
        Round.objects.filter(pk=round.pk).update(
            computation_status=ComputationStatus.RUNNING,
            progress=0,
            computation_error="",
            computation_updated_at=timezone.now(),
        )
        for index, subject in enumerate(subjects, start=1):
            with transaction.atomic():
                # Publishing takes the same lock, so a round cannot be published half-computed.
                _ensure_computable(_locked_round(round))
                for indicator in items:
                    _score_subject(round, subject, indicator, period)
                Round.objects.filter(pk=round.pk).update(
                    progress=int(100 * index / len(subjects)),
                    computation_updated_at=timezone.now(),
                )
        with transaction.atomic():
            locked = _locked_round(round)
            _ensure_computable(locked)
            results_refresh(locked)
            Round.objects.filter(pk=round.pk).update(
                computation_status=ComputationStatus.DONE,
                progress=100,
                computed_at=timezone.now(),
                computation_updated_at=timezone.now(),
            )
    except Exception as error:
        Round.objects.filter(pk=round.pk).update(
            computation_status=ComputationStatus.FAILED,
            computation_error=failure_reason(error),
            computation_updated_at=timezone.now(),
        )
        raise
    round.refresh_from_db()
    return round


def failure_reason(error: BaseException) -> str:
    """Why a computation failed, as the round page shows it: never empty, even for an
    exception without a message."""
    if isinstance(error, WorkflowConflict):
        reason = str(error.message)
    elif isinstance(error, ValidationError):
        reason = " ".join(error.messages)
    else:
        reason = str(error)
    reason = reason.strip() or _("an unexpected error (%(kind)s)") % {"kind": type(error).__name__}
    return (_("The computation failed: %(reason)s") % {"reason": reason})[:1000]


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
