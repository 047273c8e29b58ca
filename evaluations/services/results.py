"""A round's results: totals, grades by the configured cutoffs and the change from the previous
round."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.models import Region, RegionLevel

from ..checks import parse_grade_cutoffs
from ..models import (
    Grade,
    Indicator,
    IndicatorKind,
    Round,
    RoundStatus,
    RoundSubject,
    Score,
    SubjectLevel,
)
from .base import _q, _weighted


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
