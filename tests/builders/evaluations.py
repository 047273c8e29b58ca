"""A small scheme and round whose scores are computed by hand in the tests.

Scheme (weights total 100):
  守信 (60): A = records per 100 departments (computed, 40), B = manual (20)
  履约 (40): C = commitments kept (computed, 40)
  bonus (up to 5), deduction (up to 10)

and the evaluated regions' feedback on their draft scores (``make_feedback``, ``make_answer``).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from credit_records.models import Commitment, CommitmentStatus
from evaluations import services
from evaluations.models import Dimension, Indicator, IndicatorKind, Scheme, Score, SubjectLevel

from .core import DepartmentFactory
from .records import make_record

D = Decimal


def make_small_scheme() -> Scheme:
    scheme = Scheme.objects.create(name="测试方案")
    d1 = Dimension.objects.create(scheme=scheme, name="守信", weight=D(60), order=1)
    d2 = Dimension.objects.create(scheme=scheme, name="履约", weight=D(40), order=2)
    Indicator.objects.create(
        dimension=d1,
        name="A",
        kind=IndicatorKind.COMPUTED,
        formula_key="records_per_100_departments",
        weight=D(40),
        order=1,
    )
    Indicator.objects.create(
        dimension=d1, name="B", kind=IndicatorKind.MANUAL, weight=D(20), order=2
    )
    Indicator.objects.create(
        dimension=d2,
        name="C",
        kind=IndicatorKind.COMPUTED,
        formula_key="commitments_kept",
        weight=D(40),
        order=1,
    )
    Indicator.objects.create(
        dimension=d2, name="Bonus", kind=IndicatorKind.BONUS, max_points=D(5), order=2
    )
    Indicator.objects.create(
        dimension=d2, name="Deduction", kind=IndicatorKind.DEDUCTION, max_points=D(10), order=3
    )
    return scheme


def make_jiangning_data(regions):
    """江宁区: 20 departments, one confirmed record in the period, commitments 3 kept and 1
    broken. 玄武区 has nothing at all."""
    today = timezone.localdate()
    departments = [DepartmentFactory(region=regions["320115"]) for _ in range(20)]
    record = make_record(departments[0], state="confirmed")
    for status in [CommitmentStatus.FULFILLED] * 3 + [CommitmentStatus.BROKEN]:
        Commitment.objects.create(
            department=departments[1],
            content="按期办结",
            promised_date=today - datetime.timedelta(days=10),
            status=status,
        )
    return departments, record


def make_county_round(
    regions, scheme, *, actor=None, organiser="320100", subjects=("320115", "320102")
):
    today = timezone.localdate()
    return services.round_create(
        actor=actor,
        name="测试轮次",
        scheme=scheme,
        organiser=regions[organiser],
        level=SubjectLevel.COUNTY,
        period_start=today - datetime.timedelta(days=365),
        period_end=today,
        subjects=[regions[code] for code in subjects],
    )


def indicator(scheme, name) -> Indicator:
    return Indicator.objects.get(dimension__scheme=scheme, name=name)


def make_score(evaluation_round, code, name, value, actor=None):
    subject = evaluation_round.subjects.get(region__code=code)
    return services.score_enter(
        actor=actor,
        round=evaluation_round,
        subject=subject,
        indicator=indicator(evaluation_round.scheme, name),
        value=D(value),
        evidence="评价组核查材料",
    )


def make_scored_round(regions, actor=None):
    """The small round computed and fully scored, in review."""
    scheme = make_small_scheme()
    make_jiangning_data(regions)
    evaluation_round = make_county_round(regions, scheme, actor=actor)
    services.round_start_scoring(actor=actor, round=evaluation_round)
    services.round_compute(actor=actor, round=evaluation_round)
    make_score(evaluation_round, "320115", "B", "80", actor)
    make_score(evaluation_round, "320115", "Bonus", "3", actor)
    make_score(evaluation_round, "320115", "Deduction", "1", actor)
    make_score(evaluation_round, "320102", "B", "90", actor)
    services.round_submit_for_review(actor=actor, round=evaluation_round)
    return evaluation_round


def make_published_round(regions, actor=None):
    """The small round over 江宁区 and 玄武区, computed from whatever data there is (nothing
    of its own), scored and published."""
    scheme = make_small_scheme()
    evaluation_round = make_county_round(regions, scheme, actor=actor)
    services.round_start_scoring(actor=actor, round=evaluation_round)
    services.round_compute(actor=actor, round=evaluation_round)
    make_score(evaluation_round, "320115", "B", "80", actor)
    make_score(evaluation_round, "320102", "B", "90", actor)
    services.round_submit_for_review(actor=actor, round=evaluation_round)
    return services.round_publish(actor=actor, round=evaluation_round)


def feedback_score(evaluation_round, code, name) -> Score:
    """The score of region ``code`` for indicator ``name`` in the round."""
    return Score.objects.get(
        round=evaluation_round, subject__region__code=code, indicator__name=name
    )


def make_feedback(
    evaluation_round,
    code="320115",
    name="B",
    *,
    actor=None,
    explanation="评价组未采纳我区报送的政务公开年报，请复核。",
    proposed_value=None,
    files=(),
):
    """Feedback of region ``code`` on its score for indicator ``name`` (the round is in
    review and its feedback window open), filed through the service."""
    return services.feedback_file(
        actor=actor,
        score=feedback_score(evaluation_round, code, name),
        explanation=explanation,
        proposed_value=proposed_value,
        files=files,
    )


def make_answer(feedback, *, accept, value=None, reason="经复核，予以答复。", actor=None):
    return services.feedback_answer(
        actor=actor, feedback=feedback, accept=accept, value=value, reason=reason
    )
