"""Feedback on draft scores (初评—反馈—复评): the window opened by review, who may file and
read, the organiser's answer and its rescore, publication held while an item is open, and the
notifications and reminders of each step."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.deadlines import send_reminders
from core.models import CalendarDay, Notification, NotificationKind
from evaluations import selectors, services
from evaluations.models import FeedbackStatus, Round, RoundStatus, ScoreFeedback

from ..builders.clock import at
from ..builders.evaluations import (
    feedback_score,
    make_answer,
    make_county_round,
    make_feedback,
    make_jiangning_data,
    make_score,
    make_small_scheme,
)
from ..builders.files import pdf_bytes

pytestmark = pytest.mark.django_db
D = Decimal

# A Friday: review opens then, and five working days later is the next Friday.
FRIDAY = datetime.date(2025, 3, 7)


def score_before_review(regions, organiser):
    """The small round scored and ready to be submitted for review."""
    evaluation_round = make_county_round(regions, make_small_scheme(), actor=organiser)
    make_jiangning_data(regions)
    services.round_start_scoring(actor=organiser, round=evaluation_round)
    services.round_compute(actor=organiser, round=evaluation_round)
    for code, name, value in [("320115", "B", "80"), ("320102", "B", "90")]:
        make_score(evaluation_round, code, name, value, organiser)
    return evaluation_round


# --- the window -----------------------------------------------------------------------------


def test_review_opens_a_window_of_working_days(
    regions, nanjing_supervisor, jiangning, settings, time_machine
):
    settings.CHENGXIN_EVALUATION_FEEDBACK_WORKING_DAYS = 5
    evaluation_round = score_before_review(regions, nanjing_supervisor)
    time_machine.move_to(at(FRIDAY), tick=False)
    services.round_submit_for_review(actor=nanjing_supervisor, round=evaluation_round)
    evaluation_round.refresh_from_db()
    # Five working days after a Friday: Monday 10 to Friday 14 March.
    assert evaluation_round.review_opened_on == FRIDAY
    assert evaluation_round.feedback_closes == datetime.date(2025, 3, 14)


def test_a_holiday_inside_the_window_pushes_its_end_to_the_next_working_day(
    regions, nanjing_supervisor, settings, time_machine
):
    settings.CHENGXIN_EVALUATION_FEEDBACK_WORKING_DAYS = 5
    CalendarDay.objects.update_or_create(
        date=datetime.date(2025, 3, 12), defaults={"is_working_day": False, "note": "假日"}
    )
    evaluation_round = score_before_review(regions, nanjing_supervisor)
    time_machine.move_to(at(FRIDAY), tick=False)
    services.round_submit_for_review(actor=nanjing_supervisor, round=evaluation_round)
    evaluation_round.refresh_from_db()
    # Mon 10, Tue 11, (Wed 12 off), Thu 13, Fri 14, then the weekend: Monday 17 March.
    assert evaluation_round.feedback_closes == datetime.date(2025, 3, 17)


def test_feedback_is_accepted_on_the_last_day_and_refused_the_next(
    regions, nanjing_supervisor, jiangning, settings, time_machine
):
    settings.CHENGXIN_EVALUATION_FEEDBACK_WORKING_DAYS = 5
    evaluation_round = score_before_review(regions, nanjing_supervisor)
    time_machine.move_to(at(FRIDAY), tick=False)
    services.round_submit_for_review(actor=nanjing_supervisor, round=evaluation_round)
    last_day = datetime.date(2025, 3, 14)

    time_machine.move_to(at(last_day, 23, 59), tick=False)
    filed = make_feedback(evaluation_round, "320115", "B", actor=jiangning)
    assert filed.status == FeedbackStatus.OPEN

    # 00:10 on the Shanghai clock is still the day before in UTC: the local day counts.
    time_machine.move_to(at(last_day + datetime.timedelta(days=1), 0, 10), tick=False)
    with pytest.raises(services.WorkflowConflict, match="2025-03-14"):
        make_feedback(evaluation_round, "320115", "A", actor=jiangning)
    assert ScoreFeedback.objects.count() == 1


def test_the_organiser_moves_the_last_day_but_not_into_the_past(in_review, nanjing_supervisor):
    today = datetime.date.today()
    later = today + datetime.timedelta(days=20)
    services.round_set_feedback_window(actor=nanjing_supervisor, round=in_review, closes=later)
    assert Round.objects.get(pk=in_review.pk).feedback_closes == later
    with pytest.raises(ValidationError):
        services.round_set_feedback_window(
            actor=nanjing_supervisor, round=in_review, closes=today - datetime.timedelta(days=1)
        )
    assert Round.objects.get(pk=in_review.pk).feedback_closes == later


def test_a_region_cannot_move_the_window(in_review, jiangning):
    with pytest.raises(services.OutOfScope):
        services.round_set_feedback_window(
            actor=jiangning, round=in_review, closes=datetime.date.today()
        )


def test_feedback_is_filed_only_while_the_round_is_under_review(
    regions, nanjing_supervisor, jiangning
):
    evaluation_round = score_before_review(regions, nanjing_supervisor)
    with pytest.raises(services.WorkflowConflict):
        make_feedback(evaluation_round, "320115", "B", actor=jiangning)
    assert not ScoreFeedback.objects.exists()


# --- who files and who reads ----------------------------------------------------------------


def test_each_region_sees_its_own_draft_scores_and_feedback_only(in_review, jiangning, xuanwu):
    make_feedback(in_review, "320115", "B", actor=jiangning)
    make_feedback(in_review, "320102", "B", actor=xuanwu)

    jiangning_scores = {s.subject.region.code for s in selectors.scores(jiangning, in_review)}
    assert jiangning_scores == {"320115"}
    assert {f.subject.region.code for f in selectors.feedback(jiangning)} == {"320115"}
    assert {f.subject.region.code for f in selectors.feedback(xuanwu)} == {"320102"}


def test_the_organiser_reads_every_regions_feedback(
    in_review, nanjing_supervisor, jiangning, xuanwu
):
    make_feedback(in_review, "320115", "B", actor=jiangning)
    make_feedback(in_review, "320102", "B", actor=xuanwu)
    assert selectors.feedback(nanjing_supervisor, in_review).count() == 2


def test_a_region_cannot_file_feedback_on_another_regions_score(in_review, xuanwu):
    with pytest.raises(services.OutOfScope):
        make_feedback(in_review, "320115", "B", actor=xuanwu)
    assert not ScoreFeedback.objects.exists()


def test_the_organiser_does_not_file_feedback_for_a_region(in_review, nanjing_supervisor):
    with pytest.raises(PermissionDenied):
        make_feedback(in_review, "320115", "B", actor=nanjing_supervisor)


def test_a_parent_office_that_is_not_the_region_does_not_speak_for_it(
    regions, province_supervisor, nanjing_supervisor, jiangning, settings
):
    # A province round over counties: 南京市 sees 江宁区's scores but only 江宁区 files.
    make_jiangning_data(regions)
    evaluation_round = make_county_round(
        regions, make_small_scheme(), actor=province_supervisor, organiser="320000"
    )
    services.round_start_scoring(actor=None, round=evaluation_round)
    services.round_compute(actor=None, round=evaluation_round)
    for code in ("320115", "320102"):
        make_score(evaluation_round, code, "B", "80")
    services.round_submit_for_review(actor=None, round=evaluation_round)
    with pytest.raises(PermissionDenied):
        make_feedback(evaluation_round, "320115", "B", actor=nanjing_supervisor)
    assert make_feedback(evaluation_round, "320115", "B", actor=jiangning).pk


@pytest.mark.parametrize("who", ["auditor", "nanjing_liaison"])
def test_auditors_and_liaisons_file_no_feedback(in_review, who, request):
    with pytest.raises(PermissionDenied):
        make_feedback(in_review, "320115", "B", actor=request.getfixturevalue(who))


# --- what a filing needs --------------------------------------------------------------------


def test_a_filing_needs_an_explanation(in_review, jiangning):
    with pytest.raises(ValidationError) as error:
        make_feedback(in_review, "320115", "B", actor=jiangning, explanation="  ")
    assert "explanation" in error.value.message_dict
    assert not ScoreFeedback.objects.exists()


def test_the_score_asked_for_must_be_a_possible_score(in_review, jiangning):
    with pytest.raises(ValidationError) as error:
        make_feedback(in_review, "320115", "B", actor=jiangning, proposed_value="100.01")
    assert "proposed_value" in error.value.message_dict
    # A bonus item is worth at most its maximum points (5 in the small scheme).
    with pytest.raises(ValidationError):
        make_feedback(in_review, "320115", "Bonus", actor=jiangning, proposed_value="5.5")
    assert make_feedback(in_review, "320115", "Bonus", actor=jiangning, proposed_value="5").pk


def test_evidence_is_checked_by_its_content(in_review, jiangning, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("年报.pdf", b"MZ not a pdf at all")
    with pytest.raises(ValidationError) as error:
        make_feedback(in_review, "320115", "B", actor=jiangning, files=[fake])
    assert "files" in error.value.message_dict
    assert not ScoreFeedback.objects.exists()

    genuine = SimpleUploadedFile("年报.pdf", pdf_bytes())
    feedback = make_feedback(in_review, "320115", "B", actor=jiangning, files=[genuine])
    assert [a.original_name for a in feedback.attachments.all()] == ["年报.pdf"]


def test_a_score_has_one_item_awaiting_an_answer_at_a_time(
    in_review, nanjing_supervisor, jiangning
):
    first = make_feedback(in_review, "320115", "B", actor=jiangning)
    with pytest.raises(ValidationError):
        make_feedback(in_review, "320115", "B", actor=jiangning)
    make_answer(first, accept=False, actor=nanjing_supervisor)
    # Answered, the score may be questioned again (with new evidence).
    assert make_feedback(in_review, "320115", "B", actor=jiangning).pk != first.pk


# --- the answer -----------------------------------------------------------------------------


def test_accepting_rescores_and_recomputes_the_result(in_review, nanjing_supervisor, jiangning):
    subject = in_review.subjects.get(region__code="320115")
    total_before = subject.total
    feedback = make_feedback(in_review, "320115", "B", actor=jiangning, proposed_value="90")

    make_answer(
        feedback, accept=True, value="90", reason="年报已按期公开。", actor=nanjing_supervisor
    )

    score = feedback_score(in_review, "320115", "B")
    assert score.value == D("90.00")
    # B weighs 20: (90 − 80) × 20 / 100 = 2 points more on the weighted score and the total.
    assert score.weighted_value == D("18.00")
    subject.refresh_from_db()
    assert subject.total == total_before + D(2)
    assert subject.grade == services.grade_for(subject.total, services.grade_cutoffs())
    latest = score.history.first()
    assert latest.history_user == nanjing_supervisor
    assert "年报已按期公开" in latest.history_change_reason
    assert score.history.filter(value=D("80.00")).exists()
    feedback.refresh_from_db()
    assert (feedback.status, feedback.new_value) == (FeedbackStatus.ACCEPTED, D("90.00"))
    assert feedback.decided_by == nanjing_supervisor


def test_rejecting_leaves_the_score_and_records_the_reasons(
    in_review, nanjing_supervisor, jiangning
):
    subject = in_review.subjects.get(region__code="320115")
    feedback = make_feedback(in_review, "320115", "B", actor=jiangning)
    make_answer(feedback, accept=False, reason="材料不足以支持调整。", actor=nanjing_supervisor)
    feedback.refresh_from_db()
    assert feedback.status == FeedbackStatus.REJECTED
    assert feedback.decision_reason == "材料不足以支持调整。"
    assert feedback_score(in_review, "320115", "B").value == D("80.00")
    assert in_review.subjects.get(pk=subject.pk).total == subject.total


@pytest.mark.parametrize(
    ("accept", "value", "reason", "field"),
    [
        (True, None, "理由", "value"),
        (True, "80", "理由", "value"),  # the current score: that is a rejection
        (True, "101", "理由", "value"),
        (False, None, " ", "reason"),
    ],
)
def test_a_bad_answer_changes_nothing(
    in_review, nanjing_supervisor, jiangning, accept, value, reason, field
):
    feedback = make_feedback(in_review, "320115", "B", actor=jiangning)
    with pytest.raises(ValidationError) as error:
        make_answer(feedback, accept=accept, value=value, reason=reason, actor=nanjing_supervisor)
    assert field in error.value.message_dict
    feedback.refresh_from_db()
    assert (feedback.status, feedback.new_value) == (FeedbackStatus.OPEN, None)
    assert feedback_score(in_review, "320115", "B").value == D("80.00")


def test_only_the_organiser_answers_and_only_once(in_review, nanjing_supervisor, jiangning):
    feedback = make_feedback(in_review, "320115", "B", actor=jiangning)
    with pytest.raises(PermissionDenied):
        make_answer(feedback, accept=True, value="95", actor=jiangning)
    make_answer(feedback, accept=False, actor=nanjing_supervisor)
    with pytest.raises(services.WorkflowConflict):
        make_answer(feedback, accept=True, value="95", actor=nanjing_supervisor)
    assert feedback_score(in_review, "320115", "B").value == D("80.00")


# --- publication ------------------------------------------------------------------------------


def test_a_round_is_not_published_while_feedback_is_unanswered(
    in_review, nanjing_supervisor, jiangning, xuanwu
):
    first = make_feedback(in_review, "320115", "B", actor=jiangning)
    make_feedback(in_review, "320102", "B", actor=xuanwu)
    with pytest.raises(services.WorkflowConflict, match="2"):
        services.round_publish(actor=nanjing_supervisor, round=in_review)
    assert Round.objects.get(pk=in_review.pk).status == RoundStatus.REVIEW

    make_answer(first, accept=False, actor=nanjing_supervisor)
    with pytest.raises(services.WorkflowConflict, match="1"):
        services.round_publish(actor=nanjing_supervisor, round=in_review)
    for item in ScoreFeedback.objects.filter(status=FeedbackStatus.OPEN):
        make_answer(item, accept=True, value="70", actor=nanjing_supervisor)
    services.round_publish(actor=nanjing_supervisor, round=in_review)
    assert Round.objects.get(pk=in_review.pk).status == RoundStatus.PUBLISHED


def test_the_refusal_names_the_open_items_in_chinese(in_review, nanjing_supervisor, jiangning):
    make_feedback(in_review, "320115", "B", actor=jiangning)
    with pytest.raises(services.WorkflowConflict) as error:
        services.round_publish(actor=nanjing_supervisor, round=in_review)
    assert "1 条反馈尚未答复" in error.value.message


def test_feedback_is_not_answered_once_the_round_is_back_in_scoring(
    in_review, nanjing_supervisor, jiangning
):
    feedback = make_feedback(in_review, "320115", "B", actor=jiangning)
    services.round_return_to_scoring(actor=nanjing_supervisor, round=in_review)
    with pytest.raises(services.WorkflowConflict):
        make_answer(feedback, accept=False, actor=nanjing_supervisor)


# --- notifications and reminders --------------------------------------------------------------


def test_each_region_is_told_when_review_opens(regions, nanjing_supervisor, jiangning, xuanwu):
    evaluation_round = score_before_review(regions, nanjing_supervisor)
    services.round_submit_for_review(actor=nanjing_supervisor, round=evaluation_round)
    told = Notification.objects.about(evaluation_round)
    assert set(told.values_list("recipient__username", flat=True)) == {"jiangning", "xuanwu"}


def test_the_organiser_is_told_of_a_filing_and_the_region_of_the_answer(
    in_review, nanjing_supervisor, jiangning
):
    feedback = make_feedback(in_review, "320115", "B", actor=jiangning)
    assert list(Notification.objects.about(feedback).values_list("recipient", flat=True)) == [
        nanjing_supervisor.pk
    ]
    make_answer(feedback, accept=True, value="88", actor=nanjing_supervisor)
    answered = Notification.objects.about(feedback).filter(recipient=jiangning)
    assert answered.count() == 1
    assert "88" in answered.get().message


def test_the_regions_are_reminded_before_the_window_closes(in_review, jiangning, xuanwu):
    closes = Round.objects.get(pk=in_review.pk).feedback_closes
    sent = send_reminders(today=closes - datetime.timedelta(days=1))
    assert sent == 1
    reminders = Notification.objects.filter(kind=NotificationKind.REMINDER).about(in_review)
    assert set(reminders.values_list("recipient__username", flat=True)) == {"jiangning", "xuanwu"}
    # The same stage goes out once.
    assert send_reminders(today=closes - datetime.timedelta(days=1)) == 0
