"""Who may move a round, what each role and region sees, and the computation task."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from evaluations import selectors, services, tasks
from evaluations.models import ComputationStatus, Round, RoundStatus, Score
from evaluations.services import computation

from ..builders.evaluations import make_county_round, make_scored_round, make_small_scheme

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_supervisor_moves_their_round_through_its_lifecycle(regions, nanjing_supervisor):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)
    assert evaluation_round.status == RoundStatus.REVIEW
    services.round_return_to_scoring(actor=nanjing_supervisor, round=evaluation_round)
    services.round_submit_for_review(actor=nanjing_supervisor, round=evaluation_round)
    services.round_publish(actor=nanjing_supervisor, round=evaluation_round)
    evaluation_round.refresh_from_db()
    assert evaluation_round.status == RoundStatus.PUBLISHED
    assert evaluation_round.published_by == nanjing_supervisor
    assert evaluation_round.history.count() >= 4


def test_a_transition_out_of_order_is_a_conflict(regions, nanjing_supervisor):
    evaluation_round = make_county_round(regions, make_small_scheme(), actor=nanjing_supervisor)
    with pytest.raises(services.WorkflowConflict):
        services.round_publish(actor=nanjing_supervisor, round=evaluation_round)
    assert Round.objects.get(pk=evaluation_round.pk).status == RoundStatus.DRAFT


def test_a_round_with_missing_scores_cannot_go_to_review_and_the_refusal_names_them(regions):
    evaluation_round = make_county_round(regions, make_small_scheme())
    services.round_start_scoring(actor=None, round=evaluation_round)
    services.round_compute(actor=None, round=evaluation_round)
    # Computed: A and C are computed and Bonus/Deduction count 0 until awarded; the manual
    # indicator B is entered by nobody yet, for either of the two districts.
    with pytest.raises(services.WorkflowConflict) as refusal:
        services.round_submit_for_review(actor=None, round=evaluation_round)
    assert "2" in str(refusal.value)
    assert "玄武区 · B" in str(refusal.value)
    assert "江宁区 · B" in str(refusal.value)
    assert Round.objects.get(pk=evaluation_round.pk).status == RoundStatus.SCORING


def test_a_round_with_missing_scores_cannot_be_published(regions):
    evaluation_round = make_county_round(regions, make_small_scheme())
    services.round_start_scoring(actor=None, round=evaluation_round)
    services.round_compute(actor=None, round=evaluation_round)
    # However it got to review with a score missing, publication still refuses it.
    Round.objects.filter(pk=evaluation_round.pk).update(status=RoundStatus.REVIEW)
    with pytest.raises(services.WorkflowConflict):
        services.round_publish(actor=None, round=evaluation_round)


def test_a_round_never_computed_misses_every_computed_score(regions):
    evaluation_round = make_county_round(regions, make_small_scheme())
    services.round_start_scoring(actor=None, round=evaluation_round)

    completeness = selectors.round_completeness(evaluation_round)

    # 2 districts × 5 indicators, and no score at all before the first computation.
    assert (completeness.expected, completeness.scored, completeness.percent) == (10, 0, 0)
    with pytest.raises(services.WorkflowConflict):
        services.round_submit_for_review(actor=None, round=evaluation_round)


def test_the_round_page_shows_how_complete_the_scores_are(regions, nanjing_supervisor, login):
    evaluation_round = make_county_round(regions, make_small_scheme())
    services.round_start_scoring(actor=None, round=evaluation_round)
    services.round_compute(actor=None, round=evaluation_round)
    client = login(nanjing_supervisor)
    url = f"/workspace/evaluations/rounds/{evaluation_round.pk}/"

    page = client.get(url).content.decode()
    # 10 scores expected, 8 there (A, C, Bonus, Deduction for each): 80%.
    assert "已评分 8 / 10 项（80%）" in page
    assert "尚缺 2 项评分，本轮暂不能提交审核" in page
    jiangning = evaluation_round.subjects.get(region__code="320115")
    assert f"/rounds/{evaluation_round.pk}/subjects/{jiangning.pk}/" in page

    # The page's own "submit for review" button is refused with the names, and nothing moves.
    response = client.post(f"{url}action/submit_for_review/", follow=True)
    assert "江宁区 · B" in response.content.decode()
    assert Round.objects.get(pk=evaluation_round.pk).status == RoundStatus.SCORING

    for code, value in (("320115", "80"), ("320102", "90")):
        services.score_enter(
            actor=None,
            round=evaluation_round,
            subject=evaluation_round.subjects.get(region__code=code),
            indicator=evaluation_round.scheme.dimensions.get(name="守信").indicators.get(name="B"),
            value=D(value),
            evidence="核查材料",
        )
    page = client.get(url).content.decode()
    assert "已评分 10 / 10 项（100%）" in page
    assert "可以提交审核" in page


@pytest.mark.parametrize("who", ["auditor", "nanjing_liaison"])
def test_auditors_and_liaisons_cannot_move_a_round(regions, who, request):
    user = request.getfixturevalue(who)
    evaluation_round = make_county_round(regions, make_small_scheme())
    with pytest.raises(PermissionDenied):
        services.round_start_scoring(actor=user, round=evaluation_round)
    with pytest.raises(PermissionDenied):
        services.round_request_computation(actor=user, round=evaluation_round)


def test_another_citys_supervisor_cannot_move_a_round(regions, suzhou_supervisor):
    evaluation_round = make_county_round(regions, make_small_scheme())
    with pytest.raises(services.OutOfScope):
        services.round_start_scoring(actor=suzhou_supervisor, round=evaluation_round)


def test_a_city_sees_its_own_counties_draft_results_and_not_another_citys(
    regions, nanjing_supervisor, suzhou_supervisor, province_supervisor
):
    # A province round over counties of Nanjing and Suzhou, still a draft.
    evaluation_round = make_county_round(
        regions, make_small_scheme(), organiser="320000", subjects=("320115", "320102", "320505")
    )
    services.round_start_scoring(actor=None, round=evaluation_round)
    services.round_compute(actor=None, round=evaluation_round)

    assert evaluation_round in selectors.rounds(nanjing_supervisor)
    nanjing_sees = {s.region.code for s in selectors.subjects(nanjing_supervisor, evaluation_round)}
    assert nanjing_sees == {"320115", "320102"}
    nanjing_scores = {
        s.subject.region.code for s in selectors.scores(nanjing_supervisor, evaluation_round)
    }
    assert "320505" not in nanjing_scores
    suzhou_sees = {s.region.code for s in selectors.subjects(suzhou_supervisor, evaluation_round)}
    assert suzhou_sees == {"320505"}
    province_sees = {
        s.region.code for s in selectors.subjects(province_supervisor, evaluation_round)
    }
    assert province_sees == {"320115", "320102", "320505"}


def test_a_citys_draft_round_is_invisible_to_another_city_until_published(
    regions, nanjing_supervisor, suzhou_supervisor, auditor
):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)
    assert evaluation_round not in selectors.rounds(suzhou_supervisor)
    services.round_publish(actor=nanjing_supervisor, round=evaluation_round)
    for user in (suzhou_supervisor, auditor):
        assert evaluation_round in selectors.rounds(user)
        assert selectors.subjects(user, evaluation_round).count() == 2


def test_the_task_computes_and_records_its_progress(regions, monkeypatch):
    evaluation_round = make_county_round(regions, make_small_scheme())
    seen = []
    original = computation._score_subject

    def spy(round_, subject, indicator, period):
        seen.append(Round.objects.get(pk=round_.pk).progress)
        return original(round_, subject, indicator, period)

    monkeypatch.setattr(computation, "_score_subject", spy)
    tasks.compute_round(evaluation_round.pk)

    evaluation_round.refresh_from_db()
    assert evaluation_round.computation_status == ComputationStatus.DONE
    assert evaluation_round.progress == 100
    assert evaluation_round.computed_at is not None
    # Five indicators for the first subject at 0%, five for the second at 50%.
    assert seen == [0] * 5 + [50] * 5


def test_requesting_a_computation_queues_the_task_after_commit(
    regions, nanjing_supervisor, monkeypatch, django_capture_on_commit_callbacks
):
    evaluation_round = make_county_round(regions, make_small_scheme())
    queued = []
    monkeypatch.setattr(
        tasks.compute_round, "apply_async", lambda args, **options: queued.append(args[0])
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.round_request_computation(actor=nanjing_supervisor, round=evaluation_round)
    evaluation_round.refresh_from_db()
    assert evaluation_round.computation_status == ComputationStatus.QUEUED
    assert queued == [evaluation_round.pk]


def test_a_failing_queue_is_shown_on_the_round(
    regions, monkeypatch, django_capture_on_commit_callbacks
):
    evaluation_round = make_county_round(regions, make_small_scheme())

    def broken(args, **options):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.compute_round, "apply_async", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_request_computation(actor=None, round=evaluation_round)
    evaluation_round.refresh_from_db()
    assert evaluation_round.computation_status == ComputationStatus.FAILED
    assert "broker down" in evaluation_round.computation_error


def test_the_task_leaves_a_published_round_alone(regions):
    evaluation_round = make_scored_round(regions)
    services.round_publish(actor=None, round=evaluation_round)
    assert tasks.compute_round(evaluation_round.pk) is None


def test_the_results_across_rounds_follow_the_same_scope(
    regions, nanjing_supervisor, suzhou_supervisor
):
    evaluation_round = make_county_round(
        regions, make_small_scheme(), organiser="320000", subjects=("320115", "320505")
    )
    assert {s.region.code for s in selectors.results(nanjing_supervisor)} == {"320115"}
    assert {s.region.code for s in selectors.results(suzhou_supervisor)} == {"320505"}
    evaluation_round.subjects.update(total=D("90"))
    type(evaluation_round).objects.filter(pk=evaluation_round.pk).update(status="published")
    assert selectors.results(suzhou_supervisor).count() == 2


def test_a_round_under_review_cannot_be_computed(regions, nanjing_supervisor, login):
    evaluation_round = make_scored_round(regions, actor=nanjing_supervisor)  # in review
    scores = sorted(Score.objects.filter(round=evaluation_round).values_list("pk", "value"))
    with pytest.raises(services.WorkflowConflict):
        services.round_request_computation(actor=nanjing_supervisor, round=evaluation_round)
    with pytest.raises(services.WorkflowConflict):
        services.round_compute(actor=nanjing_supervisor, round=evaluation_round)
    evaluation_round.refresh_from_db()
    assert evaluation_round.computation_status == "done"
    assert sorted(Score.objects.filter(round=evaluation_round).values_list("pk", "value")) == scores

    client = login(nanjing_supervisor)
    compute_url = f"/workspace/evaluations/rounds/{evaluation_round.pk}/compute/"
    page = client.get(f"/workspace/evaluations/rounds/{evaluation_round.pk}/").content.decode()
    assert compute_url not in page
    assert (
        client.post(f"/api/v1/evaluations/rounds/{evaluation_round.pk}/compute/").status_code == 409
    )

    services.round_return_to_scoring(actor=nanjing_supervisor, round=evaluation_round)
    page = client.get(f"/workspace/evaluations/rounds/{evaluation_round.pk}/").content.decode()
    assert compute_url in page
    services.round_compute(actor=nanjing_supervisor, round=evaluation_round)


def test_a_round_being_computed_cannot_be_submitted_for_review(regions):
    evaluation_round = make_county_round(regions, make_small_scheme())
    services.round_start_scoring(actor=None, round=evaluation_round)
    Round.objects.filter(pk=evaluation_round.pk).update(computation_status="queued")
    with pytest.raises(services.WorkflowConflict):
        services.round_submit_for_review(actor=None, round=evaluation_round)
    assert Round.objects.get(pk=evaluation_round.pk).status == RoundStatus.SCORING


def test_a_manual_score_posted_for_a_computed_indicator_is_refused_with_a_message(
    regions, nanjing_supervisor, login
):
    evaluation_round = make_county_round(regions, make_small_scheme())
    services.round_start_scoring(actor=None, round=evaluation_round)
    services.round_compute(actor=None, round=evaluation_round)
    subject = evaluation_round.subjects.get(region__code="320115")
    computed = evaluation_round.scheme.dimensions.get(name="守信").indicators.get(name="A")
    before = subject.scores.get(indicator=computed).value
    url = f"/workspace/evaluations/rounds/{evaluation_round.pk}/subjects/{subject.pk}/"

    response = login(nanjing_supervisor).post(
        url, {"indicator": computed.pk, "value": "10", "evidence": "核查材料"}
    )

    assert response.status_code == 200
    assert "该指标依据数据计算，不能手工录入。" in response.content.decode()
    assert subject.scores.get(indicator=computed).value == before
