"""The last day of feedback of a round in review, as a deadline of the portal's reminder scan
(``core.deadlines``): the evaluated regions' offices are reminded before it passes
(``CHENGXIN_REMINDER_DAYS``). Registered from ``EvaluationsConfig.ready``."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.deadlines import DeadlineSource, DueItem, days_phrase, register

from . import selectors
from .models import Round, RoundStatus

KIND = "evaluation_feedback"


def feedback_window_items(start: datetime.date, end: datetime.date):
    rounds = Round.objects.filter(
        status=RoundStatus.REVIEW, feedback_closes__range=(start, end)
    ).prefetch_related("subjects__round")
    for evaluation_round in rounds:
        recipients = [
            user
            for subject in evaluation_round.subjects.all()
            for user in selectors.representatives(subject)
        ]

        def describe(days_left, evaluation_round=evaluation_round):
            return (
                _("Feedback on the draft scores of “%(round)s” closes %(when)s")
                % {"round": evaluation_round.name, "when": days_phrase(days_left)},
                _("File any feedback on your scores, with its evidence, by %(date)s.")
                % {"date": evaluation_round.feedback_closes.isoformat()},
            )

        yield DueItem(
            object_id=evaluation_round.pk,
            due_date=evaluation_round.feedback_closes,
            recipients=recipients,
            describe=describe,
            url=reverse("evaluations:round_detail", args=[evaluation_round.pk]),
            target=evaluation_round,
        )


def register_sources() -> None:
    register(
        DeadlineSource(
            KIND, feedback_window_items, label=gettext_lazy("Feedback on evaluation scores")
        )
    )
