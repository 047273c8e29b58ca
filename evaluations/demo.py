"""Demo data of the evaluations app for ``make run``: under the default scheme, a published
round over the 13 cities for last year, a round in scoring for this year, and a round for
this year's first half under review with the cities' feedback on their draft scores (one
item awaiting an answer from 南京市, one accepted and rescored for 苏州市, one rejected for
无锡市), all computed (synchronously, here) from the demo data of the other apps, with
evaluators' manual scores.

Idempotent: rounds are found by name; each is moved on from whatever state it is in; a
round already computed is not computed again and a score already entered is not entered
again, so a second run writes nothing (not even history rows).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.models import Region, User
from core.reference import PROVINCE

from . import services
from .models import (
    ComputationStatus,
    Indicator,
    IndicatorKind,
    Round,
    RoundStatus,
    Score,
    ScoreFeedback,
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


FEEDBACK = [
    # (city, kind of indicator, explanation, answer: None (open), or (accept, change, reason))
    (
        "320100",
        IndicatorKind.MANUAL,
        "评价组未采纳我市政务公开年报中的依申请公开办理数据，现补充提交统计台账，请复核。",
        None,
    ),
    (
        "320500",
        IndicatorKind.MANUAL,
        "我市已于评价期内出台政务诚信考核办法并印发执行，评价组未予计分，附文件请复核。",
        (True, Decimal(6), "经核实，该办法已于评价期内印发执行，予以采纳并调整分数。"),
    ),
    (
        "320200",
        IndicatorKind.MANUAL,
        "我市已建成政务诚信专栏并按月更新，评价组扣分依据不足，请复核。",
        (False, None, "经核查，专栏于评价期末方才上线，评价期内未按月更新，维持原评分。"),
    ),
]


def _demo_user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _file_feedback(evaluation_round: Round) -> int:
    """The cities' feedback in each state, once: filed only while the window is open."""
    if evaluation_round.feedback.exists() or not services.feedback_window_is_open(evaluation_round):
        return 0
    organiser = _demo_user("province")
    filed = 0
    for code, kind, explanation, answer in FEEDBACK:
        score = (
            Score.objects.filter(
                round=evaluation_round, subject__region__code=code, indicator__kind=kind
            )
            .select_related("indicator")
            .order_by("indicator__dimension__order", "indicator__order", "pk")
            .first()
        )
        if score is None:
            continue
        filer = _demo_user({"320100": "nanjing", "320500": "suzhou"}.get(code, ""))
        proposed = min((score.value or Decimal(0)) + Decimal(6), Decimal(100))
        feedback = services.feedback_file(
            actor=filer, score=score, explanation=explanation, proposed_value=proposed
        )
        filed += 1
        if answer is not None:
            accept, change, reason = answer
            value = min((score.value or Decimal(0)) + change, Decimal(100)) if accept else None
            services.feedback_answer(
                actor=organiser, feedback=feedback, accept=accept, value=value, reason=reason
            )
    return filed


def _review_round(year: int, province: Region, scheme) -> Round:
    name = f"{year}年上半年设区市政务诚信评价"
    evaluation_round = Round.objects.filter(name=name).first() or services.round_create(
        actor=None,
        name=name,
        scheme=scheme,
        organiser=province,
        level=SubjectLevel.CITY,
        period_start=datetime.date(year, 1, 1),
        period_end=datetime.date(year, 6, 30),
    )
    if evaluation_round.status == RoundStatus.DRAFT:
        services.round_start_scoring(actor=None, round=evaluation_round)
    if evaluation_round.status == RoundStatus.SCORING:
        if evaluation_round.computation_status != ComputationStatus.DONE:
            services.round_compute(actor=None, round=evaluation_round)
        _enter_manual_scores(evaluation_round)
        services.round_submit_for_review(actor=None, round=evaluation_round)
    if evaluation_round.status == RoundStatus.REVIEW:
        _file_feedback(evaluation_round)
    return evaluation_round


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

    feedback_before = ScoreFeedback.objects.count()
    _review_round(year, province, scheme)
    return {
        "rounds": Round.objects.count() - created,
        "feedback": ScoreFeedback.objects.count() - feedback_before,
    }
