"""Feedback on draft scores (初评—反馈—复评): when a round enters review each evaluated region
sees its draft scores and may file feedback on any of them, with evidence, until the round's
``feedback_closes``; the organiser answers each item, accepting it with the new score (the
results are recomputed) or rejecting it with reasons; a round is not published while an item
is unanswered (``rounds._freeze``).

No national rule fixes the length of the window: the default,
``CHENGXIN_EVALUATION_FEEDBACK_WORKING_DAYS`` working days after the day the round entered
review, is ours, and the organiser may move the date. Working days follow the portal's
calendar (holidays and 调休 working weekends), so a window never ends on a rest day.
"""

import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.calendar import add_working_days
from core.exceptions import OutOfScope, WorkflowConflict
from core.models import NotificationKind, User
from core.notifications import notify_translated, supervisors_of
from core.roles import Role
from core.services import ensure_in_scope, ensure_role, review_decide, save_with_history
from core.uploads import validate_attachment

from .. import selectors
from ..models import (
    FeedbackAttachment,
    FeedbackStatus,
    Round,
    RoundStatus,
    Score,
    ScoreFeedback,
)
from .base import HUNDRED, _locked_round, _q, _weighted
from .results import results_refresh


def feedback_window_closes(opened_on: datetime.date) -> datetime.date:
    """The last day of feedback for a round that entered review on ``opened_on``."""
    return add_working_days(opened_on, settings.CHENGXIN_EVALUATION_FEEDBACK_WORKING_DAYS)


def feedback_window_is_open(evaluation_round: Round, today: datetime.date | None = None) -> bool:
    """Whether feedback may be filed now: the round is in review and its last day of feedback
    has not passed (that day itself counts, to midnight on the Shanghai clock)."""
    today = today or timezone.localdate()
    return (
        evaluation_round.status == RoundStatus.REVIEW
        and evaluation_round.feedback_closes is not None
        and today <= evaluation_round.feedback_closes
    )


def open_feedback_count(evaluation_round: Round) -> int:
    return ScoreFeedback.objects.filter(round=evaluation_round, status=FeedbackStatus.OPEN).count()


def _round_url(evaluation_round: Round) -> str:
    return reverse("evaluations:round_detail", args=[evaluation_round.pk])


def feedback_review_opened(locked: Round) -> None:
    """Part of submitting a round for review (``rounds._transition``): open the feedback
    window and tell every evaluated region's office that its draft scores are ready."""
    today = timezone.localdate()
    locked.review_opened_on = today
    locked.feedback_closes = feedback_window_closes(today)
    subjects = list(locked.subjects.select_related("region"))
    recipients = [user for subject in subjects for user in selectors.representatives(subject)]
    notify_translated(
        recipients,
        kind=NotificationKind.WORKFLOW,
        describe=lambda: (
            _("The draft scores of “%(round)s” are ready for your feedback")
            % {"round": locked.name},
            _(
                "Read your draft scores and how each was obtained; feedback on any indicator, "
                "with evidence, is accepted until %(date)s."
            )
            % {"date": locked.feedback_closes.isoformat()},
        ),
        url=_round_url(locked),
        target=locked,
    )


@transaction.atomic
def round_set_feedback_window(*, actor: User | None, round: Round, closes: datetime.date) -> Round:
    """The organiser moves the last day of feedback of a round in review (to give the
    regions more time, or to close early); it cannot be set before today."""
    ensure_role(actor, Role.SUPERVISOR)
    if actor is not None:
        ensure_in_scope(actor, Round, round.pk)
    locked = _locked_round(round)
    if locked.status != RoundStatus.REVIEW:
        raise WorkflowConflict(_("The feedback window is set while the round is under review."))
    if closes is None:
        raise ValidationError({"feedback_closes": _("Enter the last day of feedback.")})
    if closes < timezone.localdate():
        raise ValidationError(
            {"feedback_closes": _("The last day of feedback cannot be before today.")}
        )
    locked.feedback_closes = closes
    save_with_history(
        locked,
        actor=actor,
        reason=_("Feedback accepted until %(date)s") % {"date": closes.isoformat()},
    )
    round.refresh_from_db()
    return locked


