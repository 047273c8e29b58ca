"""Scores are computed exactly as the formulas say, recomputation changes nothing, weights
must total 100, and publishing freezes the results."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluations import services
from evaluations.models import Grade, Round, RoundStatus, Score

from ..builders.core import DepartmentFactory
from ..builders.evaluations import (
    make_county_round,
    make_jiangning_data,
    make_score,
    make_scored_round,
    make_small_scheme,
)
from ..builders.records import make_record

pytestmark = pytest.mark.django_db
D = Decimal


def test_it_computes_the_hand_computed_scores(regions, nanjing_supervisor):
    scheme = make_small_scheme()
    _departments, record = make_jiangning_data(regions)
    evaluation_round = make_county_round(regions, scheme, actor=nanjing_supervisor)
    services.round_start_scoring(actor=nanjing_supervisor, round=evaluation_round)
    services.round_compute(actor=nanjing_supervisor, round=evaluation_round)

    jiangning = evaluation_round.subjects.get(region__code="320115")
    a = Score.objects.get(subject=jiangning, indicator__name="A")
    # 1 record per 20 departments = 5 per 100; 100 − 10 × 5 = 50; weighted 50 × 40 / 100.
    assert a.value == D("50.00")
    assert a.weighted_value == D("20.00")
    assert a.explanation["inputs"]["record_ids"] == [record.pk]
    assert a.explanation["inputs"]["departments"] == 20
    c = Score.objects.get(subject=jiangning, indicator__name="C")
    # 3 of 4 assessed commitments kept = 75; weighted 75 × 40 / 100.
    assert (c.value, c.weighted_value) == (D("75.00"), D("30.00"))
    # The manual score is still missing: no total yet.
    jiangning.refresh_from_db()
    assert jiangning.total is None

    make_score(evaluation_round, "320115", "B", "80", nanjing_supervisor)  # 80 × 20 / 100 = 16
    make_score(evaluation_round, "320115", "Bonus", "3", nanjing_supervisor)
    make_score(evaluation_round, "320115", "Deduction", "1", nanjing_supervisor)
    make_score(evaluation_round, "320102", "B", "90", nanjing_supervisor)  # 18

    jiangning.refresh_from_db()
    assert jiangning.dimension_scores == {"守信": "36.00", "履约": "30.00"}
    assert jiangning.base == D("66.00")
    assert jiangning.total == D("68.00")  # 66 + 3 − 1
    assert jiangning.grade == Grade.PASS
    assert jiangning.rank == 2
    xuanwu = evaluation_round.subjects.get(region__code="320102")
    # Nothing to measure: full marks on A and C (40 + 40), plus 18.
    assert (xuanwu.total, xuanwu.grade, xuanwu.rank) == (D("98.00"), Grade.EXCELLENT, 1)
    assert Score.objects.get(subject=xuanwu, indicator__name="A").explanation["inputs"]["no_data"]


def test_recomputing_is_idempotent(regions):
    evaluation_round = make_scored_round(regions)
    before = sorted(
        Score.objects.filter(round=evaluation_round).values_list(
            "pk", "indicator_id", "value", "weighted_value"
        )
    )
    totals = list(evaluation_round.subjects.values_list("pk", "total", "rank"))

    # A round under review is not recomputed: it goes back to scoring first.
    services.round_return_to_scoring(actor=None, round=evaluation_round)
    services.round_compute(actor=None, round=evaluation_round)
    services.round_compute(actor=None, round=evaluation_round)

    after = sorted(
        Score.objects.filter(round=evaluation_round).values_list(
            "pk", "indicator_id", "value", "weighted_value"
        )
    )
    assert after == before
    assert list(evaluation_round.subjects.values_list("pk", "total", "rank")) == totals


def test_weights_not_totalling_100_are_refused_with_a_clear_message(regions, province_supervisor):
    scheme = make_small_scheme()
    d1 = scheme.dimensions.get(name="守信")
    with pytest.raises(ValidationError) as error:
        services.scheme_set_weights(
            actor=province_supervisor, scheme=scheme, dimensions={d1.pk: D(50)}, indicators={}
        )
    assert "权重合计为 90.00，应合计为 100。" in error.value.messages
    d1.refresh_from_db()
    assert d1.weight == D(60)  # nothing changed


def test_indicator_weights_must_match_their_dimension(regions):
    scheme = make_small_scheme()
    a = scheme.dimensions.get(name="守信").indicators.get(name="A")
    with pytest.raises(ValidationError) as error:
        services.scheme_validate_weights(scheme, weights={a.pk: D(30)})
    assert "“守信”" in error.value.messages[0]


def test_valid_weights_are_saved(regions):
    scheme = make_small_scheme()
    d1, d2 = scheme.dimensions.all()
    a = d1.indicators.get(name="A")
    c = d2.indicators.get(name="C")
    services.scheme_set_weights(
        actor=None,
        scheme=scheme,
        dimensions={d1.pk: D(50), d2.pk: D(50)},
        indicators={a.pk: D(30), c.pk: D(50)},
    )
    d1.refresh_from_db()
    assert d1.weight == D(50)


def test_the_default_scheme_has_the_five_principles_with_equal_weights(db):
    scheme = services.default_scheme()
    assert services.default_scheme() == scheme
    assert scheme.is_default
    assert [(d.name, d.weight) for d in scheme.dimensions.all()] == [
        (name, D(20)) for name in ["依法行政", "政务公开", "勤政高效", "守信践诺", "失信惩戒"]
    ]
    services.scheme_validate_weights(scheme)


def test_publishing_freezes_the_results(regions, nanjing_supervisor):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)
    services.round_publish(actor=nanjing_supervisor, round=evaluation_round)
    frozen = list(evaluation_round.subjects.values_list("total", "grade", "rank"))
    scores = list(Score.objects.filter(round=evaluation_round).values_list("value", "explanation"))

    # More dishonesty records for 江宁 after publication.
    jiangning_department = DepartmentFactory(region=regions["320115"])
    make_record(jiangning_department, state="confirmed")
    make_record(jiangning_department, state="confirmed")
    with pytest.raises(services.WorkflowConflict):
        services.round_compute(actor=nanjing_supervisor, round=evaluation_round)
    with pytest.raises(services.WorkflowConflict):
        services.round_request_computation(actor=nanjing_supervisor, round=evaluation_round)

    assert list(evaluation_round.subjects.values_list("total", "grade", "rank")) == frozen
    assert (
        list(Score.objects.filter(round=evaluation_round).values_list("value", "explanation"))
        == scores
    )
    assert Round.objects.get(pk=evaluation_round.pk).grade_cutoffs == ["90", "80", "60"]


def test_grade_cut_offs_come_from_the_settings(regions, settings):
    settings.CHENGXIN_EVALUATION_GRADES = ["99", "70", "69"]
    evaluation_round = make_scored_round(regions)
    jiangning = evaluation_round.subjects.get(region__code="320115")
    xuanwu = evaluation_round.subjects.get(region__code="320102")
    assert (jiangning.grade, xuanwu.grade) == (Grade.FAIL, Grade.GOOD)
    assert services.grade_for(D("69.00"), services.grade_cutoffs()) == Grade.PASS


def test_the_change_is_against_the_previous_published_round(regions):
    first = make_scored_round(regions)
    services.round_publish(actor=None, round=first)
    second = services.round_create(
        actor=None,
        name="下一轮",
        scheme=first.scheme,
        organiser=regions["320100"],
        level=first.level,
        period_start=first.period_end.replace(year=first.period_end.year + 1, month=1, day=1),
        period_end=first.period_end.replace(year=first.period_end.year + 1, month=12, day=31),
        subjects=[regions["320115"], regions["320102"]],
    )
    services.round_start_scoring(actor=None, round=second)
    services.round_compute(actor=None, round=second)
    make_score(second, "320115", "B", "100")
    make_score(second, "320102", "B", "90")
    jiangning = second.subjects.get(region__code="320115")
    # No records nor commitments in the new period: 40 + 20 + 40 = 100 against 68.
    assert (jiangning.total, jiangning.previous_total, jiangning.change) == (
        D("100.00"),
        D("68.00"),
        D("32.00"),
    )


def test_manual_scores_need_evidence_and_a_value_in_range(regions):
    scheme = make_small_scheme()
    evaluation_round = make_county_round(regions, scheme)
    services.round_start_scoring(actor=None, round=evaluation_round)
    services.round_compute(actor=None, round=evaluation_round)
    subject = evaluation_round.subjects.get(region__code="320115")
    b = scheme.dimensions.get(name="守信").indicators.get(name="B")
    bonus = scheme.dimensions.get(name="履约").indicators.get(name="Bonus")
    with pytest.raises(ValidationError) as error:
        services.score_enter(
            actor=None,
            round=evaluation_round,
            subject=subject,
            indicator=b,
            value=D(80),
            evidence="",
        )
    assert "evidence" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.score_enter(
            actor=None,
            round=evaluation_round,
            subject=subject,
            indicator=bonus,
            value=D(6),
            evidence="x",
        )
    assert evaluation_round.status == RoundStatus.SCORING
