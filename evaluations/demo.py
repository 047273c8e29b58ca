"""Demo data of the evaluations app for ``make run``: under the default scheme, a published
round over the 13 cities for last year and a round in scoring for this year, both computed
(synchronously, here) from the demo data of the other apps, with evaluators' manual scores.

Idempotent: rounds are found by name; each is moved on from whatever state it is in; a
round already computed is not computed again and a score already entered is not entered
again, so a second run writes nothing (not even history rows).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.models import Region
from core.reference import PROVINCE

from . import services
from .models import (
    ComputationStatus,
    Indicator,
    IndicatorKind,
    Round,
    RoundStatus,
    Score,
    ScoreSource,
    SubjectLevel,
)

EVIDENCE = "评价组查阅了政府网站、政务公开年报及相关台账。"
BONUS_EVIDENCE = "诚信建设创新做法获省级推广。"
DEDUCTION_EVIDENCE = "年内发生一起被媒体曝光的政务失信事件。"


def _manual_value(region_code: str, indicator_pk: int) -> Decimal:
    """A believable score between 68 and 96, different per region and indicator."""
    seed = (int(region_code) // 100 + indicator_pk * 7) % 15
    return Decimal(68 + seed * 2)


def _enter_manual_scores(evaluation_round: Round, *, skip_last: int = 0) -> int:
    subjects = list(evaluation_round.subjects.select_related("region").order_by("region__code"))
    if skip_last:
        subjects = subjects[:-skip_last]
    items = list(
        Indicator.objects.filter(dimension__scheme=evaluation_round.scheme).exclude(
            kind=IndicatorKind.COMPUTED
        )
    )
    entered_before = {
        (subject_pk, indicator_pk): value
        for subject_pk, indicator_pk, value in Score.objects.filter(
            round=evaluation_round, source=ScoreSource.MANUAL
        ).values_list("subject_id", "indicator_id", "value")
    }
    entered = 0
    for subject in subjects:
        code = subject.region.code
        for indicator in items:
            if indicator.kind == IndicatorKind.MANUAL:
                value, evidence = _manual_value(code, indicator.pk), EVIDENCE
            elif indicator.kind == IndicatorKind.BONUS and code in ("320500", "320200"):
                value, evidence = Decimal(3), BONUS_EVIDENCE
            elif indicator.kind == IndicatorKind.DEDUCTION and code == "320800":
                value, evidence = Decimal(4), DEDUCTION_EVIDENCE
            else:
                continue
            if entered_before.get((subject.pk, indicator.pk)) == value:
                continue  # already entered on an earlier run: entering it again adds history
            services.score_enter(
                actor=None,
                round=evaluation_round,
                subject=subject,
                indicator=indicator,
                value=value,
                evidence=evidence,
            )
            entered += 1
    return entered


def _round(name: str, year: int, province: Region, scheme) -> Round:
    existing = Round.objects.filter(name=name).first()
    if existing is not None:
        return existing
    return services.round_create(
        actor=None,
        name=name,
        scheme=scheme,
        organiser=province,
        level=SubjectLevel.CITY,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 12, 31),
    )


def seed_demo() -> dict[str, int]:
    scheme = services.default_scheme()
    province = Region.objects.get(code=PROVINCE[0])
    year = timezone.localdate().year
    created = Round.objects.count()

    previous = _round(f"{year - 1}年度设区市政务诚信评价", year - 1, province, scheme)
    if previous.status == RoundStatus.DRAFT:
        services.round_start_scoring(actor=None, round=previous)
    if previous.status == RoundStatus.SCORING:
        services.round_compute(actor=None, round=previous)
        _enter_manual_scores(previous)
        services.round_submit_for_review(actor=None, round=previous)
    if previous.status == RoundStatus.REVIEW:
        services.round_publish(actor=None, round=previous)

    current = _round(f"{year}年度设区市政务诚信评价", year, province, scheme)
    if current.status == RoundStatus.DRAFT:
        services.round_start_scoring(actor=None, round=current)
    if current.status == RoundStatus.SCORING:
        # Computed on an earlier run: recomputing would rewrite every score (and its history)
        # to the same values. A supervisor recomputes from the round's page.
        if current.computation_status != ComputationStatus.DONE:
            services.round_compute(actor=None, round=current)
        # Three cities still await the evaluators' scores, as in a round under way.
        _enter_manual_scores(current, skip_last=3)
    return {"rounds": Round.objects.count() - created}