def _value_in_range(value, score: Score, field: str) -> Decimal:
    try:
        value = _q(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    indicator = score.indicator
    maximum = HUNDRED if indicator.is_weighted else indicator.max_points
    if value < 0 or value > maximum:
        raise ValidationError(
            {field: _("The score must be between 0 and %(maximum)s.") % {"maximum": maximum}}
        )
    return value


def _checked_files(files) -> list:
    """Every file checked before any is stored: a rolled-back transaction takes the rows back
    but not files already written to storage."""
    checked, problems = [], []
    for uploaded in files or []:
        try:
            checked.append((uploaded, validate_attachment(uploaded)))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"files": problems})
    return checked


@transaction.atomic
def feedback_file(
    *,
    actor: User | None,
    score: Score,
    explanation: str,
    proposed_value=None,
    files=(),
) -> ScoreFeedback:
    """An evaluated region's feedback on one of its draft scores, with its explanation, the
    score it asks for (optional) and evidence files, while the round is in review and up to
    its last day of feedback. Only the region's own office (or an administrator) files it;
    a score has at most one item awaiting an answer."""
    ensure_role(actor, Role.SUPERVISOR)
    score = Score.objects.select_related("subject__region", "subject__round", "indicator").get(
        pk=score.pk
    )
    subject = score.subject
    if actor is not None:
        if actor.role == Role.AUDITOR:
            raise PermissionDenied(_("Your role does not allow this action."))
        if not selectors.scores(actor, subject.round).filter(pk=score.pk).exists():
            raise OutOfScope(
                _("No %(name)s matches the given query.") % {"name": Score._meta.verbose_name}
            )
        if not selectors.represents(actor, subject):
            raise PermissionDenied(
                _("Only the evaluated region's own credit office files feedback on its scores.")
            )
    locked = _locked_round(subject.round)
    if locked.status != RoundStatus.REVIEW:
        raise WorkflowConflict(
            _("This round is “%(status)s”: feedback is filed while it is under review.")
            % {"status": locked.get_status_display()}
        )
    if not feedback_window_is_open(locked):
        raise WorkflowConflict(
            _("Feedback on this round closed on %(date)s.")
            % {"date": locked.feedback_closes.isoformat()}
        )
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationError({"explanation": _("Explain what is wrong with the score.")})
    if proposed_value not in (None, ""):
        proposed_value = _value_in_range(proposed_value, score, "proposed_value")
    else:
        proposed_value = None
    if ScoreFeedback.objects.filter(score=score, status=FeedbackStatus.OPEN).exists():
        raise ValidationError({"score": _("This score already has feedback awaiting an answer.")})
    checked = _checked_files(files)
    feedback = ScoreFeedback(
        round=locked,
        subject=subject,
        score=score,
        explanation=explanation,
        proposed_value=proposed_value,
        score_at_filing=score.value,
        filed_by=actor,
    )
    try:
        with transaction.atomic():
            save_with_history(feedback, actor=actor, reason=_("Feedback filed"))
    except IntegrityError:  # another official of the region filed on it at the same moment
        raise ValidationError(
            {"score": _("This score already has feedback awaiting an answer.")}
        ) from None
    for uploaded, content_type in checked:
        FeedbackAttachment.objects.create(
            feedback=feedback,
            file=uploaded,
            original_name=Path(uploaded.name).name[:255],
            content_type=content_type,
            size=uploaded.size,
            uploaded_by=actor,
        )
    notify_translated(
        supervisors_of(locked.organiser),
        kind=NotificationKind.WORKFLOW,
        describe=lambda: (
            _("%(subject)s filed feedback on its score for “%(indicator)s”")
            % {"subject": subject.name, "indicator": score.indicator.name},
            _("Round “%(round)s”: answer it before the round is published.")
            % {"round": locked.name},
        ),
        url=feedback_url(feedback),
        target=feedback,
    )
    return feedback


def feedback_url(feedback: ScoreFeedback) -> str:
    return reverse("evaluations:feedback_detail", args=[feedback.round_id, feedback.pk])


@transaction.atomic
def feedback_answer(
    *,
    actor: User | None,
    feedback: ScoreFeedback,
    accept: bool,
    reason: str,
    value=None,
) -> ScoreFeedback:
    """The organiser's answer to one feedback item, while the round is under review:
    accepted with the new score (the score is changed with its history and the reason, and
    the round's totals, grades and ranks recomputed), or rejected with reasons."""
    ensure_role(actor, Role.SUPERVISOR)
    evaluation_round = feedback.round
    if actor is not None:
        if actor.role == Role.AUDITOR:
            raise PermissionDenied(_("Your role does not allow this action."))
        if not selectors.feedback(actor).filter(pk=feedback.pk).exists():
            raise OutOfScope(
                _("No %(name)s matches the given query.")
                % {"name": ScoreFeedback._meta.verbose_name}
            )
        if not selectors.organises(actor, evaluation_round):
            raise PermissionDenied(_("Only the round's organiser answers feedback."))
    locked = _locked_round(evaluation_round)
    if locked.status != RoundStatus.REVIEW:
        raise WorkflowConflict(
            _("This round is “%(status)s”: feedback is answered while it is under review.")
            % {"status": locked.get_status_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reasons for the answer.")})
    score = Score.objects.select_for_update().select_related("indicator").get(pk=feedback.score_id)
    if accept:
        if value in (None, ""):
            raise ValidationError({"value": _("Accepting feedback means giving the new score.")})
        value = _value_in_range(value, score, "value")
        if score.value is not None and value == score.value:
            raise ValidationError(
                {"value": _("The new score is the current score; reject the feedback instead.")}
            )
        # Recorded on the row before the decision is saved, so that the decision's history
        # entry carries it; the status condition keeps an already answered item untouched.
        ScoreFeedback.objects.filter(pk=feedback.pk, status=FeedbackStatus.OPEN).update(
            new_value=value
        )
    decided = review_decide(review=feedback, actor=actor, approve=accept, reason=reason)
    if accept:
        score.value = value
        if score.indicator.is_weighted:
            score.weighted_value = _weighted(value, score.weight)
        score.scored_by = actor
        score.scored_at = timezone.now()
        save_with_history(
            score,
            actor=actor,
            reason=_("Rescored after feedback: %(reason)s") % {"reason": reason},
        )
        results_refresh(locked)
    _tell_region(decided)
    return decided


def _tell_region(feedback: ScoreFeedback) -> None:
    subject = feedback.subject
    recipients = [*selectors.representatives(subject), feedback.filed_by]
    accepted = feedback.status == FeedbackStatus.ACCEPTED
    indicator = feedback.score.indicator.name

    def describe():
        if accepted:
            title = _("Your feedback on “%(indicator)s” was accepted") % {"indicator": indicator}
            message = _("The score is now %(value)s. %(reason)s") % {
                "value": feedback.new_value,
                "reason": feedback.decision_reason,
            }
        else:
            title = _("Your feedback on “%(indicator)s” was rejected") % {"indicator": indicator}
            message = feedback.decision_reason
        return title, message

    notify_translated(
        [user for user in recipients if user is not None],
        kind=NotificationKind.WORKFLOW,
        describe=describe,
        url=feedback_url(feedback),
        target=feedback,
    )


def unanswered_message(count: int) -> str:
    return ngettext(
        "%(count)d feedback item is still unanswered; answer it before publishing.",
        "%(count)d feedback items are still unanswered; answer them before publishing.",
        count,
    ) % {"count": count}
